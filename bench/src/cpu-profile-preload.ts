// Loaded into each service with `NODE_OPTIONS=--import …` when BENCH_CPU_PROF is set (Node 20 refuses
// --cpu-prof in NODE_OPTIONS): profiles the whole run and writes `<service pid>.cpuprofile` into that folder at
// exit (`<service>-<pid>`), for Chrome DevTools or `node bench/dist/src/cpu-profile-summary.js <file>`.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.BENCH_CPU_PROF;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1_000 });
  session.post('Profiler.start');
  // An in-thread session answers synchronously, so the profile can still be written at exit.
  process.once('exit', () =>
    session.post('Profiler.stop', (error, result) => {
      const service = /services\/([a-z]+)\//.exec(process.argv[1] ?? '')?.[1] ?? 'node';
      if (!error) writeFileSync(join(dir, `${service}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    }),
  );
}
