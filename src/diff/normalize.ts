import type { Json, JsonObject } from '../kustomize/resource.js';
import { ANNOTATION_BUILD, ANNOTATION_COMMIT } from '../env/plan.js';

// Fields the API server owns. A live object and the result of a server-side dry-run apply both
// carry them; they are noise for a reviewer, as `kubectl diff` treats them.
const SERVER_METADATA = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink'];

/** A copy without status and server-managed metadata. */
export function withoutServerFields(obj: JsonObject): JsonObject {
  const { status: _status, ...rest } = obj;
  const meta = rest.metadata;
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return rest;
  const cleaned: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(meta)) if (!SERVER_METADATA.includes(k)) cleaned[k] = v;
  return { ...rest, metadata: cleaned };
}

/**
 * A copy without the annotations that name the build (`kts.dev/commit`, `kts.dev/build`): every
 * render changes them on every object, so showing them would bury the real changes.
 */
export function withoutBuildAnnotations(obj: JsonObject): JsonObject {
  const meta = obj.metadata;
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return obj;
  const annotations = meta.annotations;
  if (!annotations || typeof annotations !== 'object' || Array.isArray(annotations)) return obj;
  if (!(ANNOTATION_COMMIT in annotations) && !(ANNOTATION_BUILD in annotations)) return obj;
  const { [ANNOTATION_COMMIT]: _commit, [ANNOTATION_BUILD]: _build, ...rest } = annotations;
  return { ...obj, metadata: { ...meta, annotations: rest } };
}
