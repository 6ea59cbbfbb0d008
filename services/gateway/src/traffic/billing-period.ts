/** One billing month: from `billingDay` 00:00 in the owner's time zone to the same day of the next month. */
export interface BillingPeriod {
  /** Its first day, `YYYY-MM-DD` (the Redis key suffix). */
  key: string;
  startMs: number;
  endMs: number;
}

interface LocalDate {
  year: number;
  month: number; // 1-12
  day: number;
}

function localDate(atMs: number, timeZone: string): LocalDate & { hour: number; minute: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(atMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** The instant local midnight starts `date` in `timeZone` (time zones with DST are handled by two passes). */
function midnight(date: LocalDate, timeZone: string): number {
  const wanted = Date.UTC(date.year, date.month - 1, date.day);
  let guess = wanted;
  for (let pass = 0; pass < 2; pass += 1) {
    const seen = localDate(guess, timeZone);
    const seenAsUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute, seen.second);
    guess += wanted - seenAsUtc;
  }
  return guess;
}

const addMonths = (date: LocalDate, months: number): LocalDate => {
  const index = date.year * 12 + (date.month - 1) + months;
  return { year: Math.floor(index / 12), month: (index % 12) + 1, day: date.day };
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The billing period holding `atMs`. `billingDay` is 1-28, so every month has it. */
export function billingPeriod(atMs: number, billingDay: number, timeZone: string): BillingPeriod {
  const today = localDate(atMs, timeZone);
  let start: LocalDate = { year: today.year, month: today.month, day: billingDay };
  if (today.day < billingDay) start = addMonths(start, -1);
  const startMs = midnight(start, timeZone);
  return {
    key: `${pad(start.year, 4)}-${pad(start.month)}-${pad(start.day)}`,
    startMs,
    endMs: midnight(addMonths(start, 1), timeZone),
  };
}
