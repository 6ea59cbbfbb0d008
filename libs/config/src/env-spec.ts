import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';

export type Env = Record<string, string | undefined>;

/** Reads one variable; `name` is the variable, `raw` its value with empty strings treated as unset. */
export interface VarSpec<T> {
  read(name: string, env: Env): T;
}

function rawValue(name: string, env: Env): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function string(options: { default: string; pattern?: RegExp; hint?: string }): VarSpec<string> {
  return {
    read(name, env) {
      const value = rawValue(name, env) ?? options.default;
      if (options.pattern && !options.pattern.test(value))
        throw new ConfigError(name, `must be ${options.hint ?? `like ${options.pattern.source}`}, got "${value}"`);
      return value;
    },
  };
}

export function integer(options: { default: number; min?: number; max?: number }): VarSpec<number> {
  return {
    read(name, env) {
      const raw = rawValue(name, env);
      if (raw === undefined) return options.default;
      if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
      const value = Number(raw);
      if (!Number.isSafeInteger(value)) throw new ConfigError(name, `is out of range, got "${raw}"`);
      if (options.min !== undefined && value < options.min)
        throw new ConfigError(name, `must be at least ${options.min}, got ${value}`);
      if (options.max !== undefined && value > options.max)
        throw new ConfigError(name, `must be at most ${options.max}, got ${value}`);
      return value;
    },
  };
}

export function decimal(options: { default: number; min?: number; max?: number }): VarSpec<number> {
  return {
    read(name, env) {
      const raw = rawValue(name, env);
      if (raw === undefined) return options.default;
      if (!/^-?\d+(\.\d+)?$/.test(raw)) throw new ConfigError(name, `must be a number, got "${raw}"`);
      const value = Number(raw);
      if (options.min !== undefined && value < options.min)
        throw new ConfigError(name, `must be at least ${options.min}, got ${value}`);
      if (options.max !== undefined && value > options.max)
        throw new ConfigError(name, `must be at most ${options.max}, got ${value}`);
      return value;
    },
  };
}

export function boolean(options: { default: boolean }): VarSpec<boolean> {
  return {
    read(name, env) {
      const raw = rawValue(name, env)?.toLowerCase();
      if (raw === undefined) return options.default;
      if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
      if (['0', 'false', 'no', 'off'].includes(raw)) return false;
      throw new ConfigError(name, `must be true or false, got "${raw}"`);
    },
  };
}

export function oneOf<const T extends string>(allowed: readonly T[], options: { default: T }): VarSpec<T> {
  return {
    read(name, env) {
      const raw = rawValue(name, env) ?? options.default;
      if (!(allowed as readonly string[]).includes(raw))
        throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
      return raw as T;
    },
  };
}

export function url(options: { default: string; protocols: readonly string[] }): VarSpec<string> {
  return {
    read(name, env) {
      const raw = rawValue(name, env) ?? options.default;
      let parsed: URL;
      try {
        parsed = new URL(raw);
      } catch {
        throw new ConfigError(name, `must be a URL, got "${raw}"`);
      }
      if (!options.protocols.includes(parsed.protocol.replace(/:$/, '')))
        throw new ConfigError(name, `must use ${options.protocols.join(' or ')}, got "${parsed.protocol}"`);
      return raw.replace(/\/+$/, '');
    },
  };
}

/**
 * A secret given directly (`NAME`) or as a file (`NAME_FILE`, the Docker secrets convention). The file wins
 * when both are set, so a stray variable cannot override the mounted secret. Never echoes the value.
 */
export function secret(options: { default: string }): VarSpec<string> {
  return {
    read(name, env) {
      const file = rawValue(`${name}_FILE`, env);
      if (file !== undefined) {
        try {
          return readFileSync(file, 'utf8').trim();
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
          throw new ConfigError(`${name}_FILE`, `cannot be read (${code}): ${file}`);
        }
      }
      return rawValue(name, env) ?? options.default;
    },
  };
}

/** Like `string`, but an unset variable stays undefined so the caller can derive it from others. */
export function optionalString(): VarSpec<string | undefined> {
  return { read: (name, env) => rawValue(name, env) };
}

/** An IANA time zone name (`Asia/Shanghai`), checked against the zones this Node knows. */
export function timeZone(options: { default: string }): VarSpec<string> {
  return {
    read(name, env) {
      const raw = rawValue(name, env) ?? options.default;
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: raw });
      } catch {
        throw new ConfigError(name, `must be an IANA time zone such as Asia/Shanghai, got "${raw}"`);
      }
      return raw;
    },
  };
}

/** A comma-separated list; each entry must match `pattern`. Unset: the empty list. */
export function list(options: { pattern: RegExp; hint: string }): VarSpec<string[]> {
  return {
    read(name, env) {
      const raw = rawValue(name, env);
      if (raw === undefined) return [];
      const entries = raw
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean);
      const bad = entries.find((entry) => !options.pattern.test(entry));
      if (bad !== undefined)
        throw new ConfigError(name, `must be a comma-separated list of ${options.hint}, got "${bad}"`);
      return entries;
    },
  };
}

/** Like `url`, but unset stays undefined (a feature that is off until configured). */
export function optionalUrl(options: { protocols: readonly string[] }): VarSpec<string | undefined> {
  return {
    read(name, env) {
      if (rawValue(name, env) === undefined) return undefined;
      return url({ default: '', protocols: options.protocols }).read(name, env);
    },
  };
}
