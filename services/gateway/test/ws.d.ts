// The `ws` package (installed with @nestjs/platform-ws) ships no types: the part the tests use.
declare module 'ws' {
  import { EventEmitter } from 'node:events';

  export interface ClientOptions {
    /** false: do not answer the server's pings (a dead client, for the tests). */
    autoPong?: boolean;
    maxPayload?: number;
  }

  export default class WebSocket extends EventEmitter {
    static readonly OPEN: 1;
    static readonly CLOSED: 3;
    constructor(address: string, options?: ClientOptions);
    readonly readyState: 0 | 1 | 2 | 3;
    send(data: string | Buffer, callback?: (error?: Error) => void): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
  }
}
