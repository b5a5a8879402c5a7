import type { Json } from '../resource.js';

// Interim version; the signature is final.
/** JSON exactly as Go's encoding/json writes it (sorted keys, `<`, `>`, `&` escaped): kustomize hashes this. */
export function goJson(value: Json): string {
  const sorted = (v: Json): Json =>
    Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k]!)])) : v;
  return JSON.stringify(sorted(value)).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}
