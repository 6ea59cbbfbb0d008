/** One entry as read from a stream: its id and the JSON string in its `event` field. */
export interface RawEntry {
  id: string;
  /** Undefined when the entry has no `event` field (malformed) or was deleted. */
  event: string | undefined;
  /** Set when the entry was trimmed or deleted while pending: Redis returns its id without fields. */
  deleted?: true;
}

/** What a handler learns about the delivery of its entry. */
export interface DeliveryInfo {
  id: string;
  /** 1 on first delivery; more after a restart or a reclaim. */
  deliveries: number;
}

type FieldList = string[];
type EntryReply = [id: string, fields: FieldList | null];

export function toRawEntries(entries: EntryReply[] | null | undefined): RawEntry[] {
  if (!entries) return [];
  return entries.map(([id, fields]): RawEntry => {
    if (!fields) return { id, event: undefined, deleted: true };
    let event: string | undefined;
    for (let i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i] === 'event') event = fields[i + 1];
    }
    return { id, event };
  });
}

/** XREADGROUP's reply: one [stream, entries] pair per stream read. */
export function firstStreamEntries(reply: unknown): RawEntry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  const first = reply[0] as [string, EntryReply[]];
  return toRawEntries(first[1]);
}
