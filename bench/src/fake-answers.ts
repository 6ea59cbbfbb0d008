// What the fakes answer, the same for our stack and the peer, so that both speak the same words. Each turn
// carries a code of two characters that no other turn of the process has: its answer is just the code
// (about 1 s of speech, so that a turn is quick), never served from a TTS cache, and the bench can tell the
// turns apart by it. The fake LLM answers in one chunk at once: its time to the first sentence is ~0 and
// nothing is subtracted for it.
import type { FakeRequest, FakeStreamReply } from '@dh/testing';

// Forty everyday characters of one syllable each: 1 600 codes, more than any scenario uses.
const CODE_CHARS = [...'天地山水花草风云星光春夏秋冬东南西北红黄蓝白金木火土书画歌舞茶鱼鸟马牛羊猫虎龙桥'];
let issued = 0;

/** A code no earlier turn of this process had. */
export function nextCode(): string {
  const n = issued++;
  const base = CODE_CHARS.length;
  if (n >= base * base) throw new Error('out of turn codes');
  return `${CODE_CHARS[n % base]}${CODE_CHARS[Math.floor(n / base)]}`;
}

/** What a guest types (or, through the fake STT, says) for a turn with this code. */
export const question = (code: string): string => `问题编号${code}`;

/** The code a guest's message or transcript carries, if any. */
export function codeIn(text: string): string | undefined {
  return /编号(\p{Script=Han}{2})/u.exec(text)?.[1];
}

/** Whether a transcript of the avatar is its answer to the turn with this code (punctuation aside). */
export const isAnswerTo = (code: string, text: string): boolean => text.replace(/[\s。，.,!！]/gu, '') === code;

/** A guest asking for this gets a long answer to interrupt (barge-in): six sentences, about 20 s of speech. */
export const STORY_REQUEST = '给我讲个故事';
const STORY = [
  '很久以前，河边有一个小村子，村子里住着一位会做风筝的老爷爷。',
  '每到春天，他就用竹子和彩纸做出各种各样漂亮的风筝。',
  '村里的孩子们放学以后，都喜欢跑到河边看他放风筝。',
  '有一年刮起了大风，最大的那只风筝断了线，飞过了山头。',
  '孩子们沿着小路找了整整一个下午，终于在树林里找到了它。',
  '从那以后，老爷爷教每个孩子做一只属于自己的风筝。',
].join('');

/** The last user message's text; LiveKit Agents' OpenAI client may send it as content parts. */
function lastUserText(request: FakeRequest): string {
  const user = [...(request.body.messages ?? [])].reverse().find((m) => m.role === 'user');
  const content = user?.content as string | { text?: string }[] | undefined;
  return Array.isArray(content) ? content.map((part) => part.text ?? '').join('') : (content ?? '');
}

/** FakeDeepSeek's default reply for the bench: the whole answer in one chunk, at once. */
export function benchLlmReply(request: FakeRequest): FakeStreamReply {
  const text = lastUserText(request);
  const code = codeIn(text);
  const answer = text.includes(STORY_REQUEST) ? STORY : code ? `${code}。` : '好的。';
  return { stream: answer, chunkChars: 10_000, delayMs: 0 };
}

/** FakeStt's default transcript for the bench: a new code for every utterance, at once. */
export const benchTranscript = (): string => question(nextCode());
