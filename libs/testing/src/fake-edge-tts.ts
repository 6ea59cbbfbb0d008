import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { ScriptedFake } from './scripted-fake.js';

/** One connection as received: its handshake, then the two text messages the client sends. */
export interface FakeEdgeRequest {
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The `speech.config` body, parsed; null until it arrives or when it is not JSON. */
  speechConfig: Record<string, unknown> | null;
  /** `context.synthesis.audio.outputFormat` of the speech.config message. */
  outputFormat: string | undefined;
  /** The whole `ssml` message body, and what it says. */
  ssml: string | undefined;
  voice: string | undefined;
  /** The text inside `<prosody>`, XML entities decoded. */
  text: string | undefined;
  at: number;
}

/**
 * `audio` streams `bytes` (default TONE_MP3: 1 s of a 440 Hz tone, 24 kHz mono MP3 at 48 kbit/s, as the service
 * sends `audio-24khz-48kbitrate-mono-mp3`) cut into `frames` binary messages (default 4) with that `contentType`
 * (default `audio/mpeg`), then `turn.end`; `reject` refuses the handshake with that HTTP status; `hang` accepts
 * and never answers; `close` closes the socket after the SSML without `turn.end`; `noAudio` ends the turn
 * without audio. `delayMs` holds the answer back.
 */
export type FakeEdgeReply =
  | { audio: true; bytes?: Buffer; frames?: number; contentType?: string; delayMs?: number }
  | { reject: number }
  | { hang: true }
  | { close: true }
  | { noAudio: true };

export type FakeEdgeReplyBuilder = (request: FakeEdgeRequest) => FakeEdgeReply;

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const defaultReply: FakeEdgeReplyBuilder = () => ({ audio: true });

/**
 * A local stand-in for Microsoft Edge's read-aloud WebSocket service on 127.0.0.1 (port 0), with a WebSocket
 * server of its own (RFC 6455, text and binary, no extensions) so the fake shares no code with the client it
 * tests. Replies come from a FIFO of scripts, else from the default builder.
 */
export class FakeEdgeTts extends ScriptedFake<FakeEdgeRequest, FakeEdgeReply> {
  constructor() {
    super(defaultReply);
  }

  /** The endpoint as the engine takes it (TTS_EDGE_URL): the query is the engine's to add. */
  get url(): string {
    return `ws://127.0.0.1:${this.http.port}/consumer/speech/synthesize/readaloud/edge/v1`;
  }

  /** Plain HTTP gets 426: this service only speaks WebSocket. */
  protected async onRequest(_req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.writeHead(426, { connection: 'close' }).end();
  }

  protected override onUpgrade(req: IncomingMessage, socket: Duplex): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const request: FakeEdgeRequest = {
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      speechConfig: null,
      outputFormat: undefined,
      ssml: undefined,
      voice: undefined,
      text: undefined,
      at: Date.now(),
    };
    this.requests.push(request);
    const reply = this.nextReply(request);
    const key = req.headers['sec-websocket-key'];
    if ('reject' in reply || typeof key !== 'string') {
      const status = 'reject' in reply ? reply.reject : 400;
      socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const accept = createHash('sha1').update(`${key}${WS_GUID}`).digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const connection = new FrameReader(socket);
    connection.onMessage = (opcode, payload) => {
      if (opcode === OPCODE_CLOSE) return void socket.end(frame(OPCODE_CLOSE, payload.subarray(0, 2)));
      if (opcode === OPCODE_PING) return void socket.write(frame(OPCODE_PONG, payload));
      if (opcode !== OPCODE_TEXT) return;
      const message = payload.toString('utf8');
      const end = message.indexOf('\r\n\r\n');
      const head = end < 0 ? message : message.slice(0, end);
      const body = end < 0 ? '' : message.slice(end + 4);
      const path = /^Path:(.*)$/im.exec(head)?.[1]?.trim();
      if (path === 'speech.config') {
        readSpeechConfig(request, body);
      } else if (path === 'ssml') {
        readSsml(request, body);
        this.answer(socket, reply);
      }
    };
  }

  private answer(socket: Duplex, reply: Exclude<FakeEdgeReply, { reject: number }>): void {
    if ('hang' in reply) return; // open until the client gives up or stop()
    if ('close' in reply) return void socket.end(frame(OPCODE_CLOSE, closePayload(1011)));
    const requestId = randomUUID().replaceAll('-', '');
    const text = (path: string, body: string) =>
      frame(OPCODE_TEXT, Buffer.from(`X-RequestId:${requestId}\r\nPath:${path}\r\n\r\n${body}`));
    const send = () => {
      if (socket.destroyed) return;
      socket.write(text('turn.start', '{"context":{"serviceTag":"fake"}}'));
      socket.write(text('response', '{"context":{"serviceTag":"fake"},"audio":{"type":"inline"}}'));
      if ('audio' in reply) {
        const bytes = reply.bytes ?? toneMp3();
        const frames = Math.max(1, reply.frames ?? 4);
        // Cut anywhere, as the service cuts its stream without regard to MP3 frame boundaries.
        const step = Math.ceil(bytes.length / frames);
        for (let at = 0; at < bytes.length; at += step)
          socket.write(audioFrame(requestId, reply.contentType ?? 'audio/mpeg', bytes.subarray(at, at + step)));
        // The service ends the stream with an empty audio message without a content type.
        socket.write(audioFrame(requestId, undefined, Buffer.alloc(0)));
      }
      socket.write(text('turn.end', '{}'));
    };
    const delayMs = 'audio' in reply ? (reply.delayMs ?? 0) : 0;
    if (delayMs > 0) this.http.later(send, delayMs);
    else send();
  }
}

/** The testing package's own folder, from src/ or dist/src/ alike: the nearest one with a package.json. */
function packageRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package root of @dh/testing not found');
    dir = parent;
  }
  return dir;
}

let toneMp3Cache: Buffer | undefined;

/**
 * fixtures/tone-24k-mono.mp3: 1 s of a 440 Hz sine (amplitude 10 000 of 32 767) encoded with
 * `lame -r -s 24 -m m --bitwidth 16 --signed --little-endian -b 48 --cbr -t` (LAME 3.100, no Xing/LAME tag,
 * like the service's stream): 44 MPEG-2 layer III frames, 25 344 samples decoded with the encoder's delay.
 */
export function toneMp3(): Buffer {
  toneMp3Cache ??= readFileSync(join(packageRoot(), 'fixtures', 'tone-24k-mono.mp3'));
  return toneMp3Cache;
}

function readSpeechConfig(request: FakeEdgeRequest, body: string): void {
  try {
    request.speechConfig = JSON.parse(body) as Record<string, unknown>;
  } catch {
    request.speechConfig = null;
  }
  const audio = (request.speechConfig as { context?: { synthesis?: { audio?: { outputFormat?: unknown } } } } | null)
    ?.context?.synthesis?.audio;
  request.outputFormat = typeof audio?.outputFormat === 'string' ? audio.outputFormat : undefined;
}

function readSsml(request: FakeEdgeRequest, body: string): void {
  request.ssml = body;
  request.voice = /<voice\s+name='([^']*)'/.exec(body)?.[1];
  const inner = /<prosody[^>]*>([\s\S]*)<\/prosody>/.exec(body)?.[1];
  request.text = inner
    ?.replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function audioFrame(requestId: string, contentType: string | undefined, data: Buffer): Buffer {
  const headers = `X-RequestId:${requestId}\r\n${contentType ? `Content-Type:${contentType}\r\n` : ''}Path:audio\r\n`;
  const head = Buffer.from(headers, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(head.length, 0);
  return frame(OPCODE_BINARY, Buffer.concat([length, head, data]));
}

const OPCODE_CONTINUATION = 0x0;
const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;

function closePayload(code: number): Buffer {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(code, 0);
  return payload;
}

/** One unmasked, unfragmented frame: servers never mask. */
function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const head = length < 126 ? Buffer.alloc(2) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = 0x80 | opcode;
  if (length < 126) head[1] = length;
  else if (length < 65_536) {
    head[1] = 126;
    head.writeUInt16BE(length, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([head, payload]);
}

/** Reassembles the client's masked (and possibly fragmented) frames into messages. */
class FrameReader {
  onMessage: (opcode: number, payload: Buffer) => void = () => undefined;
  private buffered = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;

  constructor(socket: Duplex) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.drain();
    });
    socket.on('error', () => undefined);
  }

  private drain(): void {
    for (;;) {
      const data = this.buffered;
      if (data.length < 2) return;
      const fin = (data[0]! & 0x80) !== 0;
      const opcode = data[0]! & 0x0f;
      const masked = (data[1]! & 0x80) !== 0;
      let length = data[1]! & 0x7f;
      let at = 2;
      if (length === 126) {
        if (data.length < 4) return;
        length = data.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (data.length < 10) return;
        length = Number(data.readBigUInt64BE(2));
        at = 10;
      }
      const maskAt = at;
      if (masked) at += 4;
      if (data.length < at + length) return;
      const payload = Buffer.from(data.subarray(at, at + length));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= data[maskAt + (i % 4)]!;
      this.buffered = data.subarray(at + length);
      if (opcode >= 0x8) this.onMessage(opcode, payload);
      else {
        if (opcode !== OPCODE_CONTINUATION) this.fragmentOpcode = opcode;
        this.fragments.push(payload);
        if (fin) {
          const message = Buffer.concat(this.fragments);
          this.fragments = [];
          this.onMessage(this.fragmentOpcode, message);
        }
      }
    }
  }
}
