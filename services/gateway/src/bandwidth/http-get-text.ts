import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * GET a URL's body as text with node:http. Not `fetch`: loading undici costs the gateway about 10 MB of RSS
 * (measured), for one small request every few seconds.
 */
export function httpGetText(url: string, timeoutMs: number): Promise<string> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        if (res.statusCode === 200) resolve(Buffer.concat(chunks).toString('utf8'));
        else reject(new Error(`GET ${url} answered ${res.statusCode}`));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
