import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { VARIANTS, acceptedEncodings } from './accept-encoding.js';
import { contentType, isCompressible } from './content-types.js';

export interface FileResponse {
  cacheControl: string;
  /** Extra headers, e.g. the page's security policy. */
  headers?: Record<string, string>;
}

interface Found {
  path: string;
  size: number;
  mtimeMs: number;
  encoding?: string;
}

async function regularFile(path: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? { size: info.size, mtimeMs: info.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

/** The file, or its pre-compressed `.br`/`.gz` twin when the client takes that encoding and it exists. */
async function pick(
  path: string,
  acceptEncoding: string | undefined,
  compressible: boolean,
): Promise<Found | undefined> {
  const original = await regularFile(path);
  if (!original) return undefined;
  if (compressible) {
    const accepted = acceptedEncodings(acceptEncoding);
    for (const { encoding, suffix } of VARIANTS) {
      if (!accepted.has(encoding)) continue;
      const variant = await regularFile(path + suffix);
      if (variant) return { path: path + suffix, ...variant, encoding };
    }
  }
  return { path, ...original };
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const weak = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || weak(tag) === weak(etag));
}

/**
 * Sends one file for GET/HEAD with its type, caching and validator; returns false when there is no such
 * regular file (the caller answers 404). Files are streamed, never held in memory.
 */
export async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  options: FileResponse,
): Promise<boolean> {
  const type = contentType(path);
  const compressible = isCompressible(type);
  const found = await pick(path, req.headers['accept-encoding'], compressible);
  if (!found) return false;
  const etag = `W/"${found.size.toString(36)}-${Math.floor(found.mtimeMs).toString(36)}${found.encoding ? `-${found.encoding}` : ''}"`;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', options.cacheControl);
  res.setHeader('ETag', etag);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (compressible) res.setHeader('Vary', 'Accept-Encoding');
  for (const [name, value] of Object.entries(options.headers ?? {})) res.setHeader(name, value);
  if (matches(req.headers['if-none-match'], etag)) {
    res.statusCode = 304;
    res.end();
    return true;
  }
  if (found.encoding) res.setHeader('Content-Encoding', found.encoding);
  res.setHeader('Content-Length', String(found.size));
  res.statusCode = 200;
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(found.path);
    // Headers are out already: a read error can only cut the response short.
    stream.once('error', () => {
      res.destroy();
      resolve();
    });
    res.once('close', () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
  return true;
}
