import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffDelay } from './backoff.js';

test('backoffDelay: full jitter below an exponential ceiling, capped', () => {
  const opts = { baseMs: 100, capMs: 1000 };
  assert.is(backoffDelay(1, 0, opts), 0);
  assert.is(backoffDelay(1, 0.999, opts), 99);
  assert.is(backoffDelay(3, 0.5, opts), 200);
  assert.is(backoffDelay(4, 0.999, opts), 799);
  assert.is(backoffDelay(30, 0.999, opts), 999);
});

test.run();
