import { Errors } from './gateway-error.js';
import type { HttpRequest, HttpResponse, NextFunction } from './http-types.js';

/**
 * The API only takes JSON. Without this, a form or text body would be skipped by the JSON parser and reach
 * validation as an empty body; 415 says what is actually wrong. Requests without a body (or with an empty one) pass.
 */
export function requireJson(req: HttpRequest, _res: HttpResponse, next: NextFunction): void {
  const empty = req.headers['content-length'] === '0';
  next(!empty && req.is('application/json') === false ? Errors.unsupportedMediaType() : undefined);
}
