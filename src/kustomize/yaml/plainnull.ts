import type { JsonObject } from '../resource.js';
import { resolvePlainV3 } from './resolve.js';

// The readers keep the source text of plain scalars in a resource's own annotations (kustomize
// prints them from their text), so `a: null` and `a: "null"` there both read as "null". They
// remember which keys held a plain null (`null`, `Null`, `NULL`, `~`): in a strategic-merge
// patch only those delete the annotation, as in kustomize.

const plainNulls = new WeakMap<JsonObject, Set<string>>();

/** Whether a plain scalar with this text is a null (its text is kept in annotations). */
export const isPlainNullText = (text: string): boolean => text !== '' && resolvePlainV3(text) === null;

export function markPlainNull(annotations: JsonObject, key: string): void {
  let keys = plainNulls.get(annotations);
  if (!keys) plainNulls.set(annotations, (keys = new Set()));
  keys.add(key);
}

/** The keys of an annotations map as read whose value was written as a plain null. */
export function plainNullKeys(annotations: JsonObject): ReadonlySet<string> {
  return plainNulls.get(annotations) ?? new Set();
}
