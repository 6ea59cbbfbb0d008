#!/usr/bin/env node
// `make check-config`: validates what `make up` would run without a Docker engine — the Compose file (schema,
// memory limits and their sum, healthchecks, pinned images, published ports), livekit.yaml, the Dockerfile,
// Prometheus (promtool) and Grafana files, the nginx templates, and the operator's .env when there is one.
// One line per check; exit code 1 when any check fails. The checks live in tools/check-config/.
import { formatResult, runChecks } from '../tools/check-config/index.mjs';

const results = await runChecks();
for (const line of results.map(formatResult)) process.stdout.write(`${line}\n`);
const failed = results.filter((r) => r.status === 'fail').length;
const skipped = results.filter((r) => r.status === 'skip').length;
const passed = results.length - failed - skipped;
process.stdout.write(`check-config: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exitCode = failed ? 1 : 0;
