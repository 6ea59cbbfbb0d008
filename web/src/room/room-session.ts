import {
  ConnectionState,
  DisconnectReason,
  MediaDeviceFailure,
  type Participant,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
  LogLevel,
  Room,
  RoomEvent,
  type TextStreamReader,
  Track,
  setLogLevel,
} from 'livekit-client';
import { type AgentState, parseAgentState } from '../avatar/avatar-state.js';
import type { SegmentUpdate } from '../subtitles/subtitle-model.js';
import type { ConnectionPhase } from './connection-phase.js';

// The SDK logs every signalling step at info level (with parts of the join request); guests need none of it.
setLogLevel(LogLevel.warn);

/** Contract section 4. */
export const AVATAR_IDENTITY = 'dh-avatar';
const AGENT_STATE_ATTRIBUTE = 'lk.agent.state';
const TOPIC_CHAT = 'lk.chat';
const TOPIC_TRANSCRIPTION = 'lk.transcription';
const ATTR_SEGMENT_ID = 'lk.segment_id';
const ATTR_FINAL = 'lk.transcription_final';
const ATTR_TRACK_ID = 'lk.transcribed_track_id';

export type MicProblem = 'denied' | 'not_found' | 'in_use' | 'insecure' | 'failed';
export type MicResult = { ok: true; enabled: boolean } | { ok: false; problem: MicProblem };

export interface SessionHandlers {
  connection(phase: ConnectionPhase): void;
  agentState(state: AgentState): void;
  /** The avatar's voice as received (for the mouth), or null when it is gone. */
  avatarAudio(track: MediaStreamTrack | null): void;
  segment(update: SegmentUpdate): void;
  /** Another guest typed (shared rooms). */
  guestMessage(name: string | null, text: string): void;
  /** False while the browser blocks autoplay: the page offers "Tap to listen". */
  playback(allowed: boolean): void;
  /** The room is gone and LiveKit gave up reconnecting; not called after leave(). */
  lost(): void;
}

export interface SessionGrant {
  url: string;
  token: string;
}

function phaseOf(state: ConnectionState): ConnectionPhase {
  switch (state) {
    case ConnectionState.Connected:
      return 'connected';
    case ConnectionState.Connecting:
      return 'connecting';
    case ConnectionState.Reconnecting:
    case ConnectionState.SignalReconnecting:
      return 'reconnecting';
    case ConnectionState.Disconnected:
      return 'disconnected';
  }
}

/**
 * One guest's LiveKit room: connects with the token from /api/join, hears the avatar (audio only, never
 * video), reads its state and transcriptions, sends typed text on lk.chat and toggles the microphone.
 */
export class RoomSession {
  private readonly room: Room;
  private readonly sink: HTMLElement;
  private left = false;

  constructor(
    private readonly grant: SessionGrant,
    private readonly handlers: SessionHandlers,
  ) {
    this.room = new Room({
      // Audio only: no simulcast layers or adaptive video to manage.
      adaptiveStream: false,
      dynacast: false,
      audioCaptureDefaults: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
    this.sink = document.createElement('div');
    this.sink.hidden = true;
    document.body.append(this.sink);
    this.listen();
    this.room.prepareConnection(grant.url, grant.token).catch(() => undefined);
  }

  get identity(): string {
    return this.room.localParticipant.identity;
  }

  get canPlaybackAudio(): boolean {
    return this.room.canPlaybackAudio;
  }

  async connect(): Promise<void> {
    // Subscriptions are made by hand, audio only: a guest's camera in a shared room costs nothing here.
    await this.room.connect(this.grant.url, this.grant.token, { autoSubscribe: false });
    for (const participant of this.room.remoteParticipants.values()) {
      for (const publication of participant.trackPublications.values()) this.subscribeIfAudio(publication);
      if (participant.identity === AVATAR_IDENTITY) this.reportAgentState(participant);
    }
    this.handlers.playback(this.room.canPlaybackAudio);
  }

  async sendChat(text: string): Promise<void> {
    await this.room.localParticipant.sendText(text, { topic: TOPIC_CHAT });
  }

  async startAudio(): Promise<void> {
    await this.room.startAudio();
  }

  async setMicrophone(enabled: boolean): Promise<MicResult> {
    if (enabled && (!window.isSecureContext || !navigator.mediaDevices)) return { ok: false, problem: 'insecure' };
    try {
      await this.room.localParticipant.setMicrophoneEnabled(enabled);
      return { ok: true, enabled };
    } catch (error) {
      switch (MediaDeviceFailure.getFailure(error)) {
        case MediaDeviceFailure.PermissionDenied:
          return { ok: false, problem: 'denied' };
        case MediaDeviceFailure.NotFound:
          return { ok: false, problem: 'not_found' };
        case MediaDeviceFailure.DeviceInUse:
          return { ok: false, problem: 'in_use' };
        case MediaDeviceFailure.Other:
        case undefined:
          return { ok: false, problem: 'failed' };
      }
    }
  }

  async leave(): Promise<void> {
    this.left = true;
    await this.room.disconnect().catch(() => undefined);
    this.sink.remove();
  }

  private listen(): void {
    const room = this.room;
    room
      .on(RoomEvent.ConnectionStateChanged, (state) => this.handlers.connection(phaseOf(state)))
      .on(RoomEvent.Disconnected, (reason) => {
        if (this.left || reason === DisconnectReason.CLIENT_INITIATED) return;
        this.handlers.lost();
      })
      .on(RoomEvent.AudioPlaybackStatusChanged, () => this.handlers.playback(room.canPlaybackAudio))
      .on(RoomEvent.TrackPublished, (publication) => this.subscribeIfAudio(publication))
      .on(RoomEvent.TrackSubscribed, (track, _publication, participant) => this.attach(track, participant))
      .on(RoomEvent.TrackUnsubscribed, (track, _publication, participant) => this.detach(track, participant))
      .on(RoomEvent.ParticipantConnected, (participant) => {
        if (participant.identity === AVATAR_IDENTITY) this.reportAgentState(participant);
      })
      .on(RoomEvent.ParticipantDisconnected, (participant) => {
        if (participant.identity !== AVATAR_IDENTITY) return;
        this.handlers.agentState('initializing');
        this.handlers.avatarAudio(null);
      })
      .on(RoomEvent.ParticipantAttributesChanged, (changed, participant) => {
        if (participant.identity === AVATAR_IDENTITY && AGENT_STATE_ATTRIBUTE in changed) {
          this.reportAgentState(participant);
        }
      });

    room.registerTextStreamHandler(TOPIC_TRANSCRIPTION, (reader, { identity }) => {
      void this.readTranscription(reader, identity);
    });
    room.registerTextStreamHandler(TOPIC_CHAT, (reader, { identity }) => {
      if (identity === AVATAR_IDENTITY) return;
      reader
        .readAll()
        .then((text) => this.handlers.guestMessage(this.room.getParticipantByIdentity(identity)?.name || null, text))
        .catch(() => undefined);
    });
  }

  private subscribeIfAudio(publication: RemoteTrackPublication): void {
    if (publication.kind === Track.Kind.Audio && !publication.isSubscribed) publication.setSubscribed(true);
  }

  private attach(track: RemoteTrack, participant: RemoteParticipant): void {
    if (track.kind !== Track.Kind.Audio) return;
    // The element plays the voice (echo cancellation only works for media elements); the meter taps it.
    this.sink.append(track.attach());
    if (participant.identity === AVATAR_IDENTITY) this.handlers.avatarAudio(track.mediaStreamTrack);
  }

  private detach(track: RemoteTrack, participant: RemoteParticipant): void {
    for (const element of track.detach()) element.remove();
    if (participant.identity === AVATAR_IDENTITY && track.kind === Track.Kind.Audio) this.handlers.avatarAudio(null);
  }

  private reportAgentState(participant: Participant): void {
    this.handlers.agentState(parseAgentState(participant.attributes[AGENT_STATE_ATTRIBUTE]));
  }

  /** A transcription stream: its text grows chunk by chunk; the segment id ties updates to one line. */
  private async readTranscription(reader: TextStreamReader, sender: string): Promise<void> {
    const attributes = reader.info.attributes ?? {};
    const segmentId = attributes[ATTR_SEGMENT_ID] ?? reader.info.id;
    const final = attributes[ATTR_FINAL] !== 'false';
    const speaker = this.speakerOf(sender, attributes[ATTR_TRACK_ID]);
    let text = '';
    try {
      for await (const chunk of reader) {
        text += chunk;
        this.handlers.segment({ ...speaker, segmentId, text, final: false });
      }
    } catch {
      // A stream cut short still shows what arrived.
    }
    this.handlers.segment({ ...speaker, segmentId, text, final });
  }

  /** Whose words these are: the owner of the transcribed track if known, else the sender. */
  private speakerOf(sender: string, trackId: string | undefined): Omit<SegmentUpdate, 'segmentId' | 'text' | 'final'> {
    let identity = sender;
    if (trackId) {
      const local = this.room.localParticipant;
      if (local.trackPublications.has(trackId)) identity = local.identity;
      else {
        for (const participant of this.room.remoteParticipants.values()) {
          if (participant.trackPublications.has(trackId)) identity = participant.identity;
        }
      }
    }
    if (identity === AVATAR_IDENTITY) return { from: 'avatar', speaker: identity };
    if (identity === this.room.localParticipant.identity) return { from: 'me', speaker: identity };
    return { from: 'guest', speaker: identity, name: this.room.getParticipantByIdentity(identity)?.name || null };
  }
}
