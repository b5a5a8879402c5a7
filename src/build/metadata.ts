import type { Json, JsonObject, Resource } from './resource.js';
import { metadataOf } from './resource.js';
import { emitYaml } from './yaml/emit.js';

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

/** A string as a YAML scalar on one line, quoted where YAML would read it as something else (`"007"`, `"true"`). */
function scalar(v: string): string {
  const text = emitYaml({ k: v }).slice('k: '.length, -1);
  return text.includes('\n') ? JSON.stringify(v) : text;
}

function originLines(origin: Origin): string[] {
  const lines: string[] = [];
  if (origin.path) lines.push(`path: ${scalar(origin.path)}`);
  if (origin.configuredIn) lines.push(`configuredIn: ${scalar(origin.configuredIn)}`);
  if (origin.configuredBy) {
    const by = origin.configuredBy;
    lines.push('configuredBy:');
    lines.push(`  apiVersion: ${scalar(by.apiVersion)}`);
    lines.push(`  kind: ${scalar(by.kind)}`);
    if (by.name) lines.push(`  name: ${scalar(by.name)}`);
    if (by.namespace) lines.push(`  namespace: ${scalar(by.namespace)}`);
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
