import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffMs, isRetryableNetworkError, isRetryableStatus, nextDelay, retryAfterMs } from './retry.js';

test('429, 502, 503, 504 and any 5xx with Retry-After are retried; a plain 500, 501 and 4xx are final', () => {
  for (const s of [429, 502, 503, 504]) assert.ok(isRetryableStatus(s), String(s));
  assert.ok(isRetryableStatus(500, '1'));
  for (const s of [400, 401, 403, 404, 409, 422, 500, 501]) assert.not.ok(isRetryableStatus(s), String(s));
  assert.not.ok(isRetryableStatus(422, '1'));
  assert.not.ok(isRetryableStatus(501, '1'));
});

test('dropped connections are retried; refused connections, aborts and other errors are not', () => {
  assert.ok(isRetryableNetworkError(Object.assign(new Error('request to http://x failed, reason: socket hang up'), { code: 'ECONNRESET' })));
  assert.ok(isRetryableNetworkError({ message: 'request failed, reason: socket hang up' }));
  assert.ok(isRetryableNetworkError({ errno: 'ETIMEDOUT', message: 'connect ETIMEDOUT' }));
  assert.not.ok(isRetryableNetworkError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' }));
  assert.not.ok(isRetryableNetworkError(Object.assign(new Error('aborted'), { name: 'AbortError' })));
  assert.not.ok(isRetryableNetworkError(new Error('Unrecognized API version and kind')));
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  assert.is(retryAfterMs('2'), 2000);
  assert.is(retryAfterMs(' 0 '), 0);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.is(retryAfterMs('Thu, 01 Jan 2026 00:00:03 GMT', now), 3000);
  assert.is(retryAfterMs('soon'), undefined);
  assert.is(retryAfterMs(undefined), undefined);
});

test('backoff doubles with jitter, is capped, and stops after the last attempt', () => {
  const policy = { attempts: 4, baseMs: 100, maxMs: 300 };
  assert.is(backoffMs(1, policy, () => 0.5), 100);
  assert.is(backoffMs(2, policy, () => 0.5), 200);
  assert.is(backoffMs(3, policy, () => 0.5), 300);
  assert.is(backoffMs(1, policy, () => 0), 75);
  assert.is(backoffMs(1, policy, () => 1), 125);
  assert.is(nextDelay(1, policy, 1000), 1000, 'Retry-After wins');
  assert.is(nextDelay(1, policy, 60_000), 1200, 'but is capped');
  assert.is(nextDelay(4, policy), undefined);
});

test.run();
