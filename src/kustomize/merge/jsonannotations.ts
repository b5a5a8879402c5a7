import { KtsError } from '../../errors.js';
import { isMap, own } from '../json.js';
import type { Json, JsonObject } from '../resource.js';
import { formatFloatG } from '../yaml/numbers.js';
import { plainText } from '../yaml/plainnull.js';
import { resolvePlainV3 } from '../yaml/resolve.js';

// kts keeps a resource's own annotations as the text they were written with (kustomize prints
// them from their YAML text). A JSON 6902 patch works on the resource's JSON, where a plain
// annotation has its YAML type (`1.50` is 1.5, `True` is true, `~` is null), and kustomize reads
// the result back and sets the annotations again from their text, as strings: each is the text
// go-yaml v3 writes for its JSON value (1.5 -> "1.5", 1e6 -> "1e+06", true -> "true", null ->
// "null"), which a var then reads as a string. Checked with kubectl.

function annotationsOf(obj: Json): JsonObject | undefined {
  const meta = isMap(obj) ? own(obj, 'metadata') : undefined;
  const a = isMap(meta) ? own(meta, 'annotations') : undefined;
  return isMap(a) ? a : undefined;
}

/** Gives the annotations of `doc` (a JSON copy of `source`) the types their plain texts in `source` have. */
export function typeAnnotations(source: JsonObject, doc: JsonObject, file: string | undefined): void {
  const from = annotationsOf(source);
  const to = annotationsOf(doc);
  if (!from || !to) return;
  for (const key of Object.keys(from)) {
    const text = plainText(from, key);
    // written as nothing: JSON holds null for `a:` and "" for `{a: }`, as go-yaml decodes them
    if (text === undefined || text === '' || !Object.hasOwn(to, key)) continue;
    const v = resolvePlainV3(text);
    if (typeof v === 'number' && !Number.isFinite(v)) {
      throw new KtsError('json6902', `json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`, { file, field: `metadata.annotations.${key}` });
    }
    // (the patch works on JSON: an integer beyond 2^53 is a float64 there)
    to[key] = typeof v === 'bigint' ? Number(v) : v;
  }
}

/** The annotations of a patched `doc` as kustomize sets them again: scalars become their text. */
export function annotationTexts(doc: JsonObject): void {
  const a = annotationsOf(doc);
  if (!a) return;
  for (const [key, v] of Object.entries(a)) {
    if (typeof v === 'string' || (typeof v === 'object' && v !== null)) continue;
    a[key] = v === null ? 'null' : typeof v === 'number' ? formatFloatG(v) : String(v);
  }
}
