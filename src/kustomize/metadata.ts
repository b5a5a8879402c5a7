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

/** Annotations kustomize keeps for itself while building (its own and kyaml's), never printed. */
const BUILD_ANNOTATIONS = [
  'internal.config.kubernetes.io/previousKinds',
  'internal.config.kubernetes.io/previousNames',
  'internal.config.kubernetes.io/prefixes',
  'internal.config.kubernetes.io/suffixes',
  'internal.config.kubernetes.io/previousNamespaces',
  'internal.config.kubernetes.io/allowNameChange',
  'internal.config.kubernetes.io/allowKindChange',
  'internal.config.kubernetes.io/refBy',
  'internal.config.kubernetes.io/generatorBehavior',
  'internal.config.kubernetes.io/needsHashSuffix',
  'internal.config.kubernetes.io/path',
  'config.kubernetes.io/path',
  'internal.config.kubernetes.io/index',
  'config.kubernetes.io/index',
  'internal.config.kubernetes.io/seqindent',
  'internal.config.kubernetes.io/id',
  'config.k8s.io/id',
  'internal.config.kubernetes.io/annotations-migration-resource-id',
];

/**
 * kustomize's RemoveBuildAnnotations (and RemoveOrigin/TransformerAnnotations unless `keep` says
 * otherwise): build annotations that came in with the input are dropped, an annotation map left
 * empty (or given empty, null or not as a map) disappears, and every other value is rewritten
 * through map[string]string, so it prints as a string (`port: 8080` becomes `"8080"`).
 */
export function removeBuildAnnotations(resources: Resource[], keep: { origin: boolean; transformations: boolean }): void {
  const drop = [...BUILD_ANNOTATIONS];
  if (!keep.origin) drop.push(ORIGIN_ANNOTATION);
  if (!keep.transformations) drop.push(TRANSFORMATIONS_ANNOTATION);
  for (const r of resources) {
    const meta = metadataOf(r.obj);
    if (!('annotations' in meta)) continue;
    const a = meta.annotations;
    // kustomize reads annotations as map[string]string: anything but a map reads as no annotations
    if (a === null || typeof a !== 'object' || Array.isArray(a)) {
      delete meta.annotations;
      continue;
    }
    for (const k of drop) delete a[k];
    if (Object.keys(a).length === 0) {
      delete meta.annotations;
      continue;
    }
    // ... and a value that is a list or map as ""
    for (const [k, v] of Object.entries(a)) {
      if (typeof v !== 'string') a[k] = v === null || typeof v === 'object' ? '' : String(v);
    }
  }
}
