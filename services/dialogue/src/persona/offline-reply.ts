import type { Persona } from './persona.js';

// Openings of a hello in Chinese and English; the offline avatar answers those warmly and the rest plainly.
const HELLO =
  /^(?:你好|您好|嗨|哈[喽啰罗]|早上好|下午好|晚上好|早安|hello|hi|hey|good (?:morning|afternoon|evening))(?![a-z])/i;

export function offlineReply(persona: Persona, guestText: string): string {
  return HELLO.test(guestText.trim()) ? persona.replies.offlineGreeting : persona.replies.offline;
}
