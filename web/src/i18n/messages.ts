/**
 * Every string a guest can see, Simplified Chinese first, then English. `{name}` marks a parameter; both
 * languages of a message use the same parameters (the i18n spec checks it).
 */
export const messages = {
  appTitle: { zh: '开心数字人', en: 'Happy Digital Human' },
  avatarName: { zh: '开心', en: 'Kaixin' },
  langToggleText: { zh: 'English', en: '中文' },
  langToggleLabel: { zh: '切换到英文', en: 'Switch to Chinese' },

  joinHeading: { zh: '来和开心聊聊天吧', en: 'Come and chat with Kaixin' },
  joinIntro: {
    zh: '写下你的名字就能开始。开心会用声音回答你，还配有字幕。',
    en: 'Enter your name to start. Kaixin answers out loud, with subtitles.',
  },
  sharedRoomNote: { zh: '你将进入共享房间「{room}」', en: 'You are joining the shared room “{room}”' },
  nameLabel: { zh: '你的名字', en: 'Your name' },
  namePlaceholder: { zh: '例如：小明', en: 'e.g. Alex' },
  passcodeLabel: { zh: '口令', en: 'Passcode' },
  passcodeHint: { zh: '主人设置了口令，请向邀请你的人询问。', en: 'The host set a passcode; ask whoever invited you.' },
  joinSubmit: { zh: '进入聊天', en: 'Join the chat' },
  joinBusy: { zh: '正在进入…', en: 'Joining…' },
  joinWait: { zh: '请等 {seconds} 秒', en: 'Wait {seconds} s' },

  errNameEmpty: { zh: '请先写下你的名字。', en: 'Please enter your name first.' },
  errNameTooLong: { zh: '名字最多 {max} 个字。', en: 'Your name can have at most {max} characters.' },
  errInvalid: {
    zh: '这个名字用不了（不能为空，也不能有特殊控制字符），请换一个试试。',
    en: 'That name can’t be used (it must not be empty or contain control characters). Please try another.',
  },
  errRoomInvalid: {
    zh: '链接里的房间名无效，只能用小写字母、数字和连字符。',
    en: 'The room name in the link is invalid: only a–z, 0–9 and - are allowed.',
  },
  errPasscodeMissing: { zh: '请输入口令。', en: 'Please enter the passcode.' },
  errPasscodeWrong: { zh: '口令不对，请再试一次。', en: 'That passcode isn’t right. Please try again.' },
  errRateLimited: {
    zh: '进入得太频繁了，请 {seconds} 秒后再试。',
    en: 'Too many tries. Please wait {seconds} s and try again.',
  },
  errNoPlace: {
    zh: '现在人满了，请 {seconds} 秒后再试。',
    en: 'All places are taken right now. Please try again in {seconds} s.',
  },
  errBandwidth: {
    zh: '服务器带宽暂时用满了，为了大家通话流畅，请 {seconds} 秒后再试。',
    en: 'The server’s bandwidth is used up for now, so that calls stay smooth for everyone. Please try again in {seconds} s.',
  },
  errFull: {
    zh: '现在人有点多，或者开心还在准备中，请 {seconds} 秒后再试。',
    en: 'It’s busy right now, or Kaixin is still getting ready. Please try again in {seconds} s.',
  },
  errNetwork: {
    zh: '连不上服务器，请检查网络后再试。',
    en: 'Can’t reach the server. Check your connection and try again.',
  },
  errUnknown: {
    zh: '出了点小问题（错误 {status}），请稍后再试。',
    en: 'Something went wrong (error {status}). Please try again later.',
  },

  connConnecting: { zh: '正在连接…', en: 'Connecting…' },
  connConnected: { zh: '已连接', en: 'Connected' },
  connReconnecting: { zh: '正在重新连接…', en: 'Reconnecting…' },
  connDisconnected: { zh: '已断开', en: 'Disconnected' },
  connTextOnly: { zh: '文字模式', en: 'Text only' },
  connLabel: { zh: '连接状态：{state}', en: 'Connection: {state}' },

  stateInitializing: { zh: '开心马上就来…', en: 'Kaixin is on the way…' },
  stateIdle: { zh: '开心在这儿', en: 'Kaixin is here' },
  stateListening: { zh: '开心在听', en: 'Kaixin is listening' },
  stateThinking: { zh: '开心在想…', en: 'Kaixin is thinking…' },
  stateSpeaking: { zh: '开心在说话', en: 'Kaixin is speaking' },

  subtitlesLabel: { zh: '对话字幕', en: 'Conversation subtitles' },
  subtitlesEmpty: {
    zh: '你好，{name}！开心说的话会显示在这里。',
    en: 'Hi, {name}! What Kaixin says will appear here.',
  },
  speakerMe: { zh: '我', en: 'Me' },
  speakerGuest: { zh: '客人', en: 'Guest' },

  chatLabel: { zh: '给开心发消息', en: 'Message Kaixin' },
  chatPlaceholder: { zh: '说点什么…', en: 'Say something…' },
  chatPlaceholderWaiting: { zh: '连接好就能发送', en: 'You can send once connected' },
  chatSend: { zh: '发送', en: 'Send' },
  chatLeft: { zh: '还可输入 {n} 字', en: '{n} characters left' },
  chatOver: { zh: '超出 {n} 字', en: '{n} characters too many' },

  micLabel: { zh: '麦克风', en: 'Microphone' },
  micStateOn: { zh: '开', en: 'on' },
  micStateOff: { zh: '关', en: 'off' },
  micHintVoiceOff: { zh: '语音输入暂未开放', en: 'Voice input isn’t available yet' },
  micHintTextOnly: { zh: '文字模式下不能用麦克风。', en: 'The microphone is unavailable in text-only mode.' },
  micHintInsecure: {
    zh: '需要安全连接（HTTPS）才能使用麦克风。',
    en: 'The microphone needs a secure (HTTPS) connection.',
  },
  micHintWaiting: { zh: '连接好就能打开麦克风。', en: 'You can turn on the microphone once connected.' },

  noticeMicDenied: {
    zh: '麦克风权限被拒绝了。可以在浏览器设置里允许，也可以继续打字。',
    en: 'Microphone access was denied. Allow it in your browser settings, or keep typing.',
  },
  noticeMicNotFound: { zh: '没有找到麦克风，可以继续打字聊天。', en: 'No microphone found. You can keep typing.' },
  noticeMicInUse: { zh: '麦克风正被别的程序占用。', en: 'The microphone is being used by another app.' },
  noticeMicFailed: {
    zh: '麦克风打不开，可以继续打字聊天。',
    en: 'Couldn’t turn on the microphone. You can keep typing.',
  },
  noticeSendFailed: { zh: '消息没有发出去，请再试一次。', en: 'Your message wasn’t sent. Please try again.' },
  noticeRateLimited: { zh: '发得太快了，请稍等一下。', en: 'You’re sending too fast. Please wait a moment.' },
  noticeTooLong: { zh: '这条消息太长了。', en: 'That message is too long.' },
  noticeOffline: {
    zh: '开心现在处于离线模式，只能简单地回答。',
    en: 'Kaixin is in offline mode and can only give simple answers.',
  },
  noticeBudget: {
    zh: '本月的对话额度已经用完，开心暂时只能简单回答，下个月恢复。',
    en: 'This month’s conversation budget is used up: Kaixin gives simple answers until next month.',
  },
  noticeVoiceOff: { zh: '语音输入还没开启，请打字聊天。', en: 'Voice input isn’t available yet. Please type.' },
  noticeDismiss: { zh: '关闭这条提示', en: 'Dismiss this notice' },
  noticesLabel: { zh: '提示', en: 'Notices' },

  startAudio: { zh: '点击收听', en: 'Tap to listen' },
  startAudioHint: {
    zh: '浏览器暂停了声音，点一下就能听到开心说话。',
    en: 'Your browser paused the sound. Tap to hear Kaixin.',
  },
  fallbackBanner: {
    zh: '语音连接不上，已切换到文字模式：开心会用文字回答你。',
    en: 'Voice can’t connect, so this chat is text only: Kaixin answers in writing.',
  },
  disconnectedText: { zh: '连接已断开。', en: 'You’ve been disconnected.' },
  rejoin: { zh: '重新加入', en: 'Rejoin' },
  rejoining: { zh: '正在重新加入…', en: 'Rejoining…' },
} as const satisfies Record<string, { zh: string; en: string }>;

export type MessageKey = keyof typeof messages;
