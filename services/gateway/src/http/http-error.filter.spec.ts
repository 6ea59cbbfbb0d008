import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ArgumentsHost } from '@nestjs/common';
import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { ServiceMetrics, createLogger } from '@dh/observability';
import { Errors } from './gateway-error.js';
import { HttpErrorFilter } from './http-error.filter.js';

interface Captured {
  status?: number;
  body?: unknown;
  headers: Record<string, string>;
}

function hostFor(path: string, captured: Captured): ArgumentsHost {
  const res = {
    headersSent: false,
    status(code: number) {
      captured.status = code;
      return res;
    },
    setHeader(name: string, value: string) {
      captured.headers[name.toLowerCase()] = value;
    },
    json(body: unknown) {
      captured.body = body;
    },
    end() {},
  };
  const req = { method: 'POST', path, headers: {}, body: { name: 'Secret Name', passcode: 'hunter2' } };
  return { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ArgumentsHost;
}

function run(exception: unknown, path = '/api/join') {
  const logged: string[] = [];
  const logger = createLogger('gateway', 'info');
  logger.error = (obj: unknown, msg?: string) => void logged.push(JSON.stringify({ obj, msg }));
  const metrics = new ServiceMetrics('gateway');
  const captured: Captured = { headers: {} };
  new HttpErrorFilter(logger, metrics).catch(exception, hostFor(path, captured));
  return { captured, logged, metrics };
}

test('an unexpected error is a generic 500, logged with its stack and without the request body', () => {
  const { captured, logged } = run(new TypeError('cannot read properties of undefined'));
  assert.equal(captured.status, 500);
  assert.deepEqual(captured.body, {
    statusCode: 500,
    error: 'Internal Server Error',
    message: '服务器内部错误 / internal server error',
  });
  assert.equal(logged.length, 1);
  assert.match(logged[0]!, /cannot read properties/);
  assert.doesNotMatch(logged[0]!, /Secret Name|hunter2/);
});

test('named errors keep their status and message, with Retry-After where it helps', () => {
  const { captured } = run(Errors.rateLimited(42));
  assert.equal(captured.status, 429);
  assert.equal(captured.headers['retry-after'], '42');
  assert.equal(captured.headers['cache-control'], 'no-store');
  assert.deepEqual(captured.body, {
    statusCode: 429,
    error: 'Too Many Requests',
    message: '加入太频繁，请稍后再试 / too many joins, try again later',
  });
});

test("Nest's and body-parser's own errors get the same shape", async () => {
  assert.equal(run(new NotFoundException('Cannot GET /x'), '/x').captured.status, 404);
  assert.equal(run(new PayloadTooLargeException()).captured.status, 413);
  const parseError = Object.assign(new SyntaxError('Unexpected token'), { status: 400, type: 'entity.parse.failed' });
  const { captured, metrics } = run(parseError);
  assert.equal(captured.status, 400);
  assert.equal((captured.body as { message: string }).message, '请求体不是有效的 JSON / the body is not valid JSON');
  const text = await metrics.registry.metrics();
  assert.match(text, /dh_joins_total\{result="invalid",service="gateway"\} 1/);
});
