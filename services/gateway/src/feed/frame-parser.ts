import { FRAME_MAX_BYTES, type FeedError, FeedErrors, TOKEN_MAX_CHARS } from './feed-protocol.js';

/** What the WsAdapter hands to the gateway's handlers: the `event` picks the @SubscribeMessage handler. */
export type ParsedFrame =
  | { event: 'hello'; data: { token: string } }
  | { event: 'say'; data: { text: string } }
  | { event: 'invalid'; data: FeedError };

const invalid = (error: FeedError): ParsedFrame => ({ event: 'invalid', data: error });

/**
 * The WsAdapter's message parser. Its default one drops what it cannot parse without a word; this one turns
 * every frame into an event, bad ones included, so that each gets its answer (`bad_request`, `too_large`).
 * `data` is a string for text frames and a Buffer for binary ones (ws's MessageEvent).
 */
export function parseFeedFrame(data: unknown): ParsedFrame {
  if (typeof data !== 'string') return invalid(FeedErrors.notText);
  if (Buffer.byteLength(data, 'utf8') > FRAME_MAX_BYTES) return invalid(FeedErrors.tooLarge);
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return invalid(FeedErrors.notJson);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid(FeedErrors.notAMessage);
  const frame = value as Record<string, unknown>;
  switch (frame.type) {
    case 'hello':
      // A hello without a usable token can never be accepted: it is answered like a bad token.
      return {
        event: 'hello',
        data: { token: typeof frame.token === 'string' && frame.token.length <= TOKEN_MAX_CHARS ? frame.token : '' },
      };
    case 'say':
      return typeof frame.text === 'string'
        ? { event: 'say', data: { text: frame.text } }
        : invalid(FeedErrors.sayWithoutText);
    default:
      return invalid(typeof frame.type === 'string' ? FeedErrors.unknownType : FeedErrors.notAMessage);
  }
}
