import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Logger, ServiceMetrics } from '@dh/observability';
import { LOGGER, METRICS } from '@dh/runtime';
import { UNAVAILABLE_REASON_HEADER } from '@dh/contracts';
import { Errors, GatewayError } from './gateway-error.js';
import type { HttpRequest, HttpResponse } from './http-types.js';

/** body-parser (http-errors) marks what went wrong in `type`. */
function bodyParserError(error: unknown): GatewayError | undefined {
  const type = (error as { type?: unknown } | null)?.type;
  switch (type) {
    case 'entity.parse.failed':
      return Errors.brokenJson();
    case 'entity.too.large':
      return Errors.bodyTooLarge();
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return Errors.unsupportedMediaType();
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
      return Errors.invalidBody(['请求体无效 / invalid body']);
    default:
      return undefined;
  }
}

/** Anything Nest or Express raised on its own (404 for unknown routes, body-parser errors, bad URLs). */
function fromHttpException(exception: HttpException): GatewayError {
  const status = exception.getStatus();
  const known = bodyParserError(exception.cause);
  if (known) return known;
  if (status === 404) return Errors.notFound();
  if (status === 413) return Errors.bodyTooLarge();
  if (status === 415) return Errors.unsupportedMediaType();
  if (status >= 400 && status < 500) return new GatewayError(status, '请求无效 / invalid request', 'invalid');
  return Errors.internal();
}

/**
 * The one exception filter: every error leaves as `{statusCode, error, message}` (contract section 2), never
 * with a stack trace. Unexpected errors are logged (without the request body) and answered with a generic 500.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<HttpRequest>();
    const res = http.getResponse<HttpResponse>();
    const error = this.toGatewayError(exception, req);
    // JoinService counts its own outcomes; bodies refused before reaching it are counted here.
    if (error.result === 'invalid' && req.method === 'POST' && req.path === '/api/join') {
      this.metrics.joins.inc({ result: 'invalid' });
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    if (error.retryAfterS !== undefined) res.setHeader('Retry-After', String(error.retryAfterS));
    // Why a 503, for the page to tell the guest (all places taken, bandwidth full, not ready); the body keeps
    // the contract's shape.
    if (error.statusCode === 503) res.setHeader(UNAVAILABLE_REASON_HEADER, error.result);
    res.status(error.statusCode).json({ statusCode: error.statusCode, error: error.error, message: error.userMessage });
  }

  private toGatewayError(exception: unknown, req: HttpRequest): GatewayError {
    if (exception instanceof GatewayError) return exception;
    if (exception instanceof HttpException) {
      const mapped = fromHttpException(exception);
      if (mapped.statusCode < 500) return mapped;
    }
    const known = bodyParserError(exception);
    if (known) return known;
    const err = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
    this.logger.error({ err, method: req.method, path: req.path }, 'unexpected error');
    return Errors.internal();
  }
}
