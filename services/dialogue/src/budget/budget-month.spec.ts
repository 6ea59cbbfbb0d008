import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BudgetMonth } from './budget-month.js';

const at = (iso: string) => Date.parse(iso);

describe('BudgetMonth', () => {
  test('in Asia/Shanghai (UTC+8) the month turns at 16:00 UTC on the last day', () => {
    const shanghai = new BudgetMonth('Asia/Shanghai');
    assert.equal(shanghai.of(at('2026-11-30T15:59:59.999Z')), '2026-11');
    assert.equal(shanghai.of(at('2026-11-30T16:00:00Z')), '2026-12');
    // Still November in UTC, already December for the owner.
    assert.equal(shanghai.of(at('2026-11-30T16:30:00Z')), '2026-12');
    assert.equal(new BudgetMonth('UTC').of(at('2026-11-30T16:30:00Z')), '2026-11');
  });

  test('the year turns with the month', () => {
    assert.equal(new BudgetMonth('Asia/Shanghai').of(at('2026-12-31T16:00:00Z')), '2027-01');
    assert.equal(new BudgetMonth('UTC').of(at('2026-12-31T23:59:59Z')), '2026-12');
  });

  test('west of UTC the month turns later, with daylight saving time', () => {
    const la = new BudgetMonth('America/Los_Angeles');
    // 1 November 2026 is still daylight saving (PDT, UTC-7) until 09:00 UTC; midnight PDT is 07:00 UTC.
    assert.equal(la.of(at('2026-11-01T06:59:59Z')), '2026-10');
    assert.equal(la.of(at('2026-11-01T07:00:00Z')), '2026-11');
    // 1 December is standard time (PST, UTC-8).
    assert.equal(la.of(at('2026-12-01T07:59:59Z')), '2026-11');
    assert.equal(la.of(at('2026-12-01T08:00:00Z')), '2026-12');
  });

  test('months are two digits, so keys sort and read alike', () => {
    assert.equal(new BudgetMonth('UTC').of(at('2027-03-15T12:00:00Z')), '2027-03');
  });

  test('an unknown time zone is refused at once', () => {
    assert.throws(() => new BudgetMonth('Mars/Olympus_Mons'), RangeError);
  });
});
