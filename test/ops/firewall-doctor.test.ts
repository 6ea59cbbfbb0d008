// make firewall and make doctor, run as the operator would, with the world around them faked: every command
// they may call is either a fake below or a real tool linked into a folder of its own, so that a test controls
// exactly what is "installed" (the development machine has docker and ufw or not, whatever these tests need).
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { root } from './promtool.js';

const temp = mkdtempSync(join(tmpdir(), 'dh-doctor-'));
after(() => rmSync(temp, { recursive: true, force: true }));

/** Real tools the scripts may use: coreutils and friends, openssl, curl (for file:// metadata). */
const REAL_TOOLS = [
  'bash',
  'env',
  'cat',
  'sed',
  'awk',
  'grep',
  'sort',
  'paste',
  'head',
  'tail',
  'tr',
  'cut',
  'date',
  'stat',
  'dirname',
  'openssl',
  'curl',
];
const realBin = join(temp, 'real-bin');
mkdirSync(realBin);
for (const tool of REAL_TOOLS) {
  try {
    const path = execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    symlinkSync(path, join(realBin, tool));
  } catch {
    // A tool missing here is missing for the scripts too; the assertions say what broke.
  }
}

/** Fakes: bash scripts (builtins only) whose answers come from FAKE_* variables. */
const FAKES: Record<string, string> = {
  docker: `case "$1" in
  info) exit 0 ;;
  version) echo "\${FAKE_DOCKER_VERSION:-27.5.1}" ;;
  compose) echo 2.32.4 ;;
  ps) for arg; do [[ $arg == "publish=\${FAKE_PS_PUBLISH:-none}" ]] && printf '%s\\t%s\\n' "$FAKE_PS_PROJECT" "$FAKE_PS_NAME"; done ;;
esac
exit 0`,
  getent: `[[ $1 == ahostsv4 && -n \${FAKE_GETENT_IP:-} ]] || exit 2
for kind in STREAM DGRAM RAW; do echo "$FAKE_GETENT_IP $kind \${2:-}"; done`,
  ss: `echo 'Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process'
echo 'tcp   LISTEN 0      128    0.0.0.0:22         0.0.0.0:*    users:(("sshd",pid=700,fd=3))'
printf '%b' "\${FAKE_SS:-}"`,
  timedatectl: `echo "\${FAKE_NTP:-yes}"`,
  ip: `echo '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever'
echo "2: eth0    inet \${FAKE_IP_ADDR:-203.0.113.7}/24 brd 203.0.113.255 scope global eth0\\       valid_lft forever"`,
  df: `echo 'Filesystem     1024-blocks    Used Available Capacity Mounted on'
echo "/dev/vda1         41152736 8000000 \${FAKE_DF_AVAIL:-31000000}      21% /"`,
  id: `echo "\${FAKE_UID:-0}"`,
};

/** A folder with the named fakes; PATH puts it before the real tools. */
function fakeBin(names: string[]): string {
  const dir = mkdtempSync(join(temp, 'fake-bin-'));
  for (const name of names) {
    writeFileSync(join(dir, name), `#!/bin/bash\n${FAKES[name]}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}
const ALL_FAKES = Object.keys(FAKES);

interface Run {
  code: number;
  out: string;
}

/** Runs a script with only the given environment; PATH is the fakes, then the real tools, nothing else. */
function script(name: string, bin: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      join(root, 'scripts', name),
      [],
      { env: { PATH: `${bin}:${realBin}`, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, out: `${stdout}${stderr}` });
      },
    );
  });
}

const openssl = (cwd: string, ...args: string[]) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });

describe('make firewall', () => {
  const log = join(temp, 'ufw.log');
  // Records each call as its arguments joined by |, so that a comment with spaces shows as one argument.
  const ufw = join(temp, 'ufw');
  writeFileSync(
    ufw,
    `#!/bin/bash\nIFS='|'; echo "$*" >> "${log}"\n[[ "$*" == "\${FAKE_UFW_FAIL:-none}" ]] && exit 1\nexit 0\n`,
  );
  chmodSync(ufw, 0o755);
  const calls = () => {
    try {
      return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  const bin = fakeBin(['id']);
  const connected = { SSH_CONNECTION: '198.51.100.20 50122 10.0.0.5 2222', UFW: ufw };
  const expected = [
    'allow|2222/tcp|comment|SSH',
    'allow|80/tcp|comment|nginx HTTP',
    'allow|443/tcp|comment|nginx HTTPS',
    'allow|7881/tcp|comment|LiveKit WebRTC TCP',
    'allow|7882/udp|comment|LiveKit WebRTC UDP',
    'allow|from|172.16.0.0/12|to|any|port|9100|proto|tcp|comment|node_exporter from Docker networks',
    'default|deny|incoming',
    'default|allow|outgoing',
    '--force|enable',
    'status|verbose',
  ];

  test('prints the rules, with SSH on the port of the current connection, and changes nothing', async () => {
    rmSync(log, { force: true });
    const run = await script('firewall.sh', bin, connected);
    assert.equal(run.code, 0, run.out);
    const rules = run.out.split('\n').filter((line) => line.startsWith('  ufw '));
    assert.deepEqual(
      rules.map((line) => line.trim()),
      [
        'ufw allow 2222/tcp comment SSH',
        "ufw allow 80/tcp comment 'nginx HTTP'",
        "ufw allow 443/tcp comment 'nginx HTTPS'",
        "ufw allow 7881/tcp comment 'LiveKit WebRTC TCP'",
        "ufw allow 7882/udp comment 'LiveKit WebRTC UDP'",
        "ufw allow from 172.16.0.0/12 to any port 9100 proto tcp comment 'node_exporter from Docker networks'",
        'ufw default deny incoming',
        'ufw default allow outgoing',
        'ufw --force enable',
      ],
    );
    assert.doesNotMatch(run.out, /allow 22\/tcp/, 'only the port the operator is connected on');
    // Why Docker's ports are open whatever ufw says, and the security group, Chinese first.
    assert.match(run.out, /绕过 ufw[\s\S]*安全组[\s\S]*bypass ufw[\s\S]*security group/);
    assert.match(run.out, /TCP 2222（SSH）、80、443、7881，UDP 7882/);
    assert.match(run.out, /APPLY=1/);
    assert.deepEqual(calls(), [], 'ufw is not called without APPLY=1');
  });

  test("without SSH_CONNECTION the port comes from sshd's configuration, else 22", async () => {
    const config = join(temp, 'sshd_config');
    mkdirSync(join(temp, 'sshd_config.d'), { recursive: true });
    writeFileSync(config, `# Port 9999\nInclude ${join(temp, 'sshd_config.d')}/*.conf\nPermitRootLogin no\n`);
    writeFileSync(join(temp, 'sshd_config.d', 'port.conf'), 'Port 2200\n');
    const fromConfig = await script('firewall.sh', bin, { SSHD_CONFIG: config, UFW: ufw });
    assert.equal(fromConfig.code, 0, fromConfig.out);
    assert.match(fromConfig.out, /^ {2}ufw allow 2200\/tcp comment SSH$/m);
    assert.doesNotMatch(fromConfig.out, /9999/);

    const fallback = await script('firewall.sh', bin, { SSHD_CONFIG: join(temp, 'none'), UFW: ufw });
    assert.match(fallback.out, /^ {2}ufw allow 22\/tcp comment SSH$/m);
    const chosen = await script('firewall.sh', bin, { ...connected, SSH_PORT: '2022' });
    assert.match(chosen.out, /^ {2}ufw allow 2022\/tcp comment SSH$/m, 'SSH_PORT wins');
  });

  test('under sudo, which drops SSH_CONNECTION, the port comes from the calling process', async () => {
    // bash stands in for sudo: SSH_CONNECTION is in its environment, not in the script's.
    const run = await new Promise<string>((resolve) => {
      execFile(
        join(realBin, 'bash'),
        ['-c', `env -u SSH_CONNECTION SUDO_USER=operator ${join(root, 'scripts/firewall.sh')} 2>&1; true`],
        { env: { PATH: `${bin}:${realBin}`, SSH_CONNECTION: '198.51.100.20 50122 10.0.0.5 2323', UFW: ufw } },
        (_error, stdout) => resolve(stdout),
      );
    });
    assert.match(run, /^ {2}ufw allow 2323\/tcp comment SSH$/m, run);
  });

  test('APPLY=1 runs exactly these ufw calls, SSH first and enable last', async () => {
    rmSync(log, { force: true });
    const run = await script('firewall.sh', bin, { ...connected, APPLY: '1' });
    assert.equal(run.code, 0, run.out);
    assert.deepEqual(calls(), expected);
    assert.match(run.out, /安全组/);
  });

  test('APPLY=1 stops at the first failing call and never enables', async () => {
    rmSync(log, { force: true });
    const run = await script('firewall.sh', bin, {
      ...connected,
      APPLY: '1',
      FAKE_UFW_FAIL: 'allow|443/tcp|comment|nginx HTTPS',
    });
    assert.equal(run.code, 1, run.out);
    assert.deepEqual(calls(), expected.slice(0, 3));
  });

  test('APPLY=1 without ufw, or without root, fails clearly and calls nothing', async () => {
    rmSync(log, { force: true });
    const none = await script('firewall.sh', bin, { ...connected, APPLY: '1', UFW: join(temp, 'no-ufw') });
    assert.equal(none.code, 1, none.out);
    assert.match(none.out, /没有安装 ufw.*apt-get install ufw/);
    const user = await script('firewall.sh', bin, { ...connected, APPLY: '1', FAKE_UID: '1000' });
    assert.equal(user.code, 1, user.out);
    assert.match(user.out, /root/);
    assert.deepEqual(calls(), []);
  });
});

describe('make doctor', () => {
  const DOMAIN = 'kaixin.example.test';
  const PUBLIC_IP = '203.0.113.7';
  const goodEnv: Record<string, string> = {
    DOMAIN,
    PUBLIC_IP,
    LIVEKIT_API_KEY: 'kaixin',
    LIVEKIT_API_SECRET: 'q8Zt3vKp0sWm9YxL2aBcD4eFgH6iJkLm',
    GRAFANA_ADMIN_PASSWORD: 'correct-horse-battery',
    HSTS: '',
  };

  // A throwaway CA, so that the good certificate is neither self-signed nor untrusted (SSL_CERT_FILE).
  const ca = join(temp, 'ca');
  mkdirSync(ca);
  openssl(
    ca,
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '365',
    '-subj',
    '/CN=Doctor Test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );

  function certificate(dir: string, days: number, selfSigned = false) {
    mkdirSync(dir, { recursive: true });
    const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${DOMAIN}`];
    if (selfSigned) {
      openssl(
        dir,
        'req',
        '-x509',
        ...key,
        '-days',
        String(days),
        '-keyout',
        'privkey.pem',
        '-out',
        'fullchain.pem',
        '-addext',
        `subjectAltName=DNS:${DOMAIN}`,
      );
      return;
    }
    writeFileSync(join(dir, 'san.cnf'), `subjectAltName=DNS:${DOMAIN}\n`);
    openssl(dir, 'req', ...key, '-keyout', 'privkey.pem', '-out', 'request.csr');
    openssl(
      dir,
      'x509',
      '-req',
      '-in',
      'request.csr',
      '-CA',
      join(ca, 'ca.pem'),
      '-CAkey',
      join(ca, 'ca.key'),
      '-set_serial',
      '7',
      '-days',
      String(days),
      '-extfile',
      'san.cnf',
      '-out',
      'fullchain.pem',
    );
  }

  /** A server folder: .env, certs/, secrets/. */
  function server(name: string, options: { env?: Record<string, string>; days?: number; selfSigned?: boolean } = {}) {
    const dir = join(temp, name);
    mkdirSync(join(dir, 'secrets'), { recursive: true });
    const env = options.env ?? goodEnv;
    writeFileSync(
      join(dir, '.env'),
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    certificate(join(dir, 'certs'), options.days ?? 90, options.selfSigned);
    writeFileSync(join(dir, 'secrets/deepseek_api_key'), 'sk-doctor-test');
    chmodSync(join(dir, 'secrets/deepseek_api_key'), 0o600);
    return dir;
  }

  const meminfo = (name: string, totalKb: number, availableKb: number) => {
    const path = join(temp, name);
    writeFileSync(
      path,
      `MemTotal:       ${totalKb} kB\nMemFree:         100000 kB\nMemAvailable:   ${availableKb} kB\n`,
    );
    return path;
  };
  const twoGb = meminfo('meminfo-2g', 2014088, 1300000);

  const good = server('good');
  const bin = fakeBin(ALL_FAKES);
  const base = {
    DOCTOR_ROOT: good,
    DOCTOR_MEMINFO: twoGb,
    DOCTOR_METADATA_URLS: '',
    SSL_CERT_FILE: join(ca, 'ca.pem'),
    FAKE_GETENT_IP: PUBLIC_IP,
  };
  const doctor = (env: Record<string, string> = {}, path = bin) => script('doctor.sh', path, { ...base, ...env });
  const marked = (out: string, mark: string) => out.split('\n').filter((line) => line.startsWith(`${mark} `));

  /** Exit 1, and the ✖ lines are exactly the expected ones. */
  function failsWith(run: Run, ...expected: RegExp[]) {
    assert.equal(run.code, 1, run.out);
    const failures = marked(run.out, '✖');
    assert.equal(failures.length, expected.length, run.out);
    expected.forEach((pattern, i) => assert.match(failures[i]!, pattern, run.out));
  }

  test('a ready server: every line ✔ and exit 0', async () => {
    const run = await doctor();
    assert.equal(run.code, 0, run.out);
    assert.deepEqual(marked(run.out, '✖'), [], run.out);
    assert.deepEqual(marked(run.out, '!'), [], run.out);
    const passed = marked(run.out, '✔');
    for (const expected of [
      /Docker 引擎在运行 · the Docker engine is running \(27\.5\.1\)/,
      /docker compose/,
      /\.env 齐全/,
      /80\/tcp 空闲/,
      /443\/tcp 空闲/,
      /7881\/tcp 空闲/,
      /7882\/udp 空闲/,
      new RegExp(`${DOMAIN} 解析到 PUBLIC_IP`),
      /PUBLIC_IP 在本机网卡上/,
      /受信任的机构签发/,
      new RegExp(`证书包含 ${DOMAIN}`),
      /证书还有 90 天/,
      /私钥与证书配对/,
      /内存 1\.9 GiB/,
      /可用内存 1269 MiB/,
      /磁盘 \/ 还有 29\.6 GiB/,
      /时钟已同步/,
      /DeepSeek 密钥已就位/,
    ])
      assert.ok(
        passed.some((line) => expected.test(line)),
        `${String(expected)} in\n${run.out}`,
      );
    assert.match(run.out, /(\d+) 项通过，0 项警告，0 项失败 · \1 passed, 0 warnings, 0 failed\n$/);
  });

  test('docker missing', async () => {
    const noDocker = fakeBin(ALL_FAKES.filter((name) => name !== 'docker'));
    failsWith(await doctor({}, noDocker), /没有安装 Docker · Docker is not installed/, /docker compose/);
  });

  test('Docker Engine older than 25', async () => {
    failsWith(await doctor({ FAKE_DOCKER_VERSION: '20.10.24' }), /Docker Engine 20\.10\.24 太旧/);
  });

  test('DOMAIN resolving elsewhere', async () => {
    failsWith(
      await doctor({ FAKE_GETENT_IP: '198.51.100.9' }),
      new RegExp(`${DOMAIN} 解析到 198\\.51\\.100\\.9，不是 PUBLIC_IP 203\\.0\\.113\\.7`),
    );
    failsWith(await doctor({ FAKE_GETENT_IP: '' }), /解析不到/);
  });

  test('a certificate expiring in 3 days', async () => {
    const run = await doctor({ DOCTOR_ROOT: server('expiring', { days: 3 }) });
    failsWith(run, /证书只剩 3 天/);
  });

  test('1 GB of memory, or too little available', async () => {
    failsWith(await doctor({ DOCTOR_MEMINFO: meminfo('meminfo-1g', 1004088, 600000) }), /内存只有 1\.0 GiB/);
    failsWith(await doctor({ DOCTOR_MEMINFO: meminfo('meminfo-busy', 2014088, 300000) }), /可用内存只有 292 MiB/);
  });

  test('less than 5 GiB of disk', async () => {
    failsWith(await doctor({ FAKE_DF_AVAIL: '3000000' }), /磁盘 \/ 只剩 2\.9 GiB/);
  });

  test('port 443 held by another program', async () => {
    const nginx = 'tcp   LISTEN 0      511    0.0.0.0:443        0.0.0.0:*    users:(("nginx",pid=812,fd=6))\\n';
    failsWith(await doctor({ FAKE_SS: nginx }), /443\/tcp 被 nginx 占用/);
  });

  test('ports held by our own containers are fine, by another project not', async () => {
    const proxy = 'udp   UNCONN 0      0      0.0.0.0:7882       0.0.0.0:*    users:(("docker-proxy",pid=990,fd=4))\\n';
    const ours = await doctor({
      FAKE_SS: proxy,
      FAKE_PS_PUBLISH: '7882/udp',
      FAKE_PS_PROJECT: 'happy-digital-human',
      FAKE_PS_NAME: 'happy-digital-human-livekit-1',
    });
    assert.equal(ours.code, 0, ours.out);
    assert.match(ours.out, /^✔ 7882\/udp 由本项目的容器使用.*happy-digital-human-livekit-1/m);
    const theirs = await doctor({
      FAKE_SS: proxy,
      FAKE_PS_PUBLISH: '7882/udp',
      FAKE_PS_PROJECT: 'jitsi',
      FAKE_PS_NAME: 'jitsi-jvb-1',
    });
    failsWith(theirs, /7882\/udp 被别的容器占用.*jitsi-jvb-1/);
  });

  test('.env missing a variable, or keeping the development secret', async () => {
    const { GRAFANA_ADMIN_PASSWORD: _, ...withoutPassword } = goodEnv;
    failsWith(
      await doctor({ DOCTOR_ROOT: server('no-password', { env: withoutPassword }) }),
      /\.env 缺少 GRAFANA_ADMIN_PASSWORD · \.env does not set GRAFANA_ADMIN_PASSWORD/,
    );
    const devSecret = { ...goodEnv, LIVEKIT_API_SECRET: 'dev-secret-for-make-dev-only-0123456789' };
    failsWith(await doctor({ DOCTOR_ROOT: server('dev-secret', { env: devSecret }) }), /开发用的默认值/);
  });

  test('the clock not synchronized', async () => {
    failsWith(await doctor({ FAKE_NTP: 'no' }), /时钟没有同步/);
  });

  test('warnings only: self-signed for a name, PUBLIC_IP behind NAT, the key file open, no timedatectl', async () => {
    const selfSigned = server('self-signed', { selfSigned: true });
    chmodSync(join(selfSigned, 'secrets/deepseek_api_key'), 0o644);
    const partial = fakeBin(ALL_FAKES.filter((name) => name !== 'timedatectl'));
    const run = await doctor({ DOCTOR_ROOT: selfSigned, FAKE_IP_ADDR: '10.0.0.5' }, partial);
    assert.equal(run.code, 0, run.out);
    const warnings = marked(run.out, '!');
    for (const expected of [
      /自签名/,
      /本机网卡上没有 PUBLIC_IP（只有 127\.0\.0\.1 10\.0\.0\.5）/,
      /权限是 644/,
      /无法检查时钟同步/,
    ])
      assert.ok(
        warnings.some((line) => expected.test(line)),
        `${String(expected)} in\n${run.out}`,
      );
    assert.equal(warnings.length, 4, run.out);
  });

  test("PUBLIC_IP confirmed by the cloud's metadata, or contradicted by it", async () => {
    const answer = join(temp, 'eipv4');
    writeFileSync(answer, `${PUBLIC_IP}\n`);
    const nat = await doctor({ FAKE_IP_ADDR: '10.0.0.5', DOCTOR_METADATA_URLS: `file://${answer}` });
    assert.equal(nat.code, 0, nat.out);
    assert.match(nat.out, /^✔ PUBLIC_IP 是本机的公网地址/m);
    writeFileSync(answer, '198.51.100.77\n');
    failsWith(
      await doctor({ FAKE_IP_ADDR: '10.0.0.5', DOCTOR_METADATA_URLS: `file://${answer}` }),
      /云平台说本机公网地址是 198\.51\.100\.77/,
    );
  });

  test('no tool at all: ! lines, never a crash', async () => {
    const run = await script('doctor.sh', fakeBin([]), { ...base, DOCTOR_ROOT: join(temp, 'empty') });
    assert.equal(run.code, 1, run.out);
    assert.match(run.out, /没有安装 Docker/);
    assert.match(run.out, /\.env 不存在/);
    assert.match(run.out, /无法检查端口：没有 ss 命令/);
    assert.match(run.out, /还没有证书/);
    assert.match(run.out, /无法检查时钟同步/);
    assert.match(run.out, /项失败 · \d+ passed, \d+ warnings, \d+ failed\n$/);
  });
});
