import type { IncomingMessage, ServerResponse } from 'node:http';

/** A route as OpenAI-compatible APIs serve it: with and without the `/v1` prefix. */
export function openAiRoutes(path: string): ReadonlySet<string> {
  return new Set([path, `/v1${path}`]);
}

/**
 * The body of a POST to one of `routes`, read whole; anything else is answered 404 here and gives undefined.
 * The body is read first either way, so that the client's request is never left half-sent.
 */
export async function readRoutedPost(
  req: IncomingMessage,
  res: ServerResponse,
  routes: ReadonlySet<string>,
): Promise<{ path: string; body: Buffer } | undefined> {
  const path = (req.url ?? '').split('?')[0] ?? '';
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (req.method !== 'POST' || !routes.has(path)) {
    sendOpenAiError(res, 404, `no route for ${req.method} ${path}`);
    return undefined;
  }
  return { path, body: Buffer.concat(chunks) };
}

/** OpenAI's error shape: `type` by status class, `code` null but for a few well-known cases. */
export function sendOpenAiError(res: ServerResponse, status: number, message?: string, retryAfterS?: number): void {
  const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
  const code = status === 401 ? 'invalid_api_key' : status === 429 ? 'rate_limit_exceeded' : null;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (retryAfterS !== undefined) headers['retry-after'] = String(retryAfterS);
  const body = { error: { message: message ?? `fake error ${status}`, type, param: null, code } };
  res.writeHead(status, headers).end(JSON.stringify(body));
}
