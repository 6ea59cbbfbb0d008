import { spawn } from 'node:child_process';
import type { Pcm } from '@dh/contracts';
import { detectLanguage } from './language.js';
import type { SynthesizeOptions, TtsEngine } from './tts-engine.js';
import { TtsError, abortedError } from './tts-error.js';
import { trimSilence } from './trim-silence.js';
import { WavFormatError, parseWav } from './wav.js';

export interface EspeakOptions {
  /** Program name or path. Default `espeak-ng`. */
  bin?: string;
  /** Voice for Chinese text. Default `cmn` (Mandarin). */
  voiceZh?: string;
  /** Voice for everything else. Default `en-us`. */
  voiceEn?: string;
  /** Words per minute (`-s`). Default 175, espeak-ng's own default. */
  speedWpm?: number;
}

export const ESPEAK_DEFAULTS: Required<EspeakOptions> = {
  bin: 'espeak-ng',
  voiceZh: 'cmn',
  voiceEn: 'en-us',
  speedWpm: 175,
};

/** espeak-ng always writes 22 050 Hz; the rate is still read from each WAV header. */
const ESPEAK_SAMPLE_RATE = 22_050;
/** 1 000 characters of speech is about a minute, 2.6 MB: anything far beyond is a runaway process. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
const STDERR_KEEP_CHARS = 200;

/**
 * espeak-ng as a short-lived child process per sentence: the text goes in on stdin (never on the command
 * line, where it could be read as an option and would show in `ps`), WAV comes out on stdout.
 */
export class EspeakEngine implements TtsEngine {
  readonly name = 'espeak';
  readonly sampleRate = ESPEAK_SAMPLE_RATE;
  private readonly options: Required<EspeakOptions>;

  constructor(options: EspeakOptions = {}) {
    this.options = { ...ESPEAK_DEFAULTS, ...options };
  }

  voiceFor(text: string): string {
    return detectLanguage(text) === 'zh' ? this.options.voiceZh : this.options.voiceEn;
  }

  voiceKey(text: string): string {
    return `${this.voiceFor(text)}|${this.options.speedWpm}`;
  }

  async synthesize(text: string, { signal }: SynthesizeOptions): Promise<Pcm> {
    const wav = await this.run(text, signal);
    let pcm: Pcm;
    try {
      pcm = trimSilence(parseWav(wav));
    } catch (error) {
      if (error instanceof WavFormatError)
        throw new TtsError('bad_output', `espeak output: ${error.message}`, { retryable: false, cause: error });
      throw error;
    }
    if (pcm.samples.length === 0)
      throw new TtsError('empty_output', 'espeak produced only silence', { retryable: false });
    return pcm;
  }

  private run(text: string, signal: AbortSignal): Promise<Buffer> {
    if (signal.aborted) return Promise.reject(abortedError(signal, this.name));
    const { bin, speedWpm } = this.options;
    // -b 1: the input is UTF-8, whatever the locale of the container says.
    const args = ['-v', this.voiceFor(text), '-s', String(speedWpm), '-b', '1', '--stdout'];
    return new Promise<Buffer>((resolve, reject) => {
      const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      let bytes = 0;
      let stderr = '';
      let settled = false;
      const finish = (error: TtsError | undefined, output?: Buffer) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (error) {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          reject(error);
        } else resolve(output!);
      };
      const onAbort = () => finish(abortedError(signal, this.name));
      signal.addEventListener('abort', onAbort, { once: true });

      child.on('error', (error: NodeJS.ErrnoException) => {
        const missing = error.code === 'ENOENT' || error.code === 'EACCES';
        finish(
          new TtsError(missing ? 'unavailable' : 'engine_failed', `cannot run ${bin}: ${error.code ?? error.message}`, {
            retryable: !missing,
            cause: error,
          }),
        );
      });
      child.stdout.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_OUTPUT_BYTES)
          finish(new TtsError('bad_output', `espeak wrote more than ${MAX_OUTPUT_BYTES} bytes`, { retryable: false }));
        else chunks.push(chunk);
      });
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        if (stderr.length < STDERR_KEEP_CHARS) stderr += chunk;
      });
      child.on('close', (code, killedBy) => {
        if (code === 0) {
          if (bytes === 0) finish(new TtsError('empty_output', 'espeak wrote nothing', { retryable: false }));
          else finish(undefined, Buffer.concat(chunks, bytes));
          return;
        }
        const how = killedBy ? `was killed by ${killedBy}` : `exited with code ${code}`;
        const detail = stderr.trim().slice(0, STDERR_KEEP_CHARS);
        finish(new TtsError('engine_failed', `${bin} ${how}${detail ? `: ${detail}` : ''}`, { retryable: true }));
      });
      // A program that exits without reading its input (a wrong ESPEAK_BIN) closes the pipe: EPIPE is
      // reported through its exit status above, not here.
      child.stdin.on('error', () => undefined);
      child.stdin.end(text);
    });
  }
}
