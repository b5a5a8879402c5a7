import { stringify } from 'yaml';
import type { Json } from '../resource.js';

// Interim version (coordinator is replacing it with a go-yaml v2 exact emitter); the signatures are final.
/** One YAML document as kustomize prints it (sorted keys, go-yaml v2 style), ending in a newline. */
export function emitYaml(value: Json): string {
  return stringify(value, { sortMapEntries: true, indentSeq: false, lineWidth: 80 });
}

/** Several documents separated by `---` lines, as `kustomize build` prints a resource list. */
export function emitDocuments(values: Json[]): string {
  return values.map(emitYaml).join('---\n');
}
