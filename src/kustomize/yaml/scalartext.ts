import type { Json, JsonObject } from '../resource.js';

// kustomize takes a resource's name from the YAML text: `name: .5` is the id ".5" (and `p-.5`
// after a prefix) although it prints the value as the number 0.5, and `name: 2001-12-14` is the
// id "2001-12-14" (`2001-12-14-x` after a suffix) although an untouched one prints as the time
// "2001-12-14T00:00:00Z". The readers remember the text of a plain `metadata.name` that reads as
// another type or text, beside the metadata map, with the value it read as.

const texts = new WeakMap<JsonObject, { text: string; value: Json }>();

export function recordNameText(metadata: JsonObject, text: string, value: Json): void {
  texts.set(metadata, { text, value });
}

/** The source text of `metadata.name`, while the name still holds the value read from it. */
export function nameText(metadata: JsonObject): string | undefined {
  const known = texts.get(metadata);
  if (!known || !Object.hasOwn(metadata, 'name') || metadata.name !== known.value) return undefined;
  return known.text;
}
