import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { openAiRoutes, readRoutedPost, sendOpenAiError as sendError } from './openai-http.js';
import { ScriptedFake } from './scripted-fake.js';

/** One `/audio/speech` request as received. */
export interface FakeSpeechRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; null when it is not JSON. */
  body: Record<string, unknown> | null;
  at: number;
}

/**
 * `tone` answers 200 with a sine tone as raw s16le (`format: 'wav'` wraps it in a WAV file): `durationMs` of it
 * (default 500) at the request's `sample_rate` (default 24 000); `error` answers that status with OpenAI's error
 * body; `delayMs` answers a tone late; `hang` never answers; `raw` is a 200 with that body and content type.
 */
export type FakeSpeechReply =
  | { tone: true; durationMs?: number; sampleRate?: number; format?: 'pcm' | 'wav' }
  | { error: number; message?: string }
  | { delayMs: number; durationMs?: number }
  | { hang: true }
  | { raw: Buffer | string; contentType?: string };

export type FakeSpeechReplyBuilder = (request: FakeSpeechRequest) => FakeSpeechReply;

const ROUTES = openAiRoutes('/audio/speech');
const defaultReply: FakeSpeechReplyBuilder = () => ({ tone: true });

/** A 440 Hz sine at about a third of full scale: clearly audible, never digital silence. */
export function toneSamples(sampleRate: number, durationMs: number): Buffer {
  const count = Math.round((sampleRate * durationMs) / 1000);
  const samples = Buffer.alloc(count * 2);
  for (let i = 0; i < count; i++)
    samples.writeInt16LE(Math.round(10_000 * Math.sin((2 * Math.PI * 440 * (i + 1)) / sampleRate)), i * 2);
  return samples;
}

/** 16-bit mono PCM in a canonical 44-byte-header WAV file. */
export function pcmToWav(samples: Buffer, sampleRate: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + samples.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(samples.length, 40);
  return Buffer.concat([header, samples]);
}

/**
 * A local stand-in for an OpenAI-compatible text-to-speech API on 127.0.0.1 (port 0): `POST /v1/audio/speech`
 * (and without `/v1`) taking JSON, answering audio. Replies come from a FIFO of scripts, else from the default
 * builder. `stop()` then `start()` again is how a test takes the service down and (on a new port) back up.
 */
export class FakeSpeech extends ScriptedFake<FakeSpeechRequest, FakeSpeechReply> {
  constructor() {
    super(defaultReply);
  }

  /** Base URL with the API version, as OpenAI's SDKs take it. */
  get url(): string {
    return `http://127.0.0.1:${this.http.port}/v1`;
  }

  protected async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const post = await readRoutedPost(req, res, ROUTES);
    if (!post) return;
    const { path } = post;
    let body: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse(post.body.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
    } catch {
      body = null;
    }
    const request: FakeSpeechRequest = { path, headers: req.headers, body, at: Date.now() };
    this.requests.push(request);
    if (!body) return sendError(res, 400, 'request body is not JSON');
    if (typeof body.model !== 'string' || typeof body.input !== 'string')
      return sendError(res, 400, 'model and input are required');

    const reply = this.nextReply(request);
    const rate = typeof body.sample_rate === 'number' ? body.sample_rate : 24_000;
    if ('hang' in reply) return; // the socket stays open until the client gives up or stop()
    if ('error' in reply) return sendError(res, reply.error, reply.message);
    if ('raw' in reply)
      return void res
        .writeHead(200, { 'content-type': reply.contentType ?? 'application/octet-stream' })
        .end(reply.raw);
    if ('delayMs' in reply)
      return this.http.later(() => {
        if (!res.destroyed) sendTone(res, rate, reply.durationMs ?? 500, 'pcm');
      }, reply.delayMs);
    sendTone(res, reply.sampleRate ?? rate, reply.durationMs ?? 500, reply.format ?? 'pcm');
  }
}

function sendTone(res: ServerResponse, sampleRate: number, durationMs: number, format: 'pcm' | 'wav'): void {
  const samples = toneSamples(sampleRate, durationMs);
  if (format === 'wav') res.writeHead(200, { 'content-type': 'audio/wav' }).end(pcmToWav(samples, sampleRate));
  else res.writeHead(200, { 'content-type': 'audio/pcm' }).end(samples);
}
