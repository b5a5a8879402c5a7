import type { Json, JsonObject } from '../resource.js';
import { resolvePlainV3 } from './resolve.js';

// The readers remember how a null was written where kustomize tells the spellings apart:
// - In a resource's own annotations they keep the source text of plain scalars (kustomize prints
//   them from their text), so `a: null` and `a: "null"` there both read as "null". They remember
//   which keys held a plain null (`null`, `Null`, `NULL`, `~`): in a strategic-merge patch only
//   those delete the annotation, as in kustomize.
// - Anywhere, they remember the text a null was written as: '' for a key with no value (`key:`,
//   `{key: }`, `key: !!null`), else `null`, `~`, `NULL`... kustomize keeps YAML nodes, so it knows
//   that text: a strategic merge drops a field written as nothing from the patched resource when
//   the patch does not set it (kyaml keeps only a null with text), and a var reads a null as its text.
//   A copy through JSON (a JSON 6902 patch, a list's items) leaves plain nulls.

const plainNulls = new WeakMap<JsonObject, Set<string>>();
const nullTexts = new WeakMap<JsonObject, Map<string, string>>();

/** Whether a plain scalar with this text is a null (its text is kept in annotations). */
export const isPlainNullText = (text: string): boolean => text !== '' && resolvePlainV3(text) === null;

function mark(marks: WeakMap<JsonObject, Set<string>>, map: JsonObject, key: string): void {
  let keys = marks.get(map);
  if (!keys) marks.set(map, (keys = new Set()));
  keys.add(key);
}

export function markPlainNull(annotations: JsonObject, key: string): void {
  mark(plainNulls, annotations, key);
}

/** The keys of an annotations map as read whose value was written as a plain null. */
export function plainNullKeys(annotations: JsonObject): ReadonlySet<string> {
  return plainNulls.get(annotations) ?? new Set();
}

/** Records that `map[key]` was read from a null scalar written as `text` ('' for nothing). */
export function markNullText(map: JsonObject, key: string, text: string): void {
  let texts = nullTexts.get(map);
  if (!texts) nullTexts.set(map, (texts = new Map()));
  texts.set(key, text);
}

/** Forgets how `map[key]` was written (a patch gave it a new value). */
export function forgetNullText(map: JsonObject, key: string): void {
  nullTexts.get(map)?.delete(key);
}

/**
 * The text of the null `map[key]` holds as it was written, when known: '' for nothing (read as
 * null, or as "" in a flow mapping, as go-yaml reads it), else `null`, `~`...
 */
export function nullText(map: JsonObject, key: string): string | undefined {
  const text = nullTexts.get(map)?.get(key);
  const v = Object.hasOwn(map, key) ? map[key] : undefined;
  return text !== undefined && (v === null || (v === '' && text === '')) ? text : undefined;
}

/** Whether `map[key]` was written as nothing: to kyaml a null node without text. */
export const isEmptyNull = (map: JsonObject, key: string): boolean => nullText(map, key) === '';

/** Gives `copy` the null texts of `map` (a copy of the same YAML node keeps its text). */
export function copyNullTexts(map: JsonObject, copy: JsonObject): void {
  const texts = nullTexts.get(map);
  if (texts) nullTexts.set(copy, new Map(texts));
}

/** Forgets the null texts in `v` and below: its nulls read as JSON nulls now (`null`). */
export function forgetNullTexts(v: Json): void {
  if (typeof v !== 'object' || v === null) return;
  if (Array.isArray(v)) {
    for (const e of v) forgetNullTexts(e);
    return;
  }
  nullTexts.delete(v);
  for (const k of Object.keys(v)) forgetNullTexts(v[k]!);
}
