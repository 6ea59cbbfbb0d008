import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@dh/observability';
import { CONFIG, LOGGER } from '@dh/runtime';
import type { GatewayConfig } from '../gateway.config.js';
import type { NextFunction } from '../http/http-types.js';
import { AvatarImages } from '../page/avatar-images.js';
import { LEGACY_PUBLIC_DIR, appRoot } from './app-root.js';
import { type FileResponse, sendFile } from './file-responder.js';
import { AVATAR_IMAGE_HEADERS, LEGACY_PAGE_HEADERS, pageHeaders } from './security-headers.js';
import { isHashedName, safeRelativePath } from './static-path.js';

/** Express adds `path` (the URL path without the query) to Node's request. */
type StaticRequest = IncomingMessage & { path: string };

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Revalidated on every load (ETag): the page and anything whose name does not change with its content. */
const REVALIDATE = 'no-cache';

/**
 * GET/HEAD of everything outside /api and /ws: the built page from WEB_ROOT (or, until it is built, the
 * minimal page of `public/`), and the owner's avatar images. What is not found falls through to Nest, which
 * answers 404 in the error shape. Files are looked up per request, so a rebuild of the page needs no restart.
 */
@Injectable()
export class StaticFiles {
  readonly webRoot: string;
  private readonly htmlHeaders: Record<string, string>;

  constructor(
    @Inject(CONFIG) config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly avatar: AvatarImages,
  ) {
    this.webRoot = resolve(config.WEB_ROOT ?? join(appRoot(), 'web', 'dist'));
    this.htmlHeaders = pageHeaders(config.LIVEKIT_PUBLIC_URL);
    if (!existsSync(join(this.webRoot, 'index.html'))) {
      this.logger.warn({ webRoot: this.webRoot }, 'guest page not built: serving the minimal page until it is');
    }
  }

  readonly handle = (req: StaticRequest, res: ServerResponse, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || /^\/(api|ws)(\/|$)/.test(req.path)) return next();
    this.serve(req, res).then(
      (served) => (served ? undefined : next()),
      (error: unknown) => next(error),
    );
  };

  private async serve(req: StaticRequest, res: ServerResponse): Promise<boolean> {
    if (req.path.startsWith('/avatar/')) {
      const path = this.avatar.path(req.path.slice('/avatar/'.length));
      return path !== null && sendFile(req, res, path, { cacheControl: REVALIDATE, headers: AVATAR_IMAGE_HEADERS });
    }
    const relative = safeRelativePath(req.path);
    if (relative === null) return false;
    if (relative === '' || relative === 'index.html') return this.page(req, res);
    return sendFile(req, res, join(this.webRoot, relative), this.caching(relative));
  }

  private async page(req: StaticRequest, res: ServerResponse): Promise<boolean> {
    const page: FileResponse = { cacheControl: REVALIDATE, headers: this.htmlHeaders };
    if (await sendFile(req, res, join(this.webRoot, 'index.html'), page)) return true;
    const legacy = { cacheControl: REVALIDATE, headers: LEGACY_PAGE_HEADERS };
    return sendFile(req, res, join(LEGACY_PUBLIC_DIR, 'index.html'), legacy);
  }

  private caching(relative: string): FileResponse {
    if (relative.endsWith('.html')) return { cacheControl: REVALIDATE, headers: this.htmlHeaders };
    return { cacheControl: isHashedName(relative) ? IMMUTABLE : REVALIDATE };
  }
}
