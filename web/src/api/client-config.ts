import type { AvatarImageUrls, ClientConfig } from '@dh/contracts';

export type { ClientConfig };
export type AvatarImages = AvatarImageUrls;

/** What the page assumes when /api/config does not answer: the join itself will tell the rest. */
export const DEFAULT_CONFIG: ClientConfig = {
  passcodeRequired: false,
  nameMaxChars: 32,
  messageMaxChars: 300,
  llm: 'online',
  voiceInput: false,
  avatar: null,
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** A same-origin path only: the page loads nothing from other hosts. */
const isLocalPath = (value: unknown): value is string =>
  typeof value === 'string' && value.startsWith('/') && !value.startsWith('//');

const LLM_STATES: readonly unknown[] = ['online', 'offline', 'budget'] satisfies ClientConfig['llm'][];
const isLlmState = (value: unknown): value is ClientConfig['llm'] => LLM_STATES.includes(value);

const positive = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;

/** Reads the config leniently: a missing or odd field takes its default instead of breaking the page. */
export function parseClientConfig(raw: unknown): ClientConfig {
  if (!isRecord(raw)) return DEFAULT_CONFIG;
  const avatar = raw.avatar;
  const images =
    isRecord(avatar) &&
    isLocalPath(avatar.idle) &&
    isLocalPath(avatar.mouthHalf) &&
    isLocalPath(avatar.mouthOpen) &&
    isLocalPath(avatar.blink)
      ? { idle: avatar.idle, mouthHalf: avatar.mouthHalf, mouthOpen: avatar.mouthOpen, blink: avatar.blink }
      : null;
  return {
    passcodeRequired: raw.passcodeRequired === true,
    nameMaxChars: positive(raw.nameMaxChars, DEFAULT_CONFIG.nameMaxChars),
    messageMaxChars: positive(raw.messageMaxChars, DEFAULT_CONFIG.messageMaxChars),
    llm: isLlmState(raw.llm) ? raw.llm : 'online',
    voiceInput: raw.voiceInput === true,
    avatar: images,
  };
}

export async function fetchClientConfig(): Promise<ClientConfig> {
  try {
    const response = await fetch('api/config', { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) return DEFAULT_CONFIG;
    return parseClientConfig(await response.json());
  } catch {
    return DEFAULT_CONFIG;
  }
}
