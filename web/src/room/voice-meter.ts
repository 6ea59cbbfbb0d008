import { levelFromRms } from '../avatar/avatar-state.js';

/**
 * Loudness of a received audio track, read once per animation frame through a WebAudio AnalyserNode.
 * The analyser is a dead end: the voice itself is played by a media element, not through this graph.
 */
export class VoiceMeter {
  private readonly source: MediaStreamAudioSourceNode;
  private readonly analyser: AnalyserNode;
  private readonly samples: Float32Array<ArrayBuffer>;

  constructor(context: AudioContext, track: MediaStreamTrack) {
    this.source = context.createMediaStreamSource(new MediaStream([track]));
    this.analyser = context.createAnalyser();
    // 1024 samples ≈ 21 ms at 48 kHz: about one video frame of sound per reading.
    this.analyser.fftSize = 1024;
    this.source.connect(this.analyser);
    this.samples = new Float32Array(this.analyser.fftSize);
  }

  level(): number {
    this.analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const sample of this.samples) sum += sample * sample;
    return levelFromRms(Math.sqrt(sum / this.samples.length));
  }

  dispose(): void {
    this.source.disconnect();
  }
}
