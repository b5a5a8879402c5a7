import type { Json, JsonObject, Resource } from '../kustomize/resource.js';

// Ownership metadata on every rendered object's own metadata (not on pod templates: a new commit
// must not restart pods whose spec did not change). Labels hold short, valid label values (app,
// environment, slug); the raw branch name goes into an annotation. Nothing here changes from one
// build to the next (commit and build are recorded once per environment), so a redeploy of the
// same images and config changes no object and no published file.

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
