/** One message of a room's history as stored in Redis (JSON, one list element each). */
export interface HistoryEntry {
  role: 'user' | 'assistant';
  content: string;
  /** The speaker's name in a shared room, where it goes into the prompt. */
  speaker?: string;
  /** On the avatar's answers: which turn, so a barge-in can cut it to what was heard. */
  turnId?: string;
}

export function parseHistoryEntry(raw: string): HistoryEntry | undefined {
  try {
    const value = JSON.parse(raw) as Partial<HistoryEntry>;
    if ((value.role !== 'user' && value.role !== 'assistant') || typeof value.content !== 'string') return undefined;
    const entry: HistoryEntry = { role: value.role, content: value.content };
    if (typeof value.speaker === 'string' && value.speaker) entry.speaker = value.speaker;
    if (typeof value.turnId === 'string' && value.turnId) entry.turnId = value.turnId;
    return entry;
  } catch {
    return undefined;
  }
}
