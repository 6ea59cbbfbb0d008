import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

// js-yaml (a root dev dependency, pinned) read through require: one untyped function is all the tests use.
export const { load: parseYaml } = createRequire(import.meta.url)('js-yaml') as { load: (text: string) => unknown };

/** The repository root (these files run from test/dist/ops). */
export const root = new URL('../../../', import.meta.url).pathname;

/** Runs promtool in the repository root; a failure fails the test with promtool's own words. */
export async function promtool(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await promisify(execFile)('promtool', args, { cwd: root });
    return `${stdout}${stderr}`;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') assert.fail('promtool is not on PATH: install the Debian package `prometheus`');
    assert.fail(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}
