import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
import { liveKitBinary } from '@dh/testing';

/** The first line a program prints for `args`, or `?` when it cannot be run. */
function versionOf(program: string, args: string[]): string {
  try {
    return execFileSync(program, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] })
      .trim()
      .split('\n')[0]!;
  } catch {
    return '?';
  }
}

/** One line describing where the bench ran: cores, CPU model, RAM, kernel and the versions of what it ran. */
export function describeMachine(): string {
  const cpu = cpus()[0]?.model.trim() ?? '?';
  const ram = (totalmem() / 1024 ** 3).toFixed(1);
  const liveKit = versionOf(liveKitBinary(), ['--version']).replace(/^.*version\s*/i, '');
  const espeak = /\d+\.\d+(\.\d+)?/.exec(versionOf('espeak-ng', ['--version']))?.[0] ?? '?';
  const redis = /v=(\S+)/.exec(versionOf('redis-server', ['--version']))?.[1] ?? '?';
  return (
    `${cpus().length} cores (${cpu}), ${ram} GiB RAM, Linux ${release()}, Node ${process.version}; ` +
    `LiveKit ${liveKit}, espeak-ng ${espeak}, Redis ${redis}`
  );
}
