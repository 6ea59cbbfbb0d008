import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  type RemoteParticipant,
  type RemoteTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import { AGENT_STATE_ATTRIBUTE, AVATAR_IDENTITY, Topics, TranscriptionAttributes } from '@dh/contracts';
import { type TestAudio, resample } from './speech-audio.js';
import { SyntheticCamera, type SyntheticCameraOptions } from './synthetic-camera.js';
import { waitFor } from './wait.js';

export interface ReceivedTranscription {
  text: string;
  from: string;
  segmentId: string;
  trackId: string;
  final: boolean;
  at: number;
}

export interface JoinResponse {
  url: string;
  token: string;
  room: string;
  identity: string;
}

const MIC_RATE = 48_000;
const MIC_FRAME_SAMPLES = MIC_RATE / 100;

/** A guest's published microphone: plays test audio into the room at real-time pace. */
export class GuestMicrophone {
  constructor(
    private readonly source: AudioSource,
    readonly trackSid: string,
  ) {}

  /** Resolves when the last frame has been queued (about `durationMs` later: captureFrame paces it). */
  async play(audio: TestAudio): Promise<void> {
    const { pcm } = resample(audio, MIC_RATE);
    for (let offset = 0; offset < pcm.length; offset += MIC_FRAME_SAMPLES) {
      const frame = new Int16Array(MIC_FRAME_SAMPLES);
      frame.set(pcm.subarray(offset, Math.min(pcm.length, offset + MIC_FRAME_SAMPLES)));
      await this.source.captureFrame(new AudioFrame(frame, MIC_RATE, 1, MIC_FRAME_SAMPLES));
    }
  }

  async close(): Promise<void> {
    await this.source.close().catch(() => undefined);
  }
}

/** RMS above this (of full scale 32768) counts as voice; espeak speech is far louder, silence and dither far less. */
const VOICED_RMS = 300;

/**
 * A guest as LiveKit sees one: an rtc-node participant that joins with a token from the gateway, types on
 * `lk.chat`, and records what comes back — the avatar's voiced audio frames, `lk.transcription` segments
 * and its `lk.agent.state` changes — with arrival times.
 */
export class GuestClient {
  readonly room = new Room();
  readonly transcriptions: ReceivedTranscription[] = [];
  readonly agentStates: { state: string; at: number }[] = [];
  /** Arrival time of every voiced 10 ms frame from the avatar. */
  readonly voicedFrameTimes: number[] = [];
  framesReceived = 0;
  /** The RMS of every 10 ms frame from the avatar, while `recordLevels` is on. */
  private levels: number[] | undefined;
  private streams: AudioStream[] = [];
  private microphone: GuestMicrophone | undefined;
  private camera: SyntheticCamera | undefined;

  constructor(readonly join: JoinResponse) {}

  /** POST /api/join on the gateway, then connect to the room it names. */
  static async joinVia(
    gatewayUrl: string,
    body: { name: string; room?: string; passcode?: string },
  ): Promise<GuestClient> {
    const response = await fetch(`${gatewayUrl}/api/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) throw new Error(`join failed: ${response.status} ${await response.text()}`);
    const guest = new GuestClient((await response.json()) as JoinResponse);
    await guest.connect();
    return guest;
  }

  async connect(): Promise<void> {
    this.room.on(RoomEvent.TrackSubscribed, (track, _publication, participant) => this.onTrack(track, participant));
    this.room.on(RoomEvent.ParticipantAttributesChanged, (changed, participant) => {
      const state = changed[AGENT_STATE_ATTRIBUTE];
      if (participant.identity === AVATAR_IDENTITY && state) this.agentStates.push({ state, at: Date.now() });
    });
    this.room.registerTextStreamHandler(Topics.transcription, (reader, { identity }) => {
      const attributes = reader.info.attributes ?? {};
      void reader.readAll().then((text) =>
        this.transcriptions.push({
          text,
          from: identity,
          segmentId: attributes[TranscriptionAttributes.segmentId] ?? '',
          trackId: attributes[TranscriptionAttributes.trackId] ?? '',
          final: attributes[TranscriptionAttributes.final] === 'true',
          at: Date.now(),
        }),
      );
    });
    await this.room.connect(this.join.url, this.join.token, { autoSubscribe: true, dynacast: false });
  }

  /** Sends a message on lk.chat; returns when it was sent. */
  async say(text: string): Promise<number> {
    const at = Date.now();
    await this.room.localParticipant!.sendText(text, { topic: Topics.chat });
    return at;
  }

  get avatar(): RemoteParticipant | undefined {
    return this.room.remoteParticipants.get(AVATAR_IDENTITY);
  }

  get avatarState(): string | undefined {
    return this.avatar?.attributes[AGENT_STATE_ATTRIBUTE];
  }

  async waitForAvatar(timeoutMs = 20_000): Promise<RemoteParticipant> {
    return waitFor('the avatar to join', () => this.avatar, timeoutMs);
  }

  async waitForTranscriptions(count: number, timeoutMs = 30_000): Promise<ReceivedTranscription[]> {
    return waitFor(
      `${count} transcriptions (have ${this.transcriptions.length})`,
      () => (this.transcriptions.length >= count ? this.transcriptions.slice(0, count) : undefined),
      timeoutMs,
    );
  }

  /** The first voiced frame from the avatar at or after `since`. */
  firstVoicedAfter(since: number): number | undefined {
    return this.voicedFrameTimes.find((t) => t >= since);
  }

  /**
   * Waits for the avatar's voice at or after `since`. A transcript can arrive a little before the audio it
   * belongs to (it is sent as the first frame is queued; the audio still crosses the jitter buffer).
   */
  async waitForVoiceAfter(since: number, timeoutMs = 10_000): Promise<number> {
    return waitFor('the avatar’s voice', () => this.firstVoicedAfter(since), timeoutMs);
  }

  /**
   * Records the loudness of the avatar's voice, 10 ms a value, from now until the returned function is called,
   * which gives the values (from the first voiced frame on, when `fromVoice`).
   */
  recordLevels(): (fromVoice?: boolean) => number[] {
    const levels: number[] = [];
    this.levels = levels;
    return (fromVoice = true) => {
      if (this.levels === levels) this.levels = undefined;
      const first = fromVoice ? levels.findIndex((rms) => rms > VOICED_RMS) : 0;
      return first < 0 ? [] : levels.slice(first);
    };
  }

  voicedFramesBetween(from: number, to: number): number {
    return this.voicedFrameTimes.filter((t) => t >= from && t <= to).length;
  }

  /** Publishes a microphone track; what `play` feeds it, the room hears in real time. */
  async publishMicrophone(): Promise<GuestMicrophone> {
    const source = new AudioSource(MIC_RATE, 1, 200);
    const track = LocalAudioTrack.createAudioTrack('microphone', source);
    const options = new TrackPublishOptions();
    options.source = TrackSource.SOURCE_MICROPHONE;
    const publication = await this.room.localParticipant!.publishTrack(track, options);
    this.microphone = new GuestMicrophone(source, publication.sid!);
    return this.microphone;
  }

  /** Publishes a camera that sends noise at up to `maxBitrate` (the others in a shared room receive it). */
  async publishCamera(options: SyntheticCameraOptions): Promise<SyntheticCamera> {
    this.camera = await SyntheticCamera.publish(this.room, options);
    return this.camera;
  }

  async disconnect(): Promise<void> {
    await this.camera?.stop();
    await this.microphone?.close();
    // A stream being read is locked and refuses to cancel; the room's disconnect ends it anyway.
    for (const stream of this.streams) await stream.cancel().catch(() => undefined);
    await this.room.disconnect().catch(() => undefined);
  }

  private onTrack(track: RemoteTrack, participant: RemoteParticipant): void {
    if (participant.identity !== AVATAR_IDENTITY || track.kind !== TrackKind.KIND_AUDIO) return;
    const stream = new AudioStream(track, { sampleRate: 48_000, numChannels: 1, frameSizeMs: 10 });
    this.streams.push(stream);
    void (async () => {
      for await (const frame of stream) {
        this.framesReceived += 1;
        let sum = 0;
        for (const sample of frame.data) sum += sample * sample;
        const rms = Math.sqrt(sum / frame.data.length);
        if (rms > VOICED_RMS) this.voicedFrameTimes.push(Date.now());
        this.levels?.push(rms);
      }
    })().catch(() => undefined);
  }
}
