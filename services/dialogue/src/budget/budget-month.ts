/**
 * The calendar month (`2026-11`) an instant falls in, in the owner's time zone: the budget month turns at
 * midnight on the 1st where the owner lives, not in UTC (Asia/Shanghai is 8 hours ahead).
 */
export class BudgetMonth {
  private readonly format: Intl.DateTimeFormat;

  /** Throws RangeError for a time zone the runtime does not know. */
  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit' });
  }

  of(atMs: number): string {
    let year = '';
    let month = '';
    for (const part of this.format.formatToParts(atMs)) {
      if (part.type === 'year') year = part.value;
      else if (part.type === 'month') month = part.value;
    }
    return `${year.padStart(4, '0')}-${month}`;
  }
}
