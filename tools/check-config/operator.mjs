// The operator's own .env, when there is one: what `make up` would stop on, or silently get wrong.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseDotEnv, referencedVariables } from './interpolate.mjs';
import { result, skipped } from './result.mjs';

/** `${NAME:?…}` variables of the Compose file: Compose refuses to start without them. */
export function requiredVariables(composeText) {
  return [
    ...new Set(
      referencedVariables(composeText)
        .filter((v) => v.required)
        .map((v) => v.name),
    ),
  ].sort();
}

/** The uid our images run as (the `node` user of the official Node images). */
export const SERVICE_UID = 1000;
/** The uid the Grafana image runs as; it must own ./data/grafana. */
export const GRAFANA_UID = 472;

/** Whether uid 1000 (not root: Compose bind-mounts secret files unchanged) can read a file with this stat. */
export function readableByService({ uid, gid, mode }) {
  if (uid === SERVICE_UID) return (mode & 0o400) !== 0;
  if (gid === SERVICE_UID) return (mode & 0o040) !== 0;
  return (mode & 0o004) !== 0;
}

/**
 * `env` is the parsed .env (undefined: there is none, the check is skipped); `example` the parsed .env.example
 * (its LiveKit secret is the development one); `secret` secrets/deepseek_api_key as { text, uid, gid, mode }
 * (undefined: missing; `make up` creates it empty); `grafanaDataUid` the owner of ./data/grafana (undefined: none yet).
 */
export function checkOperatorEnv(composeText, env, example, secret, grafanaDataUid) {
  const name = 'operator: .env and secrets have what docker-compose.yml needs';
  if (!env) return skipped(name, 'no .env (copy .env.example)');
  const problems = requiredVariables(composeText)
    .filter((variable) => !env[variable])
    .map((variable) => `${variable} is not set`);
  if (env.PUBLIC_IP && !isIPv4(env.PUBLIC_IP)) problems.push(`PUBLIC_IP "${env.PUBLIC_IP}" is not an IPv4 address`);
  const livekitSecret = env.LIVEKIT_API_SECRET ?? '';
  if (livekitSecret && livekitSecret.length < 32)
    problems.push('LIVEKIT_API_SECRET is shorter than 32 characters (LiveKit refuses it)');
  if (livekitSecret && livekitSecret === example?.LIVEKIT_API_SECRET)
    problems.push('LIVEKIT_API_SECRET is the development value from .env.example: generate your own');
  if (env.DEEPSEEK_API_KEY && !secret?.text?.trim())
    problems.push(
      'DEEPSEEK_API_KEY in .env is ignored under Compose: `make secret` puts it in secrets/deepseek_api_key',
    );
  if (secret && !readableByService(secret))
    problems.push(
      `secrets/deepseek_api_key is not readable by uid ${SERVICE_UID} (dialogue's user): chown ${SERVICE_UID} secrets/deepseek_api_key`,
    );
  if (grafanaDataUid !== undefined && grafanaDataUid !== GRAFANA_UID)
    problems.push(
      `data/grafana is not owned by uid ${GRAFANA_UID} (Grafana's user): chown -R ${GRAFANA_UID} data/grafana`,
    );
  if (env.GRAFANA_ADMIN_PASSWORD && env.GRAFANA_ADMIN_PASSWORD.length < 12)
    problems.push('GRAFANA_ADMIN_PASSWORD is shorter than 12 characters (Grafana is on the internet)');
  return result(name, problems);
}

/** Reads .env, .env.example and the DeepSeek secret from the repository root, those that exist. */
export function readOperatorFiles(root) {
  const read = (path) => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined);
  const env = read('.env');
  const example = read('.env.example');
  const secretPath = join(root, 'secrets/deepseek_api_key');
  let secret;
  if (existsSync(secretPath)) {
    const { uid, gid, mode } = statSync(secretPath);
    secret = { text: readFileSync(secretPath, 'utf8'), uid, gid, mode };
  }
  const grafanaData = join(root, 'data/grafana');
  return {
    env: env === undefined ? undefined : parseDotEnv(env),
    example: example === undefined ? undefined : parseDotEnv(example),
    secret,
    grafanaDataUid: existsSync(grafanaData) ? statSync(grafanaData).uid : undefined,
  };
}

/**
 * Docker Compose's own reading of the file (`docker compose config --quiet`: interpolation from .env, schema,
 * references), where it is installed — on the server, not on the development machines — and .env exists.
 */
export async function checkComposeCli(root, hasEnv) {
  const name = 'compose: docker compose config accepts the file with this .env';
  if (!hasEnv) return skipped(name, 'no .env');
  const run = promisify(execFile);
  try {
    await run('docker', ['compose', 'version'], { cwd: root });
  } catch {
    return skipped(name, 'docker compose not installed');
  }
  try {
    await run('docker', ['compose', 'config', '--quiet'], { cwd: root });
    return result(name, []);
  } catch (error) {
    return result(name, [`${error.stderr ?? ''}${error.stdout ?? ''}`.trim() || error.message]);
  }
}
