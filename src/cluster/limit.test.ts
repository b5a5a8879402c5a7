import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mapLimit, sleep } from './limit.js';

test('mapLimit keeps input order and never runs more than the limit at once', async () => {
  let running = 0;
  let peak = 0;
  const out = await mapLimit([30, 5, 20, 1, 10, 2], 2, async (ms, i) => {
    running++;
    peak = Math.max(peak, running);
    await sleep(ms);
    running--;
    return `${i}:${ms}`;
  });
  assert.equal(out, ['0:30', '1:5', '2:20', '3:1', '4:10', '5:2']);
  assert.is(peak, 2);
  assert.equal(await mapLimit([], 4, async () => 1), []);
});

test('mapLimit rejects with the first failure', async () => {
  let caught: unknown;
  await mapLimit([1, 2], 2, async (n) => {
    if (n === 2) throw new Error('boom');
    return n;
  }).catch((e) => (caught = e));
  assert.match(String(caught), /boom/);
});

test.run();
