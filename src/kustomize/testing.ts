import * as assert from 'uvu/assert';
import { isDataMap } from './resource.js';

/**
 * The same JSON value built from ordinary objects. Maps read from YAML are data maps (no lookup
 * reaches Object.prototype), and uvu's `assert.equal` (like `isDeepStrictEqual`) tells them from
 * object literals, so tests compare `plain(actual)` with a literal.
 */
export function plain<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** The value with data maps and prototype-less maps turned into object literals (anything else kept as it is). */
function unprototyped(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unprototyped);
  if (typeof v !== 'object' || v === null) return v;
  const proto = Object.getPrototypeOf(v);
  if (proto !== null && proto !== Object.prototype && !isDataMap(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: unprototyped((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
  return out;
}

/** `assert.equal` where data maps and prototype-less maps equal object literals with the same fields. */
export function equal<T>(actual: T, expected: T, msg?: string): void {
  assert.equal(unprototyped(actual), unprototyped(expected), msg);
}
