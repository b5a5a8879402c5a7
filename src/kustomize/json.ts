// The JSON model's map operations. Keys come from user input, and kustomize treats `__proto__`,
// `constructor` and `prototype` as ordinary field names: maps made here have no prototype, reads
// see own properties only, and a write never reaches Object.prototype, whatever kind of object
// (reader output, a clone, a literal) holds the data.

import { newObject, type Json, type JsonObject } from './resource.js';
import { copyPlainTexts } from './yaml/plainnull.js';

/** A map of these entries, in order (later repeats win). */
export function mapOf(entries: Iterable<readonly [string, Json]>): JsonObject {
  const out = newObject();
  for (const [k, v] of entries) out[k] = v;
  return out;
}

export function isMap(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `obj[key]` when `obj` has it as its own field. */
export function own(obj: JsonObject, key: string): Json | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** `obj[key] = value`, an own field even for `__proto__` on an object that has a prototype. */
export function setKey(obj: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/**
 * A deep copy made of prototype-less maps. With `asYaml` it copies the YAML nodes rather than their
 * JSON: a null written `key:` stays one (see yaml/plainnull.ts); otherwise it becomes a plain null.
 */
export function cloneJson<T extends Json>(v: T, asYaml = false): T {
  if (typeof v !== 'object' || v === null) return v;
  // loops without a closure or a key list: merges clone whole resources, a large tree millions of nodes
  if (Array.isArray(v)) {
    const list: Json[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) list[i] = cloneJson(v[i]!, asYaml);
    return list as T;
  }
  const out = newObject();
  for (const k in v) out[k] = cloneJson(v[k]!, asYaml);
  if (asYaml) copyPlainTexts(v, out);
  return out as T;
}

/**
 * A deep copy in which every number is a float64, as encoding/json decodes a resource: kustomize
 * applies a JSON 6902 patch to the resource's JSON text and reads the result back that way, so
 * integers beyond 2^53 lose their last digits there.
 */
export function cloneAsFloats<T extends Json>(v: T): T {
  if (typeof v === 'bigint') return Number(v) as T;
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(cloneAsFloats) as T;
  const out = newObject();
  for (const k of Object.keys(v)) out[k] = cloneAsFloats(v[k]!);
  return out as T;
}

/**
 * A JSON.stringify replacer for objects leaving the engine (cluster requests, records): JSON.stringify
 * refuses a bigint, so it goes out as the float64 encoding/json would write.
 */
export const bigintAsNumber = (_key: string, v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v);
