import {
  ConnectionState,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
  Room,
  RoomEvent,
  type TextStreamReader,
  TrackKind,
  TrackSource,
} from '@livekit/rtc-node';
import { Topics, TranscriptionAttributes } from '@dh/contracts';
import type { Logger, ServiceMetrics } from '@dh/observability';
import type { TurnCancels } from '@dh/streams';
import type { Guest, UtteranceIntake } from '../chat/utterance-intake.js';
import { readCapped } from '../chat/chat-reader.js';
import { GuestVoice, type GuestVoiceDeps, type GuestVoiceSink } from '../listening/guest-voice.js';
import { TurnPlayer } from '../playback/turn-player.js';
import { AgentStateReporter } from './agent-state.js';
import { AvatarVoice } from './avatar-voice.js';
import { RoomSink } from './room-sink.js';
import { isGuest } from './guests.js';

export interface AvatarRoomOptions {
  name: string;
  url: string;
  token: () => Promise<string>;
  intake: UtteranceIntake;
  metrics: ServiceMetrics;
  logger: Logger;
  audioQueueMs: number;
  /** The voice's Opus bitrate. */
  voiceKbps: number;
  turnStallMs: number;
  chatMaxBytes: number;
  /** Called when the last guest left, or when the connection was lost for good. */
  onEmpty: (room: AvatarRoom) => void;
  onGuestArrived: (room: AvatarRoom) => void;
  onLost: (room: AvatarRoom) => void;
  /**
   * Asks the server about a participant this connection has not heard of yet: LiveKit announces guests who
   * publish nothing up to 3 s late (it batches their updates), but their messages arrive at once.
   */
  lookupGuest: (room: string, identity: string) => Promise<Guest | null>;
  /** Marks answers a guest spoke over, so dialogue and tts stop working on them. */
  cancels: TurnCancels;
  /** VAD and STT; undefined: voice input is off and guests' microphones are not even subscribed. */
  listening?: Omit<GuestVoiceDeps, 'sink'>;
}

/**
 * The avatar in one LiveKit room: identity `dh-avatar`, kind AGENT (from its token), one voice track, the
 * `lk.chat` intake, and the player that speaks this room's answers in order.
 */
export class AvatarRoom {
  readonly name: string;
  private room = new Room();
  private voice: AvatarVoice | undefined;
  private sink: RoomSink | undefined;
  private readonly agentState: AgentStateReporter;
  readonly player: TurnPlayer;
  private closing = false;
  private readonly voices = new Map<string, GuestVoice>();
  private readonly voiceSink: GuestVoiceSink = {
    transcript: (guest, trackSid, segmentId, text, final) =>
      this.publishGuestTranscript(guest, trackSid, segmentId, text, final),
    utterance: async (guest, text, endedAt) => {
      const turn = await this.options.intake.voice(guest, text, endedAt);
      if (turn) this.expect(turn.turnId, turn.seq, turn.input);
      return turn !== null;
    },
    speechStarted: () => this.bargeIn(),
  };

  constructor(private readonly options: AvatarRoomOptions) {
    this.name = options.name;
    this.agentState = new AgentStateReporter(() => this.room.localParticipant);
    this.player = new TurnPlayer(
      {
        play: (sentence, audio, first) => this.sink?.play(sentence, audio, first) ?? Promise.resolve(),
        waiting: () => this.sink?.waiting(),
        idle: () => this.sink?.idle(),
        turnFinished: (turnId) => {
          this.sink?.turnFinished(turnId);
          options.intake.finished(turnId);
        },
      },
      { stallMs: options.turnStallMs },
    );
  }

  get connected(): boolean {
    return this.room.connectionState === ConnectionState.CONN_CONNECTED;
  }

  get guestCount(): number {
    let count = 0;
    for (const participant of this.room.remoteParticipants.values()) if (isGuest(participant)) count += 1;
    return count;
  }

  /** Joins (or joins again after a loss) and starts listening; greets guests already there. */
  async connect(): Promise<void> {
    const { logger, name } = this.options;
    const room = new Room();
    this.room = room;
    room.on(RoomEvent.ParticipantConnected, (participant) => this.onParticipantConnected(participant));
    room.on(RoomEvent.ParticipantDisconnected, (participant) => {
      this.voices.get(participant.identity)?.stop();
      this.voices.delete(participant.identity);
      if (this.guestCount === 0) this.options.onEmpty(this);
    });
    if (this.options.listening) {
      room.on(RoomEvent.TrackPublished, (publication, participant) =>
        this.subscribeMicrophone(publication, participant),
      );
      room.on(RoomEvent.TrackSubscribed, (track, publication, participant) =>
        this.listen(track, publication, participant),
      );
      room.on(RoomEvent.TrackUnsubscribed, (_track, _publication, participant) =>
        this.voices.get(participant.identity)?.stop(),
      );
      room.on(RoomEvent.TrackMuted, (publication, participant) => {
        if (publication.kind === TrackKind.KIND_AUDIO) this.voices.get(participant.identity)?.muted();
      });
    }
    room.on(RoomEvent.Reconnecting, () => logger.warn({ room: name }, 'room connection interrupted; reconnecting'));
    room.on(RoomEvent.Reconnected, () => {
      logger.info({ room: name }, 'room connection resumed');
      this.agentState.reset();
    });
    room.on(RoomEvent.Disconnected, (reason) => {
      if (this.closing || room !== this.room) return;
      logger.warn({ room: name, reason }, 'room connection lost');
      this.options.onLost(this);
    });
    room.registerTextStreamHandler(Topics.chat, (reader, { identity }) => void this.onChat(reader, identity));

    await room.connect(this.options.url, await this.options.token(), { autoSubscribe: false, dynacast: false });
    const voice = new AvatarVoice(this.options.audioQueueMs, this.options.voiceKbps);
    await voice.publish(room.localParticipant!);
    await this.voice?.close();
    this.voice = voice;
    this.sink = new RoomSink(room, voice, this.agentState, this.options.metrics, logger);
    this.agentState.reset();
    this.agentState.set(this.player.busy ? 'thinking' : 'listening');
    logger.info({ room: name, guests: this.guestCount }, 'avatar joined room');
    for (const participant of room.remoteParticipants.values()) this.onParticipantConnected(participant);
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const voice of this.voices.values()) voice.stop();
    this.voices.clear();
    this.voice?.clear();
    await this.player.close();
    await this.room.disconnect().catch(() => undefined);
    await this.voice?.close();
    this.options.logger.info({ room: this.name }, 'avatar left room');
  }

  private onParticipantConnected(participant: RemoteParticipant): void {
    if (!isGuest(participant)) return;
    this.options.onGuestArrived(this);
    for (const publication of participant.trackPublications.values())
      this.subscribeMicrophone(publication, participant);
    const guest = { identity: participant.identity, name: participant.name ?? '' };
    this.options.intake
      .greet(guest)
      .then((turn) => {
        if (turn) this.expect(turn.turnId, turn.seq, turn.input);
      })
      .catch((error: unknown) =>
        this.options.logger.error({ room: this.name, err: (error as Error).message }, 'greeting failed'),
      );
  }

  private async guest(identity: string): Promise<Guest | null> {
    const participant = this.room.remoteParticipants.get(identity);
    if (participant) return isGuest(participant) ? { identity, name: participant.name ?? '' } : null;
    return this.options.lookupGuest(this.name, identity).catch(() => null);
  }

  private async onChat(reader: TextStreamReader, identity: string): Promise<void> {
    const [text, guest] = await Promise.all([
      readCapped(reader, this.options.chatMaxBytes).catch(() => null),
      this.guest(identity),
    ]);
    if (!guest) return;
    if (text === null) {
      this.options.metrics.chatMessages.inc({ result: 'ignored' });
      return;
    }
    try {
      // A guest who types before the avatar has greeted them is greeted first, so the order stays natural.
      const greeting = await this.options.intake.greet(guest);
      if (greeting) this.expect(greeting.turnId, greeting.seq, greeting.input);
      const turn = await this.options.intake.chat(guest, text);
      if (turn) this.expect(turn.turnId, turn.seq, turn.input);
    } catch (error) {
      this.options.logger.error({ room: this.name, err: (error as Error).message }, 'chat message not forwarded');
    }
  }

  /**
   * A guest started speaking: if the avatar is talking, it stops at once (barge-in). The rest of that answer is
   * dropped here and cancelled for dialogue and tts, with what was heard of it for the room's history.
   */
  private bargeIn(): void {
    const turnId = this.player.currentTurnId;
    if (this.agentState.state !== 'speaking' || !turnId || !this.sink) return;
    const heard = this.sink.interrupt(turnId);
    this.player.interrupt();
    this.options.metrics.bargeIns.inc();
    this.options.logger.info({ room: this.name, turnId }, 'guest spoke over the avatar: answer interrupted');
    this.options.cancels
      .cancel(turnId, heard)
      .catch((error: unknown) =>
        this.options.logger.warn({ room: this.name, err: (error as Error).message }, 'could not cancel the answer'),
      );
  }

  /** Guests' microphones only: their cameras (shared rooms) cost bandwidth and the avatar does not look. */
  private subscribeMicrophone(publication: RemoteTrackPublication, participant: RemoteParticipant): void {
    if (!this.options.listening || !isGuest(participant)) return;
    if (publication.kind !== TrackKind.KIND_AUDIO || publication.source === TrackSource.SOURCE_SCREENSHARE_AUDIO)
      return;
    if (!publication.subscribed) publication.setSubscribed(true);
  }

  private listen(track: RemoteTrack, publication: RemoteTrackPublication, participant: RemoteParticipant): void {
    const listening = this.options.listening;
    if (!listening || !isGuest(participant) || track.kind !== TrackKind.KIND_AUDIO || !publication.sid) return;
    let voice = this.voices.get(participant.identity);
    if (!voice) {
      const guest = { identity: participant.identity, name: participant.name ?? '' };
      voice = new GuestVoice(guest, { ...listening, sink: this.voiceSink });
      this.voices.set(participant.identity, voice);
    }
    voice.listen(track, publication.sid);
  }

  /** The guest's words, sent by the avatar on the guest's behalf (the sender is the guest, as agents do). */
  private async publishGuestTranscript(
    guest: Guest,
    trackSid: string,
    segmentId: string,
    text: string,
    final: boolean,
  ): Promise<void> {
    const participant = this.room.localParticipant;
    if (!participant) return;
    const writer = await participant.streamText({
      topic: Topics.transcription,
      senderIdentity: guest.identity,
      attributes: {
        [TranscriptionAttributes.trackId]: trackSid,
        [TranscriptionAttributes.segmentId]: segmentId,
        [TranscriptionAttributes.final]: String(final),
      },
    });
    await writer.write(text);
    await writer.close();
  }

  private expect(turnId: string, seq: number, input: 'text' | 'voice' | 'greeting'): void {
    this.sink?.noteInput(turnId, input);
    this.player.expect(turnId, seq);
    if (this.agentState.state !== 'speaking') this.agentState.set('thinking');
  }
}
