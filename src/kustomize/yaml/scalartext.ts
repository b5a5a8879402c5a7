import type { JsonObject } from '../resource.js';

// kustomize takes a resource's name from the YAML text: `name: .5` is the id ".5" (and `p-.5`
// after a prefix) although it prints the value as the number 0.5. The readers remember the text
// of a plain `metadata.name` that reads as a number or boolean, beside the metadata map.

const texts = new WeakMap<JsonObject, string>();

export function recordNameText(metadata: JsonObject, text: string): void {
  texts.set(metadata, text);
}

/** The source text of `metadata.name` when it was a plain number or boolean. */
export function nameText(metadata: JsonObject): string | undefined {
  return texts.get(metadata);
}
