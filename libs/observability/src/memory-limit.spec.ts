import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Registry } from 'prom-client';
import { exportMemoryLimit, readMemoryLimit } from './memory-limit.js';

const dir = mkdtempSync(join(tmpdir(), 'dh-cgroup-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const HOST = 2 * 1024 ** 3;

test('cgroup v2 limit, v1 limit, or none', () => {
  assert.equal(readMemoryLimit([file('v2', '268435456\n')], HOST), 268_435_456);
  assert.equal(readMemoryLimit([join(dir, 'absent'), file('v1', '157286400\n')], HOST), 157_286_400);
  assert.equal(readMemoryLimit([file('max', 'max\n')], HOST), undefined, 'v2 without a limit');
  assert.equal(readMemoryLimit([file('huge', '9223372036854771712\n')], HOST), undefined, 'v1 without a limit');
  assert.equal(readMemoryLimit([join(dir, 'absent')], HOST), undefined, 'not in a container');
});

test('the gauge is exported only when there is a limit', async () => {
  const limited = new Registry();
  exportMemoryLimit(limited, 100 * 1024 ** 2);
  assert.match(await limited.metrics(), /^dh_memory_limit_bytes 104857600$/m);
  const unlimited = new Registry();
  exportMemoryLimit(unlimited, undefined);
  assert.doesNotMatch(await unlimited.metrics(), /dh_memory_limit_bytes/);
});
