import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mergeValues } from './helm.js';

// Expected values measured with kubectl kustomize v1.32 (kustomize v5.5.0) and a recording helm.

const chart = { a: { b: 1, c: [1, 2], d: { x: 1 }, e: 'keep' }, list: ['x', 'y'], s: 'str', gone: null, z: 0 };
const plain = (v: object): unknown => JSON.parse(JSON.stringify(v));

test('override: inline values win, maps merge, lists replace, a null removes the key, the chart keeps its nulls', () => {
  const out = mergeValues(chart, { a: { c: [3], d: {}, e: '', f: 'new' }, list: [], s: 'other', z: null, extra: { n: null, m: 1 } }, 'override');
  assert.equal(plain(out), { a: { b: 1, c: [3], d: { x: 1 }, e: '', f: 'new' }, list: [], s: 'other', gone: null, extra: { m: 1 } });
});

test("merge: the chart's values win and its nulls remove keys; inline keys the chart lacks are added", () => {
  const out = mergeValues(chart, { a: { e: 'inline', g: 1 }, s: 'inline', gone: 1, added: true }, 'merge');
  assert.equal(plain(out), { a: { e: 'keep', g: 1, b: 1, c: [1, 2], d: { x: 1 } }, s: 'str', added: true, list: ['x', 'y'], z: 0 });
});

test('replace: the inline values alone, nulls kept', () => {
  assert.equal(plain(mergeValues(chart, { a: null, b: { c: null } }, 'replace')), { a: null, b: { c: null } });
});

test('a key named like an Object.prototype member is plain data', () => {
  const out = mergeValues(JSON.parse('{"__proto__": {"x": 1}}'), JSON.parse('{"__proto__": {"y": 2}, "constructor": 1}'), 'override');
  assert.equal(plain(out), JSON.parse('{"__proto__": {"x": 1, "y": 2}, "constructor": 1}'));
  assert.is(({} as Record<string, unknown>).y, undefined);
});

test.run();
