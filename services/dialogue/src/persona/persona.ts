/**
 * Who the avatar is and the fixed phrases it speaks without asking the LLM. Each phrase is spoken as one
 * sentence (one TTS job). The defaults speak Chinese, the avatar's default language; an owner whose guests
 * speak English edits the persona file.
 */
export interface Persona {
  name: string;
  /** Sent as the system message of every request; keep it fixed so DeepSeek's prompt cache hits. */
  systemPrompt: string;
  /** Spoken when a guest arrives; `{name}` becomes the guest's name. */
  greeting: string;
  replies: PersonaReplies;
}

export interface PersonaReplies {
  /** The LLM failed before saying anything. */
  apology: string;
  /** The LLM failed after some sentences were already spoken. */
  midStreamApology: string;
  /** The guest's message or the answer contained a blocked word. */
  refusal: string;
  /** No API key: what the offline avatar says to anything. */
  offline: string;
  /** No API key and the guest said hello. */
  offlineGreeting: string;
  /** The message was longer than MESSAGE_MAX_CHARS. */
  tooLong: string;
  /** The guest sent more than MESSAGE_RATE_LIMIT messages in the window. */
  rateLimited: string;
}

export const REPLY_KEYS = [
  'apology',
  'midStreamApology',
  'refusal',
  'offline',
  'offlineGreeting',
  'tooLong',
  'rateLimited',
] as const satisfies readonly (keyof PersonaReplies)[];

/** Used when the persona file is missing, and for any key the file leaves out. */
export const DEFAULT_PERSONA: Persona = {
  name: '开心',
  systemPrompt: [
    '你是“开心”，一个开朗、热情、幽默的数字人，正在和朋友们实时语音聊天。',
    '你的回答会被朗读出来：每次只说一到三句简短的口语，不要使用 Markdown、列表、表情符号或网址。',
    '用对方使用的语言回答；不确定时用中文。',
    'You are 开心 (Kaixin), a cheerful digital human in a live voice chat. Your words are spoken aloud: answer in one to three short spoken sentences, no markdown, lists, emoji or links, in the language the guest uses (Chinese by default).',
  ].join('\n'),
  greeting: '你好{name}！我是开心，很高兴见到你。',
  replies: {
    apology: '抱歉，我刚才走神了，可以再说一遍吗？',
    midStreamApology: '抱歉，我先说到这里吧。',
    refusal: '这个话题我们换一个吧，聊点开心的事好不好？',
    offline: '我现在处于离线状态，暂时只能和你打个招呼哦。',
    offlineGreeting: '你好呀！我现在离线，不过很高兴见到你。',
    tooLong: '这条消息有点长，可以说得简短一些吗？',
    rateLimited: '你说得太快啦，让我歇一会儿，稍后再聊吧。',
  },
};

export function greetingFor(persona: Persona, guestName: string): string {
  return persona.greeting.replaceAll('{name}', guestName);
}
