import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Controller, Get, Header } from '@nestjs/common';

/** `public/` of this package: dist/src/page -> the package root, whatever the working directory. */
export const PUBLIC_DIR = resolve(import.meta.dirname, '../../../public');

/**
 * Everything the page needs is inline, so it may run inline scripts and styles and talk to this origin, and
 * nothing else (no CDN, no fonts: guests in mainland China must not wait on blocked hosts).
 */
const PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** `GET /`: a minimal guest page until the guest-page issue ships the real one. */
@Controller()
export class PageController {
  // Read once at start: a few kilobytes, and a missing file stops the service instead of failing per request.
  private readonly html = readFileSync(resolve(PUBLIC_DIR, 'index.html'), 'utf8');

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('Content-Security-Policy', PAGE_POLICY)
  @Header('X-Content-Type-Options', 'nosniff')
  page(): string {
    return this.html;
  }
}
