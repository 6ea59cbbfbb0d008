// Preloaded (node -r) by measure-memory.mjs into a short-lived process: prints its own peak RSS (VmHWM) as it
// exits. /usr/bin/time's figure is no use under a large parent: Linux carries the parent's high-water mark into
// the child through fork and exec.
const { readFileSync, writeSync } = require('node:fs');

process.on('exit', () => {
  const peak = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
  writeSync(2, `peak-rss ${peak} kB\n`);
});
