import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { openAiRoutes, readRoutedPost, sendOpenAiError as sendError } from './openai-http.js';
import { ScriptedFake } from './scripted-fake.js';

/** The uploaded audio as the fake read it from the WAV header and data chunk (16-bit PCM only). */
export interface FakeSttWav {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Interleaved when there is more than one channel. */
  samples: Int16Array;
  durationMs: number;
}

/** One request as received. */
export interface FakeSttRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The form's text fields: model, language, response_format, ... */
  fields: Record<string, string>;
  /** The form's file part, whatever it holds. */
  file: { field: string; filename: string | undefined; contentType: string | undefined; bytes: number } | null;
  /** null when there is no file part or it is not 16-bit PCM WAV. */
  wav: FakeSttWav | null;
  at: number;
}

/**
 * A string is the transcript (200 `{"text": ...}`); `error` answers that status with OpenAI's error body
 * (`retryAfterS` adds Retry-After); `delayMs` answers late; `hang` never answers; `raw` is a 200 with that body.
 */
export type FakeSttReply =
  | string
  | { error: number; message?: string; retryAfterS?: number }
  | { delayMs: number; text: string }
  | { hang: true }
  | { raw: string };

export type FakeSttReplyBuilder = (request: FakeSttRequest) => FakeSttReply;

const ROUTES = openAiRoutes('/audio/transcriptions');
const defaultReply: FakeSttReplyBuilder = () => '你好';

/**
 * A local stand-in for OpenAI's speech-to-text API on 127.0.0.1 (port 0): `POST /v1/audio/transcriptions`
 * (and without `/v1`) taking a multipart form with the audio file, answering JSON. Replies come from a FIFO of
 * scripts, else from the default builder, which sees the recorded request and so can answer by the audio.
 */
export class FakeStt extends ScriptedFake<FakeSttRequest, FakeSttReply> {
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
    const parts = parseMultipart(post.body, req.headers['content-type']);
    if (!parts) return sendError(res, 400, 'request body is not multipart/form-data');
    const filePart = parts.find((p) => p.filename !== undefined);
    const request: FakeSttRequest = {
      path,
      headers: req.headers,
      fields: Object.fromEntries(parts.filter((p) => p !== filePart).map((p) => [p.name, p.body.toString('utf8')])),
      file: filePart
        ? { field: filePart.name, filename: filePart.filename, contentType: filePart.type, bytes: filePart.body.length }
        : null,
      wav: filePart ? readWav(filePart.body) : null,
      at: Date.now(),
    };
    this.requests.push(request);
    if (request.file?.field !== 'file') return sendError(res, 400, "'file' is a required property");
    if (!request.fields.model) return sendError(res, 400, 'you must provide a model parameter');

    const reply = this.nextReply(request);
    if (typeof reply === 'string') return sendText(res, reply, request);
    if ('hang' in reply) return; // the socket stays open until the client gives up or stop()
    if ('error' in reply) return sendError(res, reply.error, reply.message, reply.retryAfterS);
    if ('raw' in reply) return void res.writeHead(200, { 'content-type': 'application/json' }).end(reply.raw);
    this.http.later(() => {
      if (!res.destroyed) sendText(res, reply.text, request);
    }, reply.delayMs);
  }
}

/** Like whisper-1's `json` format: the text, and a usage block a client must be ready to ignore. */
function sendText(res: ServerResponse, text: string, request: FakeSttRequest): void {
  const seconds = Math.ceil((request.wav?.durationMs ?? 0) / 1000);
  const body = JSON.stringify({ text, usage: { type: 'duration', seconds } });
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
}

interface Part {
  name: string;
  filename: string | undefined;
  type: string | undefined;
  body: Buffer;
}

/** RFC 7578: parts between `--boundary` lines, each with its headers, a blank line and its bytes. */
function parseMultipart(body: Buffer, contentType: string | undefined): Part[] | null {
  const match = /^multipart\/form-data;.*\bboundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) return null;
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const next = Buffer.from(`\r\n--${boundary}`, 'latin1');
  const parts: Part[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) return null; // a preamble before the first boundary is allowed, and ignored
  for (;;) {
    const after = body.toString('latin1', at + delimiter.length, at + delimiter.length + 2);
    if (after === '--') return parts;
    if (after !== '\r\n') return null;
    const headStart = at + delimiter.length + 2;
    const headEnd = body.indexOf('\r\n\r\n', headStart);
    const end = headEnd < 0 ? -1 : body.indexOf(next, headEnd + 4);
    if (end < 0) return null;
    const head = body.toString('utf8', headStart, headEnd);
    const disposition = /^content-disposition:(.*)$/im.exec(head)?.[1] ?? '';
    const type = /^content-type:\s*(.*?)\s*$/im.exec(head)?.[1];
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) return null;
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    parts.push({ name, filename, type, body: body.subarray(headEnd + 4, end) });
    at = end + 2;
  }
}

/** Walks the RIFF chunks for `fmt ` and `data`; null for anything but 16-bit PCM. */
function readWav(file: Buffer): FakeSttWav | null {
  if (file.length < 12 || file.toString('latin1', 0, 4) !== 'RIFF' || file.toString('latin1', 8, 12) !== 'WAVE')
    return null;
  let fmt: { format: number; channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  for (let at = 12; at + 8 <= file.length;) {
    const id = file.toString('latin1', at, at + 4);
    const size = file.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ' && size >= 16 && body + 16 <= file.length) {
      fmt = {
        format: file.readUInt16LE(body),
        channels: file.readUInt16LE(body + 2),
        sampleRate: file.readUInt32LE(body + 4),
        bitsPerSample: file.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt || fmt.format !== 1 || fmt.bitsPerSample !== 16 || fmt.channels < 1 || fmt.sampleRate < 1) return null;
      const bytes = Math.min(size, file.length - body);
      const samples = new Int16Array(Math.floor(bytes / 2));
      for (let i = 0; i < samples.length; i++) samples[i] = file.readInt16LE(body + i * 2);
      const { channels, sampleRate, bitsPerSample } = fmt;
      const durationMs = (samples.length / channels / sampleRate) * 1000;
      return { sampleRate, channels, bitsPerSample, samples, durationMs };
    }
    at = body + size + (size % 2); // chunks are padded to an even length
  }
  return null;
}
