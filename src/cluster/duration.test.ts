import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatAge, parseDuration } from './duration.js';

test('durations in Go syntax plus days', () => {
  assert.is(parseDuration('72h', '--max-age'), 72 * 3_600_000);
  assert.is(parseDuration('1h30m', '--x'), 90 * 60_000);
  assert.is(parseDuration('90s', '--x'), 90_000);
  assert.is(parseDuration('250ms', '--x'), 250);
  assert.is(parseDuration('7d', '--x'), 7 * 86_400_000);
  assert.is(parseDuration('1.5s', '--x'), 1500);
  assert.is(parseDuration('0', '--x'), 0);
  for (const bad of ['', '72', 'h', '3 days', '5m!']) assert.throws(() => parseDuration(bad, '--max-age'), /--max-age: invalid duration/);
});

test('ages show the two largest units', () => {
  assert.is(formatAge(42_000), '42s');
  assert.is(formatAge(5 * 60_000 + 3000), '5m');
  assert.is(formatAge(3 * 3_600_000 + 12 * 60_000), '3h12m');
  assert.is(formatAge(2 * 86_400_000 + 5 * 3_600_000), '2d5h');
  assert.is(formatAge(-5), '0s');
});

test.run();
