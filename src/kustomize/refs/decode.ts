// Decoding YAML config into typed structs the way kustomize's Go does it (sigs.k8s.io/yaml, i.e.
// encoding/json): keys match struct fields exactly or else case-insensitively, null leaves a
// field unset, a value of the wrong type is an error, unknown keys are an error only when strict.

import { KtsError } from '../../errors.js';
import type { Json, JsonObject } from '../resource.js';
import { isObject } from './path.js';

export interface DecodeContext {
  file?: string;
  /** Field path of the value being decoded, e.g. `replacements[0].source`. */
  field: string;
  /** Reject unknown keys (kustomization files); plugin configs and loaded files ignore them. */
  strict: boolean;
  /** Error code for the KtsError. */
  code: string;
}

export function at(ctx: DecodeContext, field: string): DecodeContext {
  return { ...ctx, field: ctx.field ? `${ctx.field}.${field}` : field };
}

export function atIndex(ctx: DecodeContext, i: number): DecodeContext {
  return { ...ctx, field: `${ctx.field}[${i}]` };
}

export function fail(ctx: DecodeContext, message: string): KtsError {
  return new KtsError(ctx.code, message, { file: ctx.file, field: ctx.field || undefined });
}

function typeName(v: Json): string {
  if (Array.isArray(v)) return 'a list';
  if (isObject(v)) return 'a map';
  return typeof v === 'string' ? 'a string' : typeof v === 'number' ? 'a number' : 'a boolean';
}

/**
 * The entries of map `value` keyed by the field names in `names` (Go's exact-then-folded match).
 * Unknown keys throw when `ctx.strict`.
 */
export function structFields(value: Json, names: readonly string[], ctx: DecodeContext): Map<string, Json> {
  if (!isObject(value)) throw fail(ctx, `expected a map, got ${typeName(value)}`);
  const out = new Map<string, Json>();
  for (const [key, v] of Object.entries(value as JsonObject)) {
    const name = names.includes(key) ? key : names.find((n) => n.toLowerCase() === key.toLowerCase());
    if (name === undefined) {
      if (ctx.strict) throw fail(at(ctx, key), `unknown field "${key}"`);
      continue;
    }
    if (v !== null) out.set(name, v);
  }
  return out;
}

export function decodeString(v: Json | undefined, ctx: DecodeContext): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw fail(ctx, `expected a string, got ${typeName(v)}`);
  return v;
}

export function decodeInt(v: Json | undefined, ctx: DecodeContext): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw fail(ctx, `expected an integer, got ${typeof v === 'number' ? String(v) : typeName(v)}`);
  return v;
}

export function decodeBool(v: Json | undefined, ctx: DecodeContext): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw fail(ctx, `expected true or false, got ${typeName(v)}`);
  return v;
}

export function decodeList<T>(v: Json | undefined, ctx: DecodeContext, item: (x: Json, ctx: DecodeContext) => T): T[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw fail(ctx, `expected a list, got ${typeName(v)}`);
  return v.map((x, i) => item(x, atIndex(ctx, i)));
}

export function decodeStrings(v: Json | undefined, ctx: DecodeContext): string[] | undefined {
  // a null item decodes to '' in Go
  return decodeList(v, ctx, (x, c) => (x === null ? '' : decodeString(x, c)!));
}
