/**
 * A deliberately tiny validator: every event crossing Redis is checked where it is read, without pulling a
 * schema library into services whose memory budget is 100 MB.
 */
export class SchemaError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'SchemaError';
  }
}

export type Parser<T> = (value: unknown, path: string) => T;
export type Infer<P> = P extends Parser<infer T> ? T : never;

export interface StringOptions {
  min?: number;
  max?: number;
  pattern?: RegExp;
}

export function str(options: StringOptions = {}): Parser<string> {
  return (value, path) => {
    if (typeof value !== 'string') throw new SchemaError(path, 'must be a string');
    if (options.min !== undefined && value.length < options.min)
      throw new SchemaError(path, `must have at least ${options.min} characters`);
    if (options.max !== undefined && value.length > options.max)
      throw new SchemaError(path, `must have at most ${options.max} characters`);
    if (options.pattern && !options.pattern.test(value))
      throw new SchemaError(path, `must match ${options.pattern.source}`);
    return value;
  };
}

export function int(options: { min?: number; max?: number } = {}): Parser<number> {
  return (value, path) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new SchemaError(path, 'must be an integer');
    if (options.min !== undefined && value < options.min)
      throw new SchemaError(path, `must be at least ${options.min}`);
    if (options.max !== undefined && value > options.max) throw new SchemaError(path, `must be at most ${options.max}`);
    return value;
  };
}

export function num(): Parser<number> {
  return (value, path) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new SchemaError(path, 'must be a finite number');
    return value;
  };
}

export function bool(): Parser<boolean> {
  return (value, path) => {
    if (typeof value !== 'boolean') throw new SchemaError(path, 'must be a boolean');
    return value;
  };
}

export function literal<const T extends string>(...allowed: T[]): Parser<T> {
  return (value, path) => {
    if (typeof value !== 'string' || !(allowed as string[]).includes(value))
      throw new SchemaError(path, `must be one of ${allowed.join(', ')}`);
    return value as T;
  };
}

export function nullable<T>(inner: Parser<T>): Parser<T | null> {
  return (value, path) => (value === null ? null : inner(value, path));
}

export function optional<T>(inner: Parser<T>): Parser<T | undefined> {
  return (value, path) => (value === undefined ? undefined : inner(value, path));
}

type Shape = Record<string, Parser<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: undefined extends Infer<S[K]> ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] };
/** Fields whose parser allows undefined (`optional`) may be left out. */
type ObjectOf<S extends Shape> = Simplify<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> }
>;

/** Unknown keys are rejected: a producer that drifts from the contract fails loudly where it is read. */
export function object<S extends Shape>(shape: S): Parser<ObjectOf<S>> {
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new SchemaError(path, 'must be an object');
    const input = value as Record<string, unknown>;
    for (const key of Object.keys(input)) {
      if (!(key in shape)) throw new SchemaError(`${path}.${key}`, 'is not allowed');
    }
    const out: Record<string, unknown> = {};
    for (const [key, parse] of Object.entries(shape)) {
      const parsed = parse(input[key], `${path}.${key}`);
      if (parsed !== undefined) out[key] = parsed;
    }
    return out as ObjectOf<S>;
  };
}

export function parseJson<T>(parser: Parser<T>, raw: string, path = '$'): T {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new SchemaError(path, 'is not valid JSON');
  }
  return parser(value, path);
}
