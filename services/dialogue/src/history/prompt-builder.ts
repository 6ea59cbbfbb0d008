import type { UtteranceEvent } from '@dh/contracts';
import type { ChatMessage } from '../llm/llm-types.js';
import type { Persona } from '../persona/persona.js';
import type { HistoryEntry } from './history-entry.js';

/**
 * The request's messages: system prompt, history, the new message. Everything before the new message is
 * rebuilt byte for byte from the same inputs on the next turn (no timestamps, no counters), so DeepSeek's
 * prompt cache serves it at the cache-hit price.
 */
export function buildMessages(persona: Persona, history: HistoryEntry[], utterance: UtteranceEvent): ChatMessage[] {
  const shared = utterance.shared === 'yes';
  const current: HistoryEntry = userEntry(utterance);
  const system = shared
    ? `${persona.systemPrompt}\n${sharedRoomLine(guestNames([...history, current]))}`
    : persona.systemPrompt;
  return [
    { role: 'system', content: system },
    ...history.map((entry) => toMessage(entry, shared)),
    toMessage(current, shared),
  ];
}

/** The guest's message as kept in history; the speaker is kept only in shared rooms, where it is used. */
export function userEntry(utterance: UtteranceEvent): HistoryEntry {
  const entry: HistoryEntry = { role: 'user', content: utterance.text };
  if (utterance.shared === 'yes' && utterance.name) entry.speaker = utterance.name;
  return entry;
}

function toMessage(entry: HistoryEntry, shared: boolean): ChatMessage {
  const content =
    shared && entry.role === 'user' && entry.speaker ? `${entry.speaker}：${entry.content}` : entry.content;
  return { role: entry.role, content };
}

/** Names in order of first appearance, so the line stays the same while the same people talk. */
function guestNames(entries: HistoryEntry[]): string[] {
  const names: string[] = [];
  for (const entry of entries) if (entry.speaker && !names.includes(entry.speaker)) names.push(entry.speaker);
  return names;
}

function sharedRoomLine(names: string[]): string {
  const list = names.join('、');
  return `这是一个多人房间，在场的客人有：${list}。每条客人消息前标有说话人的名字，回答时请称呼对方的名字。(A shared room; guests: ${names.join(', ')}. Each guest message starts with the speaker's name; address people by name.)`;
}
