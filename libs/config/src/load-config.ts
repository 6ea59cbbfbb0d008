import { ConfigError } from './config-error.js';
import type { Env, VarSpec } from './env-spec.js';

export type ConfigSpec = Record<string, VarSpec<unknown>>;
export type ConfigOf<S extends ConfigSpec> = { readonly [K in keyof S]: S[K] extends VarSpec<infer T> ? T : never };

/** Reads every variable of `spec` from `env`; the first bad one throws a ConfigError naming it. */
export function loadConfig<S extends ConfigSpec>(spec: S, env: Env = process.env): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  for (const [name, varSpec] of Object.entries(spec)) out[name] = varSpec.read(name, env);
  return Object.freeze(out) as ConfigOf<S>;
}

/**
 * For a service's entry point: a bad variable stops the process at start with one line naming it, before
 * anything connects or listens (contract section 3).
 */
export function loadConfigOrExit<S extends ConfigSpec>(service: string, spec: S, env: Env = process.env): ConfigOf<S> {
  try {
    return loadConfig(spec, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`[${service}] 配置错误 / invalid configuration: ${error.message}\n`);
      process.exit(78); // EX_CONFIG from sysexits.h
    }
    throw error;
  }
}
