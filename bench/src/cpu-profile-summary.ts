// Where a V8 CPU profile's time went: self time per function and per package (or file), the top rows.
//
//   node bench/dist/src/cpu-profile-summary.js /tmp/prof/media-1234.cpuprofile [rows]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `@scope/pkg` or `pkg` for a dependency, the path below the repository for our code, else the URL. */
function origin(url: string): string {
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1]!;
  const ours = /\/work\/[^/]+\/(.*)$/.exec(url.replace(/^file:\/\//, ''));
  return ours?.[1] ?? (url || '(native / VM)');
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: cpu-profile-summary <file.cpuprofile> [rows]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
const byFunction = new Map<string, number>();
const byOrigin = new Map<string, number>();
// V8's pseudo-frames: waiting for events, native code outside JS, and the collector.
const PSEUDO = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);
for (const [id, us] of selfUs) {
  const frame = byId.get(id)!.callFrame;
  if (PSEUDO.has(frame.functionName)) {
    add(byOrigin, frame.functionName, us);
    continue;
  }
  add(byFunction, `${frame.functionName || '(anonymous)'} ${origin(frame.url)}:${frame.lineNumber + 1}`, us);
  add(byOrigin, origin(frame.url), us);
}
const rows = Number(rowsArg ?? 20);
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows))
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
};
const idle = byOrigin.get('(idle)') ?? 0;
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${((total - idle) / 1e6).toFixed(1)} s busy`);
print('self time by package / file', byOrigin);
print('self time by function', byFunction);
