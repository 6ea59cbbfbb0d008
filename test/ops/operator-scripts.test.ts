import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { root } from './promtool.js';

const temp = mkdtempSync(join(tmpdir(), 'dh-operator-'));
after(() => rmSync(temp, { recursive: true, force: true }));

interface Run {
  code: number;
  out: string;
}

/** Runs one of the operator scripts with only the given environment (and PATH), never on a terminal. */
async function script(name: string, env: Record<string, string>): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(join(root, 'scripts', name), [], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, out: `${stdout}${stderr}` };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('make secret', () => {
  const dir = join(temp, 'secrets');
  const key = 'sk-0123456789abcdefSECRET';

  test('writes the key to a 0600 file in a 0700 folder, and never prints it', async () => {
    const run = await script('secret.sh', { DEEPSEEK_API_KEY: ` ${key}\n`, SECRETS_DIR: dir });
    assert.equal(run.code, 0, run.out);
    assert.equal(readFileSync(join(dir, 'deepseek_api_key'), 'utf8'), key, 'trimmed, no newline');
    assert.equal(mode(join(dir, 'deepseek_api_key')), 0o600);
    assert.equal(mode(dir), 0o700);
    assert.ok(!run.out.includes(key) && !run.out.includes('SECRET'), run.out);
  });

  test('refuses something that is not a key, and asks for one when none is given', async () => {
    const bad = await script('secret.sh', { DEEPSEEK_API_KEY: 'not a key; rm -rf', SECRETS_DIR: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.out, /API 密钥|API key/);
    assert.equal(readFileSync(join(dir, 'deepseek_api_key'), 'utf8'), key, 'the stored key is untouched');
    const none = await script('secret.sh', { SECRETS_DIR: dir });
    assert.equal(none.code, 2);
  });
});

describe('make backup and make restore', () => {
  const live = join(temp, 'live');
  const backups = join(temp, 'backups');
  const files: Record<string, string> = {
    '.env': 'DOMAIN=example.top\nMONTHLY_TRAFFIC_GB=300\n',
    'secrets/deepseek_api_key': 'sk-backup-test',
    'config/persona.json': '{"name":"开心"}',
    'config/avatar/idle.png': 'png bytes',
    'data/redis/appendonly.aof': 'redis data',
    'data/grafana/grafana.db': 'grafana data',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(live, path, '..'), { recursive: true });
    writeFileSync(join(live, path), text);
  }
  const archives = () => readdirSync(backups).filter((f) => /^dh-backup-.*\.tar\.gz$/.test(f));
  const backup = () => script('backup.sh', { BACKUP_ROOT: live, BACKUP_DIR: backups, KEEP: '2' });

  test('backup then restore into an empty folder gives back every file', async () => {
    const made = await backup();
    assert.equal(made.code, 0, made.out);
    assert.match(made.out, /\.tar\.gz \(\d/, 'prints the size');
    const [archive] = archives();
    assert.ok(archive);
    assert.equal(mode(join(backups, archive)), 0o600, 'the archive holds secrets');

    const fresh = join(temp, 'fresh');
    const restored = await script('restore.sh', { FILE: join(backups, archive), RESTORE_ROOT: fresh });
    assert.equal(restored.code, 0, restored.out);
    for (const [path, text] of Object.entries(files)) assert.equal(readFileSync(join(fresh, path), 'utf8'), text, path);

    const again = await script('restore.sh', { FILE: join(backups, archive), RESTORE_ROOT: fresh });
    assert.equal(again.code, 1, 'over existing files only with FORCE=1');
    assert.match(again.out, /FORCE=1/);
    const forced = await script('restore.sh', { FILE: join(backups, archive), RESTORE_ROOT: fresh, FORCE: '1' });
    assert.equal(forced.code, 0, forced.out);
  });

  test('only the newest KEEP archives stay', async () => {
    for (let i = 0; i < 3; i += 1) assert.equal((await backup()).code, 0);
    assert.equal(archives().length, 2);
  });

  test('a missing, broken or path-escaping archive is refused', async () => {
    assert.equal((await script('restore.sh', { RESTORE_ROOT: join(temp, 'x') })).code, 2);
    writeFileSync(join(temp, 'broken.tar.gz'), 'not an archive');
    assert.equal(
      (await script('restore.sh', { FILE: join(temp, 'broken.tar.gz'), RESTORE_ROOT: join(temp, 'x') })).code,
      1,
    );
    const evil = join(temp, 'evil.tar.gz');
    await promisify(execFile)('tar', ['-czf', evil, '-P', '--transform', 's,^,../,', '-C', live, '.env']);
    const refused = await script('restore.sh', { FILE: evil, RESTORE_ROOT: join(temp, 'y') });
    assert.equal(refused.code, 1);
    assert.match(refused.out, /unsafe/);
  });
});
