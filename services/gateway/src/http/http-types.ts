import type { IncomingHttpHeaders } from 'node:http';

/** The parts of Express's request the gateway reads (Express's own types are not installed). */
export interface HttpRequest {
  method: string;
  path: string;
  ip?: string;
  headers: IncomingHttpHeaders;
  /** Content-type match: the type, false when it differs, null when the request has no body. */
  is(type: string): string | false | null;
}

/** The parts of Express's response the gateway writes. */
export interface HttpResponse {
  headersSent: boolean;
  status(code: number): HttpResponse;
  setHeader(name: string, value: string): void;
  json(body: unknown): void;
  end(): void;
}

export type NextFunction = (error?: unknown) => void;
