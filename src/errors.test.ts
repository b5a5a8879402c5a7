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

test('toLine never shows the credentials of a URL it names', () => {
  const e = new KtsError('yaml', 'invalid YAML', { file: 'https://bot:pw@raw.example/a.yaml?token=t0k', line: 2 });
  assert.is(e.toLine(), 'https://raw.example/a.yaml?token=REDACTED:2: invalid YAML');
  assert.is(new UsageError("--repo: 'https://u:p@h.example/r.git' is wrong\nhelp").toLine(), "--repo: 'https://h.example/r.git' is wrong");
});

test('usage errors exit with 2', () => {
  assert.is(new UsageError('missing DIR').exitCode, EXIT_USAGE);
});

test.run();
