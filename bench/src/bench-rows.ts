// From the scenarios' results to the table's rows. Budgets: text p95 80 ms at 10 guests, RSS 100 MB per
// service (media 160 MB), avatar egress 40 kbit/s per guest while speaking, barge-in < 500 ms (issue #4).
import type {
  BenchResult,
  CapacityResult,
  OneGuestResult,
  PeerResult,
  Peaks,
  TenGuestsResult,
} from './bench-result.js';
import type { Row } from './bench-table.js';
import type { Spread } from './stats.js';

export type Results = Partial<Record<string, BenchResult>>;

const SERVICES = ['gateway', 'dialogue', 'tts', 'media'] as const;
const PROCESSES = [...SERVICES, 'livekit', 'redis'] as const;
const RSS_BUDGET_MB: Record<string, number> = { gateway: 100, dialogue: 100, tts: 100, media: 160 };
/** The limit for the capacity ramp. */
export const CAPACITY_P95_MS = 150;

const n = (x: number | null | undefined): number | null => (typeof x === 'number' ? x : null);

/**
 * The p50 and p95 rows of a series in ms. `peer`: undefined when the peer has no counterpart, null when it has
 * one that was not measured. `p95Budget` applies to the p95 row.
 */
function percentileRows(
  what: string,
  load: string,
  ours: Spread | undefined,
  peer?: Spread | null,
  p95Budget?: number,
): Row[] {
  return (['p50', 'p95'] as const).map((p) => ({
    name: `${what} ${p}, ${load}`,
    value: n(ours?.[p]),
    unit: 'ms',
    ...(peer === undefined ? {} : { peer: n(peer?.[p]) }),
    ...(p === 'p95' && p95Budget !== undefined ? { budget: p95Budget } : {}),
  }));
}

/** The sum of what was measured; null when nothing was. */
function sumOf(values: (number | undefined)[]): number | null {
  const known = values.filter((v): v is number => typeof v === 'number');
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

function pick<T extends BenchResult>(results: Results, id: string, scenario: T['scenario']): T | undefined {
  const result = results[id];
  return result?.scenario === scenario ? (result as T) : undefined;
}

/** In QUICK mode the ramp is not run: the 10-guest typing phase is its first step. */
function served(capacity: CapacityResult | undefined, ten: TenGuestsResult | undefined): number | null {
  if (capacity) return capacity.served;
  const p95 = n(ten?.text.overheadMs.p95);
  return p95 === null ? null : p95 < CAPACITY_P95_MS ? (ten?.guests ?? 10) : 0;
}

export function benchRows(results: Results): Row[] {
  const one = pick<OneGuestResult>(results, 'one-guest', 'one-guest');
  const ten = pick<TenGuestsResult>(results, 'ten-guests', 'ten-guests');
  const capacity = pick<CapacityResult>(results, 'capacity', 'capacity');
  const peer1 = pick<PeerResult>(results, 'peer-1', 'peer');
  const peer10 = pick<PeerResult>(results, 'peer-10', 'peer');
  const rss = (peaks: Peaks | undefined, name: string) => n(peaks?.[name]);
  const rows: Row[] = [
    ...percentileRows('text turn overhead', '1 guest', one?.text.overheadMs, peer1 ? peer1.text.overheadMs : null),
    ...percentileRows(
      'text turn overhead',
      '10 guests',
      ten?.text.overheadMs,
      peer10 ? peer10.text.overheadMs : null,
      80,
    ),
    ...percentileRows('voice turn overhead', '10 guests', ten?.voice.overheadMs),
    ...percentileRows('barge-in: speech onset → avatar silent', '10 guests', ten?.bargeInMs, undefined, 500),
  ];
  for (const name of PROCESSES)
    rows.push({ name: `RSS ${name}, 0 guests`, value: rss(ten?.idleRss, name), unit: 'MB' });
  rows.push(
    { name: 'RSS total, 0 guests', value: rss(ten?.idleRss, 'total'), unit: 'MB', peer: rss(peer1?.idleRss, 'total') },
    { name: 'RSS total, 1 guest (peak)', value: rss(one?.rss, 'total'), unit: 'MB', peer: rss(peer1?.rss, 'total') },
  );
  for (const name of PROCESSES) {
    const budget = RSS_BUDGET_MB[name];
    rows.push({
      name: `RSS ${name}, 10 guests talking (peak)`,
      value: rss(ten?.talkingRss, name),
      unit: 'MB',
      ...(budget ? { budget } : {}),
    });
  }
  rows.push(
    {
      name: 'RSS total, 10 guests typing (peak)',
      value: rss(ten?.textRss, 'total'),
      unit: 'MB',
      peer: rss(peer10?.rss, 'total'),
    },
    { name: 'RSS total, 10 guests talking (peak)', value: rss(ten?.talkingRss, 'total'), unit: 'MB' },
  );
  for (const name of PROCESSES)
    rows.push({ name: `CPU ${name}, 10 guests typing`, value: n(ten?.textCpu[name]), unit: '% core' });
  rows.push(
    { name: 'CPU guest clients (the bench), 10 guests typing', value: n(ten?.textCpu.guests), unit: '% core' },
    { name: 'CPU media, 10 guests speaking', value: n(ten?.voice.mediaCpu), unit: '% core' },
    { name: 'CPU VAD model (in media), 10 guests speaking', value: n(ten?.voice.vadCpu), unit: '% core' },
    { name: 'CPU guest clients (the bench), 10 guests speaking', value: n(ten?.voice.guestsCpu), unit: '% core' },
    {
      name: 'avatar egress per guest while speaking (UDP payload, p50)',
      value: n(ten?.egress.payloadKbps.p50),
      unit: 'kbit/s',
      budget: 40,
    },
    {
      name: 'avatar egress per guest while speaking (+ IPv4/UDP, p50)',
      value: n(ten?.egress.wireKbps.p50),
      unit: 'kbit/s',
    },
    {
      name: 'avatar egress per guest, 10 guests typing (LiveKit avg)',
      value: n(ten?.egress.liveKitAvgKbps),
      unit: 'kbit/s',
    },
    {
      name: `most guests with text overhead p95 < ${CAPACITY_P95_MS} ms`,
      value: served(capacity, ten),
      unit: 'guests',
    },
    {
      name: 'unanswered turns (text, voice, barge-in; capacity ramp aside)',
      value: sumOf([one?.text.failed, ten?.text.failed, ten?.voice.failed, ten?.bargeInsFailed]),
      unit: 'turns',
      peer: sumOf([peer1?.text.failed, peer10?.text.failed]),
    },
  );
  return rows;
}
