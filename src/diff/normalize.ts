import type { Json, JsonObject } from '../build/resource.js';

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
