// Compose variable interpolation, as `docker compose` does it before anything else: $$, $NAME, ${NAME} and the
// modifiers :-  -  :?  ?  :+  +. Enough for this project's files; anything else is reported, not guessed.

const BRACED = /^\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}/;
const BARE = /^([A-Za-z_][A-Za-z0-9_]*)/;

/**
 * Interpolates one string against `env` (a plain object; missing and undefined mean unset).
 * Returns { value, missing } where `missing` lists the `${NAME:?message}` variables that were required but unset,
 * with their messages. Throws on a malformed reference, as Compose would.
 */
export function interpolate(text, env) {
  const missing = [];
  let value = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char !== '$') {
      value += char;
      continue;
    }
    const rest = text.slice(i + 1);
    if (rest.startsWith('$')) {
      value += '$';
      i += 1;
      continue;
    }
    const braced = BRACED.exec(rest);
    if (braced) {
      const [whole, name, modifier, argument = ''] = braced;
      const current = env[name];
      const set = current !== undefined;
      const nonEmpty = set && current !== '';
      const nested = () => {
        const inner = interpolate(argument, env);
        missing.push(...inner.missing);
        return inner.value;
      };
      switch (modifier) {
        case undefined:
          value += current ?? '';
          break;
        case ':-':
          value += nonEmpty ? current : nested();
          break;
        case '-':
          value += set ? current : nested();
          break;
        case ':?':
        case '?':
          if (modifier === ':?' ? nonEmpty : set) value += current;
          else missing.push({ name, message: argument });
          break;
        case ':+':
          value += nonEmpty ? nested() : '';
          break;
        case '+':
          value += set ? nested() : '';
          break;
        default:
          throw new Error(`unsupported interpolation "\${${name}${modifier}…}"`);
      }
      i += whole.length;
      continue;
    }
    const bare = BARE.exec(rest);
    if (bare) {
      value += env[bare[1]] ?? '';
      i += bare[1].length;
      continue;
    }
    throw new Error(`invalid interpolation format in "${text}": use $$ for a literal $`);
  }
  return { value, missing };
}

/** Interpolates every string inside a parsed YAML value; `missing` collects all required-but-unset variables. */
export function interpolateDeep(node, env, missing = []) {
  if (typeof node === 'string') {
    const out = interpolate(node, env);
    missing.push(...out.missing);
    return out.value;
  }
  if (Array.isArray(node)) return node.map((item) => interpolateDeep(item, env, missing));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, interpolateDeep(item, env, missing)]));
  }
  return node;
}

/** Every variable name a string refers to (for listing what .env must define). */
export function referencedVariables(text) {
  const names = [];
  const pattern = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+])?|\$([A-Za-z_][A-Za-z0-9_]*)/g;
  for (const match of text.matchAll(pattern)) {
    if (match[0] === '$$') continue;
    names.push({ name: match[1] ?? match[3], required: match[2] === ':?' || match[2] === '?' });
  }
  return names;
}

/** A .env file as Compose reads it: NAME=value lines, # comments, optional quotes. */
export function parseDotEnv(text) {
  const env = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2];
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    else value = value.replace(/\s+#.*$/, '');
    env[match[1]] = value;
  }
  return env;
}
