/** Where the guest page learns what works right now (`/api/config`, and `status` on /ws). */
export interface StackStatus {
  /** The offline persona answers when "offline" (the dialogue has no LLM) or "budget" (the month's is spent). */
  llm: 'online' | 'offline' | 'budget';
  voiceInput: boolean;
  /** dialogue, tts and media all have a heartbeat. */
  healthy: boolean;
  /** The dialogue's MESSAGE_MAX_CHARS. */
  messageMaxChars: number;
}

export const DEFAULT_MESSAGE_MAX_CHARS = 300;

/** The services whose heartbeats make up the status, in the order they are read. */
export const STATUS_SERVICES = ['dialogue', 'tts', 'media'] as const;

function flagsOf(raw: string | null): Record<string, unknown> | undefined {
  if (raw === null) return undefined;
  try {
    const value = JSON.parse(raw) as { flags?: unknown };
    return typeof value.flags === 'object' && value.flags !== null ? (value.flags as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The status from the heartbeat values of dialogue, tts and media (null: absent). A missing dialogue makes
 * the stack unhealthy but not "offline": offline means the offline persona answers, and a dialogue that is
 * down (restarting) answers nothing; `healthy` says that. Voice input counts only when media says it is on.
 */
export function statusFromHeartbeats([dialogue, tts, media]: (string | null)[]): StackStatus {
  const dialogueFlags = flagsOf(dialogue ?? null);
  const mediaFlags = flagsOf(media ?? null);
  const maxChars = dialogueFlags?.messageMaxChars;
  return {
    llm: dialogueFlags?.llm === 'offline' || dialogueFlags?.llm === 'budget' ? dialogueFlags.llm : 'online',
    voiceInput: mediaFlags?.voiceInput === true,
    healthy: dialogue != null && tts != null && media != null,
    messageMaxChars:
      typeof maxChars === 'number' && Number.isSafeInteger(maxChars) && maxChars > 0
        ? maxChars
        : DEFAULT_MESSAGE_MAX_CHARS,
  };
}

export function sameStatus(a: StackStatus, b: StackStatus): boolean {
  return (
    a.llm === b.llm &&
    a.voiceInput === b.voiceInput &&
    a.healthy === b.healthy &&
    a.messageMaxChars === b.messageMaxChars
  );
}
