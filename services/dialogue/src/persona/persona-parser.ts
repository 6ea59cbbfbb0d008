import { DEFAULT_PERSONA, type Persona, type PersonaReplies, REPLY_KEYS } from './persona.js';

const TOP_KEYS = new Set(['name', 'systemPrompt', 'greeting', 'replies']);
const PROMPT_MAX_CHARS = 8_000;
/** A fixed phrase is spoken as one TTS job, whose text is capped at 1 000 characters by the contract. */
const PHRASE_MAX_CHARS = 300;

/**
 * Reads a persona file. Keys left out take the defaults; an unknown key or a wrong type is an error (a typo
 * such as "greating" must not silently fall back to the default).
 */
export function parsePersona(content: string): Persona {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message})`);
  }
  const input = asObject(value, '$');
  for (const key of Object.keys(input)) if (!TOP_KEYS.has(key)) throw new Error(`$.${key} is not a persona key`);
  const replies: PersonaReplies = { ...DEFAULT_PERSONA.replies };
  if (input.replies !== undefined) {
    const given = asObject(input.replies, '$.replies');
    for (const key of Object.keys(given)) {
      if (!(REPLY_KEYS as readonly string[]).includes(key)) throw new Error(`$.replies.${key} is not a reply key`);
      replies[key as keyof PersonaReplies] = text(given[key], `$.replies.${key}`, PHRASE_MAX_CHARS);
    }
  }
  return {
    name: input.name === undefined ? DEFAULT_PERSONA.name : text(input.name, '$.name', 64),
    systemPrompt:
      input.systemPrompt === undefined
        ? DEFAULT_PERSONA.systemPrompt
        : text(input.systemPrompt, '$.systemPrompt', PROMPT_MAX_CHARS),
    greeting:
      input.greeting === undefined ? DEFAULT_PERSONA.greeting : text(input.greeting, '$.greeting', PHRASE_MAX_CHARS),
    replies,
  };
}

function asObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${path} must be an object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, path: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${path} must be a non-empty string`);
  if (value.length > max) throw new Error(`${path} must be at most ${max} characters`);
  return value;
}
