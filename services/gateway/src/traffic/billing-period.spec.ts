import assert from 'node:assert/strict';
import { test } from 'node:test';
import { billingPeriod } from './billing-period.js';

const at = (iso: string) => Date.parse(iso);

test('a calendar month in Shanghai: 16:00 UTC on the last day is already the next month there', () => {
  const november = billingPeriod(at('2026-11-30T15:59:59Z'), 1, 'Asia/Shanghai');
  assert.equal(november.key, '2026-11-01');
  assert.equal(november.startMs, at('2026-10-31T16:00:00Z'));
  assert.equal(november.endMs, at('2026-11-30T16:00:00Z'));
  assert.equal(billingPeriod(at('2026-11-30T16:00:00Z'), 1, 'Asia/Shanghai').key, '2026-12-01');
});

test('a billing day in the middle of the month, across a year end', () => {
  const period = billingPeriod(at('2027-01-10T12:00:00Z'), 15, 'UTC');
  assert.equal(period.key, '2026-12-15');
  assert.equal(period.startMs, at('2026-12-15T00:00:00Z'));
  assert.equal(period.endMs, at('2027-01-15T00:00:00Z'));
  assert.equal(billingPeriod(at('2027-01-15T00:00:00Z'), 15, 'UTC').key, '2027-01-15');
});

test('a zone with daylight saving: midnight is found on both sides of the change', () => {
  const period = billingPeriod(at('2026-03-20T12:00:00Z'), 1, 'America/New_York');
  assert.equal(period.key, '2026-03-01');
  assert.equal(period.startMs, at('2026-03-01T05:00:00Z'), 'EST, UTC-5');
  assert.equal(period.endMs, at('2026-04-01T04:00:00Z'), 'EDT, UTC-4');
});
