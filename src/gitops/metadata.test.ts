import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatMetadata, isNewerRender, parseMetadata, type PublishMetadata } from './metadata.js';

const m = (build: string | undefined, renderedAt: string): PublishMetadata => ({ environment: 'ci', source: {}, build, renderedAt, tool: 'kts', resources: 1 });

test('isNewerRender: numeric build numbers decide, not clocks', () => {
  assert.ok(isNewerRender(m('10', '2026-01-01T00:00:00Z'), m('9', '2026-06-01T00:00:00Z')));
  assert.not.ok(isNewerRender(m('9', '2026-06-01T00:00:00Z'), m('10', '2026-01-01T00:00:00Z')));
});

test('isNewerRender: render time when builds are equal, missing or not numbers; equal is not newer', () => {
  assert.ok(isNewerRender(m('7', '2026-01-02T00:00:00Z'), m('7', '2026-01-01T00:00:00Z')));
  assert.ok(isNewerRender(m('abc', '2026-01-02T00:00:00Z'), m('abd', '2026-01-01T00:00:00Z')));
  assert.ok(isNewerRender(m(undefined, '2026-01-02T00:00:00Z'), m('3', '2026-01-01T00:00:00Z')));
  assert.not.ok(isNewerRender(m('7', '2026-01-01T00:00:00Z'), m('7', '2026-01-01T00:00:00Z')));
});

test('parseMetadata round-trips ours and ignores anything else', () => {
  const meta = m('5', '2026-01-01T00:00:00.000Z');
  assert.equal(parseMetadata(formatMetadata(meta)), { ...meta, source: {} });
  assert.is(parseMetadata('not json'), undefined);
  assert.is(parseMetadata('{"hello": 1}'), undefined);
  assert.is(parseMetadata(undefined), undefined);
});

test.run();
