// The peer's text-to-speech for `make bench`: libs/testing's FakeSpeech (OpenAI's `/audio/speech` on
// 127.0.0.1), answering with espeak-ng speech instead of its tone, so that the peer speaks what our tts
// service speaks with the same engine, and timing each synthesis so the bench can subtract it.
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeSpeech, readWav, resample } from '@dh/testing';

/** OpenAI's `pcm` format: 24 kHz mono s16le, what @livekit/agents-plugin-openai reads. */
const PCM_RATE = 24_000;

export interface Synthesis {
  input: string;
  /** When the request's body had arrived. */
  at: number;
  /** espeak-ng's run, WAV parsing, silence trim and resampling: what a real engine would spend. */
  synthMs: number;
}

/** Same settings as our tts service's espeak engine (services/tts/src/engines/espeak.engine.ts). */
function espeak(text: string): Promise<Buffer> {
  const voice = /\p{Script=Han}/u.test(text) ? 'cmn' : 'en-us';
  return new Promise((resolve, reject) => {
    const child = spawn('espeak-ng', ['-v', voice, '-s', '175', '-b', '1', '--stdout'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`espeak-ng exited with ${code}`)),
    );
    child.stdin.end(text);
  });
}

/**
 * Leading exact zeros dropped, as our espeak engine does (trim-silence.ts): each millisecond of them would
 * delay the first voiced frame and count against the peer as pipeline overhead.
 */
function trimLeadingZeros(pcm: Int16Array): Int16Array {
  let first = 0;
  while (first < pcm.length && pcm[first] === 0) first += 1;
  return pcm.subarray(first);
}

/**
 * FakeSpeech with espeak-ng behind it. Its reply scripts are synchronous (a tone is built at once); espeak-ng
 * runs as a child process, so the request handler is replaced by an asynchronous one and several turns can
 * be synthesized at once, as the tts service does.
 */
export class EspeakSpeech extends FakeSpeech {
  readonly syntheses: Synthesis[] = [];

  protected override async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const at = Date.now();
    const started = performance.now();
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input?: string; response_format?: string };
    if (req.method !== 'POST' || typeof body.input !== 'string' || (body.response_format ?? 'pcm') !== 'pcm') {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"pcm only"}}');
      return;
    }
    const wav = readWav(await espeak(body.input));
    const pcm = resample({ pcm: trimLeadingZeros(wav.pcm), sampleRate: wav.sampleRate }, PCM_RATE).pcm;
    this.syntheses.push({ input: body.input, at, synthMs: performance.now() - started });
    res.writeHead(200, { 'content-type': 'audio/pcm' }).end(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
  }
}
