import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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

/**
 * Runs one of the operator scripts with only the given environment (and PATH), never on a terminal: with `args`,
 * and through `asUser` (setpriv) as another user when given.
 */
async function script(
  name: string,
  env: Record<string, string>,
  { args = [], asUser = [] }: { args?: string[]; asUser?: string[] } = {},
): Promise<Run> {
  const [command = '', ...rest] = [...asUser, join(root, 'scripts', name), ...args];
  try {
    const { stdout, stderr } = await promisify(execFile)(command, rest, {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, out: `${stdout}${stderr}` };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

/** setpriv's arguments to run as nobody (65534), for what an operator without root sees. */
const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'];

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
  // As `make secret` and `make up` leave them: the key 0600 in a 0700 folder, owned by dialogue's uid 1000;
  // Grafana's data by its uid 472 (owners only where this runs as root).
  chmodSync(join(live, 'secrets'), 0o700);
  chmodSync(join(live, 'secrets/deepseek_api_key'), 0o600);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chownSync(join(live, 'secrets/deepseek_api_key'), 1000, 1000);
    chownSync(join(live, 'data/grafana'), 472, 0);
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

  test('the key comes back 0600 in a 0700 folder with its owner, and config stays readable by the services', async () => {
    assert.equal((await backup()).code, 0);
    const archive = join(backups, archives().sort().at(-1)!);
    const restoredAs = async (into: string, run: (env: Record<string, string>) => Promise<Run>) => {
      const restored = await run({ FILE: archive, RESTORE_ROOT: into });
      assert.equal(restored.code, 0, restored.out);
      assert.equal(mode(join(into, 'secrets/deepseek_api_key')), 0o600, `${into}: the key file`);
      assert.equal(mode(join(into, 'secrets')), 0o700, `${into}: its folder`);
      // Mounted read-only into containers that run as uid 1000, whoever restored them.
      assert.equal(mode(join(into, 'config/persona.json')), 0o644, `${into}: config`);
      assert.equal(mode(join(into, 'config/avatar')), 0o755, `${into}: config folders`);
    };
    await restoredAs(join(temp, 'restored'), (env) => script('restore.sh', env));
    if (!asRoot) return;
    // Numeric owners, whatever names this host gives uid 1000 and 472: the containers know only numbers.
    assert.equal(statSync(join(temp, 'restored/secrets/deepseek_api_key')).uid, 1000);
    assert.equal(statSync(join(temp, 'restored/data/grafana')).uid, 472);
    // An operator without root (nobody here), into a folder of their own: tar then applies the umask.
    const operator = mkdtempSync(join(tmpdir(), 'dh-operator-user-'));
    try {
      chmodSync(operator, 0o755);
      chownSync(operator, 65534, 65534);
      copyFileSync(archive, join(operator, 'backup.tar.gz'));
      chownSync(join(operator, 'backup.tar.gz'), 65534, 65534);
      await restoredAs(join(operator, 'restored'), (env) =>
        script('restore.sh', { ...env, FILE: join(operator, 'backup.tar.gz') }, { asUser: NOBODY }),
      );
    } finally {
      rmSync(operator, { recursive: true, force: true });
    }
  });

  test('a key archived with loose modes comes back private all the same', async () => {
    const loose = join(temp, 'loose');
    mkdirSync(join(loose, 'secrets'), { recursive: true, mode: 0o755 });
    writeFileSync(join(loose, 'secrets/deepseek_api_key'), 'sk-loose', { mode: 0o644 });
    chmodSync(join(loose, 'secrets'), 0o755);
    const archive = join(temp, 'loose.tar.gz');
    await promisify(execFile)('tar', ['-czf', archive, '-C', loose, 'secrets']);
    const into = join(temp, 'loose-restored');
    const restored = await script('restore.sh', { FILE: archive, RESTORE_ROOT: into });
    assert.equal(restored.code, 0, restored.out);
    assert.equal(mode(join(into, 'secrets')), 0o700);
    assert.equal(mode(join(into, 'secrets/deepseek_api_key')), 0o600);
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

describe('make cert: the daily renewal', () => {
  const dir = join(temp, 'cert');
  const cronDir = join(dir, 'cron.d');
  const log = join(dir, 'docker.log');
  mkdirSync(cronDir, { recursive: true });
  // docker stands in for nginx and certbot: it records what it is asked and succeeds.
  writeFileSync(join(dir, 'docker'), `#!/bin/bash\nprintf '%s\\n' "$*" >> ${JSON.stringify(log)}\n`);
  chmodSync(join(dir, 'docker'), 0o755);
  const env = {
    PATH: `${dir}:${process.env.PATH ?? ''}`,
    CERT_DIR: join(dir, 'certs'),
    ACME_DIR: join(dir, 'acme'),
    CRON_DIR: cronDir,
  };
  const entry = `17 3 * * * root cd ${root.replace(/\/$/, '')} && scripts/cert.sh --renew >> /var/log/dh-cert.log 2>&1`;

  test('as root, Let’s Encrypt leaves a cron.d entry, written once however often it runs', async (t) => {
    if (process.getuid?.() !== 0) return t.skip('installs only as root');
    const issued = await script('cert.sh', { ...env, DOMAIN: 'chat.example.com', EMAIL: 'me@example.com' });
    assert.equal(issued.code, 0, issued.out);
    assert.match(readFileSync(log, 'utf8'), /certonly --webroot/);
    const file = join(cronDir, 'dh-cert-renew');
    assert.match(issued.out, new RegExp(`daily renewal installed: ${file}`));
    const text = readFileSync(file, 'utf8');
    assert.ok(text.split('\n').includes(entry), text);
    assert.match(text, /^PATH=.*\/usr\/bin/m, 'cron’s own PATH has no docker in /usr/local/bin');
    assert.equal(mode(file), 0o644, 'cron ignores a cron.d file others may write');

    const { mtimeMs } = statSync(file);
    const again = await script('cert.sh', env, { args: ['--cron'] });
    assert.match(again.out, /already installed/);
    assert.equal(statSync(file).mtimeMs, mtimeMs);
    assert.deepEqual(readdirSync(cronDir), ['dh-cert-renew'], 'no temporary file left behind');
  });

  test('without root, or without a cron.d, it prints the line to add instead', async () => {
    const missing = await script('cert.sh', { ...env, CRON_DIR: join(dir, 'no-cron.d') }, { args: ['--cron'] });
    assert.equal(missing.code, 0, missing.out);
    assert.ok(missing.out.includes(entry.replace(' root ', ' ')), missing.out);
    if (process.getuid?.() !== 0) return;
    const open = join(dir, 'open-cron.d');
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    const nobody = await script('cert.sh', { ...env, CRON_DIR: open }, { args: ['--cron'], asUser: NOBODY });
    assert.equal(nobody.code, 0, nobody.out);
    assert.match(nobody.out, /crontab -e/);
    assert.deepEqual(readdirSync(open), []);
  });
});
