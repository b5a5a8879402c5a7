import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KtsError, UsageError, EXIT_USAGE } from './errors.js';

test('toLine names file, line and field when known', () => {
  const e = new KtsError('bad-field', 'unknown field', { file: 'a/kustomization.yaml', line: 3, field: 'resourcez' });
  assert.is(e.toLine(), 'a/kustomization.yaml:3: resourcez: unknown field');
  assert.is(new KtsError('x', 'just this').toLine(), 'just this');
});

test('toLine is one line whatever the message holds', () => {
  assert.is(new KtsError('x', 'bad patch:\n  a: 1\r\nb', { file: 'k.yaml' }).toLine(), 'k.yaml: bad patch: a: 1 b');
});

test('usage errors exit with 2', () => {
  assert.is(new UsageError('missing DIR').exitCode, EXIT_USAGE);
});

test.run();
