import type { Json } from '../resource.js';

const GO_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** JSON text with sorted keys; a bigint is written with its digits (JSON.stringify refuses it). */
function sortedJson(v: Json): string {
  if (typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${sortedJson(v[k]!)}`)
    .join(',')}}`;
}

/**
 * JSON exactly as Go's encoding/json writes it: map keys sorted, and `<`, `>`, `&`, U+2028 and
 * U+2029 escaped (HTML-safe). kustomize's name hashes are computed over this text. Number
 * formatting already agrees with JavaScript's (shortest round-trip, exponent at 1e21 and 1e-7).
 */
export function goJson(value: Json): string {
  // The escaped characters can only occur inside strings, so replacing them in the text is safe.
  return sortedJson(value).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]!);
}
