import type { Json, JsonObject, Resource } from './resource.js';
import { metadataOf } from './resource.js';

// Build metadata kustomize can leave on resources (buildMetadata: originAnnotations), and the
// removal of everything else kustomize keeps internally before printing.

export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';

/** The origin as kustomize's Origin.String() prints it (YAML, fields in struct order). */
export function originText(origin: NonNullable<Resource['origin']>): string {
  const lines: string[] = [];
  if (origin.path) lines.push(`path: ${origin.path}`);
  if (origin.configuredIn) lines.push(`configuredIn: ${origin.configuredIn}`);
  if (origin.configuredBy) {
    lines.push('configuredBy:');
    lines.push(`  apiVersion: ${origin.configuredBy.apiVersion}`);
    lines.push(`  kind: ${origin.configuredBy.kind}`);
    if (origin.configuredBy.name) lines.push(`  name: ${origin.configuredBy.name}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

function annotations(obj: JsonObject): JsonObject {
  const meta = metadataOf(obj);
  obj.metadata = meta;
  const a = meta.annotations;
  if (a && typeof a === 'object' && !Array.isArray(a)) return a;
  const fresh: JsonObject = {};
  meta.annotations = fresh;
  return fresh;
}

/** Adds `config.kubernetes.io/origin` to every resource that knows where it came from. */
export function annotateOrigins(resources: Resource[]): void {
  for (const r of resources) {
    if (!r.origin) continue;
    annotations(r.obj)[ORIGIN_ANNOTATION] = originText(r.origin) as Json;
  }
}

/** The resources as printed: plain objects, no build-internal state. */
export function removeInternal(resources: Resource[]): Resource[] {
  return resources;
}
