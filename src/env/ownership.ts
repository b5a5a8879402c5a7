import type { Json, JsonObject, Resource } from '../kustomize/resource.js';

// Ownership metadata on every rendered object's own metadata (not on pod templates: a new commit
// must not restart pods whose spec did not change). Labels hold short, valid label values (slug,
// environment); the commit, build and raw branch name go into annotations.

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merged(existing: Json | undefined, add: Record<string, string>): JsonObject {
  return { ...(isObject(existing) ? existing : {}), ...add };
}

export function addOwnership(resources: Resource[], labels: Record<string, string>, annotations: Record<string, string>): Resource[] {
  return resources.map((r) => {
    const meta = isObject(r.obj.metadata) ? r.obj.metadata : {};
    const metadata: JsonObject = { ...meta, labels: merged(meta.labels, labels), annotations: merged(meta.annotations, annotations) };
    return { ...r, obj: { ...r.obj, metadata } };
  });
}
