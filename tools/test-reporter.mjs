// node:test reporter: one line per test, failures with their error, and a JSON tally written to
// $DH_TEST_TALLY so that tools/run-tests.mjs can print the single summary line CI reads.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const indent = (n) => '  '.repeat(n);

export default async function* reporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures = [];
  // --test-force-exit ends the process right after the last test, possibly before this generator finishes:
  // the tally is written on exit too.
  const writeTally = () => {
    if (process.env.DH_TEST_TALLY)
      writeFileSync(process.env.DH_TEST_TALLY, JSON.stringify({ passed, failed, skipped }));
  };
  process.on('exit', writeTally);
  for await (const { type, data } of source) {
    if (type !== 'test:pass' && type !== 'test:fail') {
      if (type === 'test:stderr' || type === 'test:stdout') {
        if (process.env.DH_TEST_VERBOSE === '1') yield data.message;
      }
      continue;
    }
    const isSuite = data.details?.type === 'suite';
    const where = data.file ? relative(process.cwd(), data.file) : '';
    const ms = Math.round(data.details?.duration_ms ?? 0);
    if (type === 'test:pass') {
      if (data.skip || data.todo) {
        skipped += 1;
        yield `${indent(data.nesting)}- ${data.name} (skipped)\n`;
        continue;
      }
      if (!isSuite) passed += 1;
      yield `${indent(data.nesting)}✔ ${data.name} (${ms} ms)\n`;
    } else {
      const error = data.details?.error;
      const cause = error?.cause ?? error;
      // A suite fails when a test in it fails; count it only when the failure is its own (a hook, a crash).
      const own = !isSuite || error?.failureType !== 'subtestsFailed';
      if (own) {
        failed += 1;
        failures.push({ name: data.name, where, message: String(cause?.stack ?? cause?.message ?? cause) });
      }
      yield `${indent(data.nesting)}✖ ${data.name} (${ms} ms)${where ? ` [${where}]` : ''}\n`;
      if (own)
        yield `${String(cause?.message ?? cause)
          .split('\n')
          .map((l) => `${indent(data.nesting + 2)}${l}`)
          .join('\n')}\n`;
    }
  }
  if (failures.length > 0) {
    yield '\nFailures:\n';
    for (const f of failures) yield `\n● ${f.name} [${f.where}]\n${f.message}\n`;
  }
  writeTally();
}
