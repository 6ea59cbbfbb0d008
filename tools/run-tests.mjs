#!/usr/bin/env node
// `make test`: type-check and build, lint, format check, then every test file through node:test.
// Each check counts as one test, so the last line, `N passed, N failed`, is all CI needs to read.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
const bin = (name) => join(root, 'node_modules/.bin', name);
const only = process.argv.slice(2);

let passed = 0;
let failed = 0;

function check(name, command, args) {
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const ms = Date.now() - started;
  if (result.status === 0) {
    passed += 1;
    console.log(`✔ ${name} (${ms} ms)`);
    return true;
  }
  failed += 1;
  console.log(`✖ ${name} (${ms} ms)`);
  console.log(`${result.stdout ?? ''}${result.stderr ?? ''}`.trim());
  return false;
}

function findTests(dir, pattern, found = []) {
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) findTests(path, pattern, found);
    else if (pattern.test(entry)) found.push(path);
  }
  return found;
}

function testFiles() {
  const files = [];
  for (const top of ['libs', 'services']) {
    for (const pkg of readdirSync(join(root, top)))
      findTests(join(root, top, pkg, 'dist'), /\.(spec|test)\.js$/, files);
  }
  findTests(join(root, 'web/out'), /\.spec\.js$/, files);
  findTests(join(root, 'test/dist'), /\.test\.js$/, files);
  const rel = files.map((f) => relative(root, f)).sort();
  return only.length ? rel.filter((f) => only.some((o) => f.includes(o))) : rel;
}

const built =
  check('type-check and build (tsc -b)', bin('tsc'), ['-b']) &&
  check('guest page bundle (web/build.mjs)', process.execPath, [join(root, 'web/build.mjs')]);
if (only.length === 0) {
  check('lint (eslint, type-aware)', bin('eslint'), ['--max-warnings', '0', '.']);
  check('format (prettier --check)', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
}

if (built) {
  const files = testFiles();
  const tally = join(mkdtempSync(join(tmpdir(), 'dh-tests-')), 'tally.json');
  const concurrency = process.env.TEST_CONCURRENCY ?? '2';
  const result = spawnSync(
    process.execPath,
    [
      '--test',
      `--test-concurrency=${concurrency}`,
      '--test-timeout=300000',
      // A test file whose handles outlive its tests (a native SDK thread, a socket) must not hang the run.
      '--test-force-exit',
      `--test-reporter=${join(root, 'tools/test-reporter.mjs')}`,
      '--test-reporter-destination=stdout',
      ...files,
    ],
    { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production', DH_TEST_TALLY: tally } },
  );
  if (existsSync(tally)) {
    const counts = JSON.parse(readFileSync(tally, 'utf8'));
    passed += counts.passed;
    failed += counts.failed;
  } else {
    console.log(`test runner ended without a tally (exit ${result.status}, signal ${result.signal})`);
    failed += 1;
  }
  if (result.status !== 0 && failed === 0) failed += 1;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
