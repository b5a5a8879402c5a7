import type { Json, JsonObject, Resource } from './resource.js';
import { metadataOf } from './resource.js';

// Build metadata kustomize can leave on resources (buildMetadata: originAnnotations), and the
// removal of everything else kustomize keeps internally before printing.

export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
export const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';

export type Origin = NonNullable<Resource['origin']>;

/** The origin as kustomize's Origin.String() prints it (YAML, fields in struct order). */
export function originText(origin: Origin): string {
  return originLines(origin)
    .map((l) => `${l}\n`)
    .join('');
}

function originLines(origin: Origin): string[] {
  const lines: string[] = [];
  if (origin.path) lines.push(`path: ${origin.path}`);
  if (origin.configuredIn) lines.push(`configuredIn: ${origin.configuredIn}`);
  if (origin.configuredBy) {
    lines.push('configuredBy:');
    lines.push(`  apiVersion: ${origin.configuredBy.apiVersion}`);
    lines.push(`  kind: ${origin.configuredBy.kind}`);
    if (origin.configuredBy.name) lines.push(`  name: ${origin.configuredBy.name}`);
    if (origin.configuredBy.namespace) lines.push(`  namespace: ${origin.configuredBy.namespace}`);
  }
  return lines;
}

/** A list of origins as kustomize prints the transformations annotation (a YAML list). */
export function transformationsText(origins: Origin[]): string {
  return origins
    .flatMap((o) => originLines(o).map((l, i) => `${i === 0 ? '- ' : '  '}${l}\n`))
    .join('');
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

/** Adds `alpha.config.kubernetes.io/transformations` to every resource a transformer ran over. */
export function annotateTransformations(resources: Resource[]): void {
  for (const r of resources) {
    if (!r.transformations?.length) continue;
    annotations(r.obj)[TRANSFORMATIONS_ANNOTATION] = transformationsText(r.transformations);
  }
}

/**
 * kustomize's RemoveBuildAnnotations rewrites every non-empty annotation map through
 * map[string]string, so each value is printed as a string (`port: 8080` becomes `"8080"`).
 */
export function stringifyAnnotations(resources: Resource[]): void {
  for (const r of resources) {
    const a = metadataOf(r.obj).annotations;
    if (!a || typeof a !== 'object' || Array.isArray(a)) continue;
    for (const [k, v] of Object.entries(a)) {
      if (typeof v !== 'string') a[k] = v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
  }
}
