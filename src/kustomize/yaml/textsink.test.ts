import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TextSink } from './textsink.js';

test('text written in parts comes back whole: ASCII, other BMP characters and surrogate pairs', () => {
  const sink = new TextSink();
  const parts = ['apiVersion: v1\n', 'é', 'name: café 中文\n', '😀', '', 'tail'];
  for (const p of parts) sink.write(p);
  sink.write('[skip]middle[skip]', 6, 12);
  assert.is(sink.finish(), `${parts.join('')}middle`);
});

test('output larger than the buffer, and one text larger than the buffer, keep every character', () => {
  const sink = new TextSink();
  let expected = '';
  for (let i = 0; i < 20_000; i++) {
    const line = i % 7 === 0 ? `k${i}: ünïcödé 😀\n` : `key-${i}: value\n`;
    sink.write(line);
    expected += line;
  }
  // a pair at every odd offset, so some part boundary falls between its two halves
  const long = 'x😀'.repeat(200_000);
  sink.write(long);
  sink.writeSpaces(3);
  sink.writeAscii(0x0a);
  expected += `${long}   \n`;
  assert.ok(sink.finish() === expected);
});

test('a draining sink hands out the UTF-8 of the text as its buffer fills, then the rest', () => {
  const drained: Buffer[] = [];
  // a copy of each piece: the sink reuses its buffer once drain returns
  const sink = new TextSink((bytes) => drained.push(Buffer.from(bytes)));
  let expected = '';
  for (let i = 0; i < 30_000; i++) {
    const line = i % 5 === 0 ? `k${i}: ünï 中文\n` : `key-${i}: value\n`;
    sink.write(line);
    expected += line;
  }
  sink.finishBytes();
  assert.ok(drained.length > 1);
  assert.ok(Buffer.concat(drained).equals(Buffer.from(expected, 'utf8')));
});

test('a sink after a large one starts empty', () => {
  const big = new TextSink();
  big.write('y'.repeat(300_000));
  big.finish();
  const small = new TextSink();
  small.write('a: b\n');
  assert.is(small.finish(), 'a: b\n');
});

test.run();
