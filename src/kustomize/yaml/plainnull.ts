import type { Json, JsonObject } from '../resource.js';
import { resolvePlainV3 } from './resolve.js';

// kustomize keeps YAML nodes, so it knows how a scalar was written where JSON does not. The
// readers record that text beside the map, for:
// - a null anywhere: '' for a key with no value (`key:`, `{key: }`, `key: !!null`), else `null`,
//   `~`, `NULL`... A strategic merge drops a field written as nothing from the patched resource
//   when the patch does not set it (kyaml keeps only a null with text), and a var reads a null
//   as its text;
// - every plain scalar of a resource's own annotations, whose value is that text (kustomize
//   prints annotations from their text): a quoted "null" or "1.5" is a string there, a plain one
//   a null or a number, which a strategic-merge patch, a JSON patch and a var see.
// A copy of the YAML nodes keeps the texts (copyPlainTexts); a copy through JSON (a JSON 6902
// patch, a list's items) does not (forgetPlainTexts).

const texts = new WeakMap<JsonObject, Map<string, string>>();

/** Whether a plain scalar with this text is a null. */
export const isPlainNullText = (text: string): boolean => text !== '' && resolvePlainV3(text) === null;

/** Records that `map[key]` was read from a plain scalar written as `text` ('' for nothing). */
export function markPlainText(map: JsonObject, key: string, text: string): void {
  let keys = texts.get(map);
  if (!keys) texts.set(map, (keys = new Map()));
  keys.set(key, text);
}

/**
 * The text of the plain scalar `map[key]` was read from, while it still holds that value: the
 * text itself (annotations), or a null ("" for nothing in a flow mapping, as go-yaml reads it).
 */
export function plainText(map: JsonObject, key: string): string | undefined {
  const text = texts.get(map)?.get(key);
  if (text === undefined) return undefined;
  const v = Object.hasOwn(map, key) ? map[key] : undefined;
  if (v === text || (v === null && (text === '' || isPlainNullText(text))) || (v === '' && text === '')) return text;
  return undefined;
}

/** The text of the null `map[key]` holds, when known ('' for nothing). */
export function nullText(map: JsonObject, key: string): string | undefined {
  const v = Object.hasOwn(map, key) ? map[key] : undefined;
  return v === null || v === '' ? plainText(map, key) : undefined;
}

/** Whether `map[key]` was written as nothing: to kyaml a null node without text. */
export const isEmptyNull = (map: JsonObject, key: string): boolean => nullText(map, key) === '';

/** The keys of an annotations map as read whose value was written as a plain null (`null`, `~`). */
export function plainNullKeys(annotations: JsonObject): string[] {
  return Object.keys(annotations).filter((k) => {
    const text = plainText(annotations, k);
    return text !== undefined && isPlainNullText(text);
  });
}

/** Forgets how `map[key]` was written (a patch gave it a new value). */
export function forgetPlainText(map: JsonObject, key: string): void {
  texts.get(map)?.delete(key);
}

/** Gives `copy` the plain texts of `map` (a copy of the same YAML nodes). */
export function copyPlainTexts(map: JsonObject, copy: JsonObject): void {
  const keys = texts.get(map);
  if (keys) texts.set(copy, new Map(keys));
}

/** Forgets the plain texts in `v` and below: it was copied through JSON. */
export function forgetPlainTexts(v: Json): void {
  if (typeof v !== 'object' || v === null) return;
  if (Array.isArray(v)) {
    for (const e of v) forgetPlainTexts(e);
    return;
  }
  texts.delete(v);
  for (const k of Object.keys(v)) forgetPlainTexts(v[k]!);
}
