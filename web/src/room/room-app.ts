import type { ClientConfig } from '../api/client-config.js';
import type { JoinGrant, JoinOutcome } from '../api/join-api.js';
import { describeJoinFailure } from '../api/join-failure.js';
import { AvatarStage } from '../avatar/avatar-stage.js';
import type { AgentState } from '../avatar/avatar-state.js';
import { TextVoice } from '../avatar/text-voice.js';
import type { Text } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages.js';
import type { Localizer } from '../i18n/localizer.js';
import { type SegmentUpdate, SubtitleModel } from '../subtitles/subtitle-model.js';
import { SubtitleView } from '../subtitles/subtitle-view.js';
import { ChatBox } from '../ui/chat-box.js';
import { ConnectionBadge } from '../ui/connection-badge.js';
import { MicToggle } from '../ui/mic-toggle.js';
import { Notices } from '../ui/notices.js';
import { RoomScreen } from '../ui/room-screen.js';
import { FeedClient, type FeedState } from '../ws/feed-client.js';
import type { NoticeMessage, StatusMessage, TranscriptMessage } from '../ws/feed-protocol.js';
import { feedUrl } from '../ws/feed-protocol.js';
import type { ConnectionPhase } from './connection-phase.js';
import { AVATAR_IDENTITY, type MicProblem, RoomSession } from './room-session.js';
import { VoiceMeter } from './voice-meter.js';

export interface RoomAppOptions {
  root: HTMLElement;
  i18n: Localizer;
  config: ClientConfig;
  name: string;
  /** Unlocked in the joining click; null where WebAudio is missing (the mouth then stays still). */
  audio: AudioContext | null;
  /** A fresh /api/join with the same name, passcode and room. */
  rejoin(): Promise<JoinOutcome>;
}

/** WebRTC that has not connected by then is taken as blocked: the conversation continues as text. */
const FALLBACK_AFTER_MS = 10_000;
/** In text-only mode the avatar stops "thinking" if no answer came by then. */
const ANSWER_TIMEOUT_MS = 30_000;
/** Short-lived notices (a message not sent, sending too fast). */
const TRANSIENT_MS = 8_000;

const MIC_PROBLEMS: Record<MicProblem, MessageKey> = {
  denied: 'noticeMicDenied',
  not_found: 'noticeMicNotFound',
  in_use: 'noticeMicInUse',
  insecure: 'micHintInsecure',
  failed: 'noticeMicFailed',
};

const FEED_PHASE: Record<FeedState, ConnectionPhase> = {
  connecting: 'connecting',
  open: 'connected',
  retrying: 'reconnecting',
  stopped: 'disconnected',
};

/**
 * The room screen at work: a LiveKit session for voice, the /ws feed for status and notices, and the text
 * fallback over /ws when WebRTC cannot connect. Holds what the page shows and keeps it consistent.
 */
export class RoomApp {
  private readonly model = new SubtitleModel();
  private readonly textVoice = new TextVoice();
  private readonly avatar: AvatarStage;
  private readonly subtitles: SubtitleView;
  private readonly chat: ChatBox;
  private readonly mic: MicToggle;
  private readonly connection: ConnectionBadge;
  private readonly notices: Notices;
  private readonly screen: RoomScreen;

  private session: RoomSession | null = null;
  private feed: FeedClient | null = null;
  private meter: VoiceMeter | null = null;
  /** Increases with every (re)join; callbacks of an older session are ignored. */
  private generation = 0;
  private rtc: ConnectionPhase = 'connecting';
  private everConnected = false;
  private lost = false;
  private feedState: FeedState = 'connecting';
  private textMode = false;
  private awaitingAnswer = false;
  private micOn = false;
  private voiceInput: boolean;
  /** What the page last showed of the LLM's state; set from the config at start, then from the feed. */
  private llm: ClientConfig['llm'] = 'online';
  private agentState: AgentState = 'initializing';
  private fallbackTimer = 0;
  private textTimer = 0;
  private focusedChat = false;

  constructor(private readonly options: RoomAppOptions) {
    const { i18n, config } = options;
    this.voiceInput = config.voiceInput;
    this.avatar = new AvatarStage({ i18n, images: config.avatar, testId: true });
    this.avatar.setLevelSource(() =>
      this.textMode ? this.textVoice.level(performance.now()) : (this.meter?.level() ?? 0),
    );
    this.subtitles = new SubtitleView(this.model, i18n, options.name);
    this.chat = new ChatBox({ i18n, maxChars: config.messageMaxChars, send: (text) => this.send(text) });
    this.mic = new MicToggle(i18n, () => void this.toggleMic());
    this.connection = new ConnectionBadge(i18n);
    this.notices = new Notices(i18n);
    this.screen = new RoomScreen(i18n, {
      avatar: this.avatar,
      subtitles: this.subtitles,
      chat: this.chat,
      mic: this.mic,
      connection: this.connection,
      notices: this.notices,
    });
    this.screen.startAudio.addEventListener('click', () => void this.startAudio());
    this.screen.rejoin.addEventListener('click', () => void this.rejoin());
  }

  start(grant: JoinGrant): void {
    this.screen.mount(this.options.root);
    this.avatar.start();
    const heading = this.screen.element.querySelector('h1');
    if (heading) {
      // Where keyboard and screen-reader users land after the join screen is gone.
      heading.tabIndex = -1;
      heading.focus();
    }
    this.showLlm(this.options.config.llm);
    if (!this.voiceInput) this.notices.show('voice_off', { key: 'noticeVoiceOff' });
    window.addEventListener('pagehide', () => this.teardown());
    this.connect(grant);
  }

  private connect(grant: JoinGrant): void {
    const generation = ++this.generation;
    const live = () => generation === this.generation;
    this.rtc = 'connecting';
    this.everConnected = false;
    this.lost = false;
    this.textMode = false;
    this.micOn = false;
    this.agentState = 'initializing';

    const session = new RoomSession(grant, {
      connection: (phase) => {
        if (live()) this.onRtcPhase(phase);
      },
      agentState: (state) => {
        if (live()) this.onAgentState(state);
      },
      avatarAudio: (track) => {
        if (live()) this.onAvatarAudio(track);
      },
      segment: (update) => {
        if (live()) this.addSegment(update);
      },
      guestMessage: (name, text) => {
        if (live() && this.model.message('guest', text, name)) this.subtitles.update();
      },
      playback: (allowed) => {
        if (live()) this.screen.showStartAudio(!allowed && !this.textMode);
      },
      lost: () => {
        if (live()) this.onLost();
      },
    });
    this.session = session;

    const feed = new FeedClient({
      url: feedUrl(window.location),
      token: grant.token,
      handlers: {
        state: (state) => {
          if (live()) this.onFeedState(state);
        },
        status: (status) => {
          if (live()) this.onStatus(status);
        },
        notice: (notice) => {
          if (live()) this.onNotice(notice);
        },
        transcript: (transcript) => {
          if (live()) this.onTranscript(transcript);
        },
        error: (code) => {
          if (live()) this.onFeedError(code);
        },
      },
    });
    this.feed = feed;
    feed.start();

    this.fallbackTimer = window.setTimeout(() => {
      if (live() && this.rtc !== 'connected') this.enterTextMode();
    }, FALLBACK_AFTER_MS);
    session.connect().catch(() => {
      if (live()) this.enterTextMode();
    });
    this.render();
  }

  private teardown(): void {
    this.generation += 1;
    window.clearTimeout(this.fallbackTimer);
    window.clearTimeout(this.textTimer);
    this.meter?.dispose();
    this.meter = null;
    this.feed?.stop();
    this.feed = null;
    void this.session?.leave();
    this.session = null;
  }

  private onRtcPhase(phase: ConnectionPhase): void {
    this.rtc = phase;
    if (phase === 'connected') {
      this.everConnected = true;
      window.clearTimeout(this.fallbackTimer);
      // WebRTC made it after all (e.g. slowly over TCP): back to voice.
      if (this.textMode) this.textMode = false;
      this.showAvatarState();
    }
    this.render();
  }

  private onLost(): void {
    if (!this.everConnected) {
      this.enterTextMode();
      return;
    }
    this.lost = true;
    this.micOn = false;
    // No avatar on the other end any more: not speaking, not listening.
    this.agentState = 'idle';
    this.onAvatarAudio(null);
    this.showAvatarState();
    this.render();
  }

  private onAgentState(state: AgentState): void {
    this.agentState = state;
    this.showAvatarState();
  }

  private onAvatarAudio(track: MediaStreamTrack | null): void {
    this.meter?.dispose();
    this.meter = null;
    const audio = this.options.audio;
    if (!track || !audio) return;
    try {
      this.meter = new VoiceMeter(audio, track);
    } catch {
      // No analyser (an old browser): the avatar still speaks, its mouth just does not follow the voice.
    }
  }

  private addSegment(update: SegmentUpdate): void {
    if (this.model.segment(update)) this.subtitles.update();
  }

  private enterTextMode(): void {
    if (this.textMode || this.lost) return;
    this.textMode = true;
    window.clearTimeout(this.fallbackTimer);
    this.screen.showStartAudio(false);
    if (this.micOn) void this.session?.setMicrophone(false);
    this.micOn = false;
    this.showAvatarState();
    this.render();
  }

  private onFeedState(state: FeedState): void {
    this.feedState = state;
    if (this.textMode) this.showAvatarState();
    this.render();
  }

  private onStatus(status: StatusMessage): void {
    this.showLlm(status.llm);
    this.voiceInput = status.voiceInput;
    if (status.voiceInput) this.notices.clear('voice_off');
    else if (!this.notices.has('voice_off')) this.notices.show('voice_off', { key: 'noticeVoiceOff' });
    this.render();
  }

  /** A lasting notice while the offline persona answers: no LLM configured, or the month's budget spent. */
  private showLlm(llm: ClientConfig['llm']): void {
    if (llm !== 'offline') this.notices.clear('offline');
    else if (!this.notices.has('offline')) this.notices.show('offline', { key: 'noticeOffline' });
    // Same code as the budget notices from the feed, so that the page never shows two; entering the spent
    // state replaces the 80 % warning, and a new month clears it.
    if (llm === 'budget' && (this.llm !== 'budget' || !this.notices.has('budget'))) {
      this.notices.show('budget', { key: 'noticeBudget' }, { tone: 'warning' });
    } else if (llm !== 'budget' && this.llm === 'budget') {
      this.notices.clear('budget');
    }
    this.llm = llm;
  }

  private onNotice(notice: NoticeMessage): void {
    const text: Text = { zh: notice.zh, en: notice.en };
    if (notice.code === 'video_resumed') {
      this.notices.clear('video_paused');
      this.notices.show(notice.code, text, { timeoutMs: TRANSIENT_MS });
      return;
    }
    if (notice.code === 'wait_for_answer') {
      this.notices.show(notice.code, text, { timeoutMs: TRANSIENT_MS, tone: 'warning' });
      return;
    }
    const warning = notice.code === 'budget' || notice.code === 'video_paused';
    this.notices.show(notice.code, text, { tone: warning ? 'warning' : 'info' });
  }

  /** Answers over /ws are shown only in text-only mode; with voice they arrive on lk.transcription, in time. */
  private onTranscript(transcript: TranscriptMessage): void {
    if (!this.textMode) return;
    const shown = this.model.segment({
      from: 'avatar',
      speaker: AVATAR_IDENTITY,
      segmentId: transcript.segmentId,
      text: transcript.text,
      final: transcript.final,
    });
    if (!shown) return;
    this.subtitles.update();
    this.awaitingAnswer = false;
    this.textVoice.speak(transcript.text, performance.now());
    this.showAvatarState();
  }

  private onFeedError(code: string): void {
    if (code === 'rate_limited') {
      this.notices.show('rate_limited', { key: 'noticeRateLimited' }, { timeoutMs: TRANSIENT_MS, tone: 'warning' });
    } else if (code === 'too_large') {
      this.notices.show('too_large', { key: 'noticeTooLong' }, { timeoutMs: TRANSIENT_MS, tone: 'warning' });
    }
  }

  private async send(text: string): Promise<boolean> {
    if (this.textMode) {
      if (!this.feed?.say(text)) {
        this.notices.show('send', { key: 'noticeSendFailed' }, { timeoutMs: TRANSIENT_MS, tone: 'warning' });
        return false;
      }
      this.awaitingAnswer = true;
      this.showAvatarState();
    } else {
      if (!this.session || this.rtc !== 'connected') return false;
      try {
        await this.session.sendChat(text);
      } catch {
        this.notices.show('send', { key: 'noticeSendFailed' }, { timeoutMs: TRANSIENT_MS, tone: 'warning' });
        return false;
      }
    }
    this.notices.clear('send');
    if (this.model.message('me', text)) this.subtitles.update();
    return true;
  }

  private async toggleMic(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const result = await session.setMicrophone(!this.micOn);
    if (result.ok) {
      this.micOn = result.enabled;
      this.notices.clear('mic');
    } else {
      this.micOn = false;
      this.notices.show('mic', { key: MIC_PROBLEMS[result.problem] }, { tone: 'warning' });
    }
    this.render();
  }

  private async startAudio(): Promise<void> {
    this.options.audio?.resume().catch(() => undefined);
    const session = this.session;
    if (!session) return;
    await session.startAudio().catch(() => undefined);
    this.screen.showStartAudio(!session.canPlaybackAudio);
  }

  private async rejoin(): Promise<void> {
    const button = this.screen.rejoin;
    button.disabled = true;
    this.options.i18n.text(button, { key: 'rejoining' });
    try {
      const outcome = await this.options.rejoin();
      if (outcome.ok) {
        this.teardown();
        this.notices.clear('rejoin');
        this.connect(outcome.grant);
      } else {
        this.notices.show('rejoin', describeJoinFailure(outcome.failure), { tone: 'warning' });
      }
    } finally {
      button.disabled = false;
      this.options.i18n.text(button, { key: 'rejoin' });
    }
  }

  /** The avatar's look: lk.agent.state with voice; in text-only mode, derived from the exchange itself. */
  private showAvatarState(): void {
    window.clearTimeout(this.textTimer);
    let state = this.agentState;
    if (this.textMode) {
      const now = performance.now();
      if (this.textVoice.speaking(now)) {
        state = 'speaking';
        this.textTimer = window.setTimeout(() => this.showAvatarState(), this.textVoice.remainingMs(now) + 50);
      } else if (this.awaitingAnswer) {
        state = 'thinking';
        this.textTimer = window.setTimeout(() => {
          this.awaitingAnswer = false;
          this.showAvatarState();
        }, ANSWER_TIMEOUT_MS);
      } else {
        state = this.feedState === 'open' ? 'listening' : 'initializing';
      }
    }
    this.avatar.setState(state);
    this.screen.renderCaption();
  }

  private micReason(): MessageKey | null {
    if (this.textMode) return 'micHintTextOnly';
    if (!this.voiceInput) return 'micHintVoiceOff';
    if (!window.isSecureContext) return 'micHintInsecure';
    if (this.rtc !== 'connected' || this.lost) return 'micHintWaiting';
    return null;
  }

  private render(): void {
    const phase = this.textMode ? FEED_PHASE[this.feedState] : this.lost ? 'disconnected' : this.rtc;
    this.connection.set(phase, this.textMode);
    const canChat = this.textMode ? this.feedState === 'open' : this.rtc === 'connected' && !this.lost;
    this.chat.setEnabled(canChat);
    const reason = this.micReason();
    if (reason && this.micOn) {
      this.micOn = false;
      void this.session?.setMicrophone(false);
    }
    this.mic.set(this.micOn, reason);
    this.screen.showFallback(this.textMode);
    this.screen.showLost(this.lost && !this.textMode);
    // On desktop, typing is the way in: put the cursor in the box once it works (phones keep their keyboard down).
    if (canChat && !this.focusedChat && window.matchMedia('(pointer: fine)').matches) {
      this.focusedChat = true;
      if (document.activeElement === document.body || document.activeElement?.tagName === 'H1') this.chat.input.focus();
    }
  }
}
