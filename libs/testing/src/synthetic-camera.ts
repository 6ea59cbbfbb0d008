import { randomFillSync } from 'node:crypto';
import {
  LocalVideoTrack,
  type Room,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoFrame,
  VideoSource,
} from '@livekit/rtc-node';

export interface SyntheticCameraOptions {
  /** The encoder's ceiling, bits per second; noise keeps it there. */
  maxBitrate: number;
  width?: number;
  height?: number;
  fps?: number;
}

/** Distinct noise frames cycled through: enough that the encoder cannot coast on repeats. */
const NOISE_FRAMES = 8;

/**
 * A guest's camera that sends noise (the costliest picture there is) as VP8 at a known bitrate ceiling: what
 * the bandwidth governor has to rein in.
 */
export class SyntheticCamera {
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly room: Room,
    private readonly source: VideoSource,
    readonly trackSid: string,
  ) {}

  static async publish(room: Room, options: SyntheticCameraOptions): Promise<SyntheticCamera> {
    const width = options.width ?? 320;
    const height = options.height ?? 240;
    const fps = options.fps ?? 15;
    const source = new VideoSource(width, height);
    const track = LocalVideoTrack.createVideoTrack('camera', source);
    const publishOptions = new TrackPublishOptions({
      source: TrackSource.SOURCE_CAMERA,
      simulcast: false,
      videoEncoding: { maxBitrate: BigInt(options.maxBitrate), maxFramerate: fps },
    });
    const publication = await room.localParticipant!.publishTrack(track, publishOptions);
    const camera = new SyntheticCamera(room, source, publication.sid!);
    const frames = Array.from({ length: NOISE_FRAMES }, () => randomFillSync(new Uint8Array((width * height * 3) / 2)));
    let n = 0;
    camera.timer = setInterval(() => {
      source.captureFrame(new VideoFrame(frames[n++ % NOISE_FRAMES]!, width, height, VideoBufferType.I420));
    }, 1000 / fps);
    return camera;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.room.localParticipant?.unpublishTrack(this.trackSid).catch(() => undefined);
    await this.source.close().catch(() => undefined);
  }
}
