import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cloneJson, mapOf, own, setKey } from './json.js';
import { isDataMap, jsonEqual, newObject } from './resource.js';
import type { JsonObject } from './resource.js';

test('__proto__, constructor and prototype are ordinary keys of the model maps', () => {
  const m = newObject();
  assert.is(own(m, 'constructor'), undefined);
  m.__proto__ = 'a';
  setKey(m, 'constructor', { prototype: 1 });
  assert.equal(Object.keys(m), ['__proto__', 'constructor']);
  assert.ok(isDataMap(m));
  // no lookup reaches Object.prototype, and the maps' own prototype cannot be given keys
  const fresh = newObject() as Record<string, unknown>;
  assert.is(fresh.toString, undefined);
  assert.not.ok('hasOwnProperty' in fresh);
  assert.ok(Object.isFrozen(Object.getPrototypeOf(fresh)));
  assert.is(Object.getPrototypeOf(Object.getPrototypeOf(fresh)), null);
  assert.is(({} as Record<string, unknown>).prototype, undefined);
});

test('setKey and own work on objects that do have a prototype', () => {
  const o: JsonObject = {};
  setKey(o, '__proto__', { namespace: 'x' });
  assert.is(Object.getPrototypeOf(o), Object.prototype);
  assert.equal(own(o, '__proto__'), { namespace: 'x' });
  assert.is(own(o, 'toString'), undefined);
  assert.is(({} as Record<string, unknown>).namespace, undefined);
});

test('cloneJson copies into prototype-less maps; jsonEqual ignores prototypes and key order', () => {
  const src = JSON.parse('{"a":[{"__proto__":{"x":1}}],"b":null}') as JsonObject;
  const copy = cloneJson(src);
  assert.ok(isDataMap(copy));
  assert.ok(Object.hasOwn((copy.a as JsonObject[])[0]!, '__proto__'));
  assert.ok(jsonEqual(src, copy));
  assert.ok(jsonEqual(mapOf([['a', 1], ['b', 2]]), { b: 2, a: 1 }));
  assert.not.ok(jsonEqual({ a: [1, 2] }, { a: [2, 1] }));
  assert.not.ok(jsonEqual({ a: 1 }, { a: 1, b: undefined as unknown as null }));
  assert.not.ok(jsonEqual({ a: {} }, { a: [] }));
});

test.run();
