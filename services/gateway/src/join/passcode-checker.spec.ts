import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayConfig } from '../gateway.config.js';
import { GatewayError } from '../http/gateway-error.js';
import { PasscodeChecker } from './passcode-checker.js';

const checker = (passcode: string) => new PasscodeChecker({ GUEST_PASSCODE: passcode } as GatewayConfig);
const statusOf = (fn: () => void) => {
  try {
    fn();
    return 200;
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    return error.statusCode;
  }
};

test('an empty GUEST_PASSCODE lets everyone in', () => {
  const open = checker('');
  assert.equal(open.required, false);
  assert.equal(
    statusOf(() => open.check(undefined)),
    200,
  );
  assert.equal(
    statusOf(() => open.check('anything')),
    200,
  );
});

test('a set GUEST_PASSCODE refuses missing and wrong passcodes', () => {
  const closed = checker('芝麻开门');
  assert.equal(closed.required, true);
  assert.equal(
    statusOf(() => closed.check(undefined)),
    401,
  );
  assert.equal(
    statusOf(() => closed.check('')),
    401,
  );
  assert.equal(
    statusOf(() => closed.check('芝麻开')),
    401,
  );
  assert.equal(
    statusOf(() => closed.check('芝麻开门')),
    200,
  );
});
