// Resource identity across renames. kustomize keeps a resource's earlier names in annotations
// (previousNames/Kinds/Namespaces) and the prefixes/suffixes it received; name-reference fixing
// reads them. Here they live on Resource.previous / namePrefixes / nameSuffixes.

import { KtsError } from '../../errors.js';
import type { JsonObject, ResId, Resource } from '../resource.js';
import { idOf, metadataOf } from '../resource.js';

/** The id as the object reads now. */
export function curId(res: Resource): ResId {
  return idOf(res.obj);
}

/**
 * Earlier ids, oldest first, as kustomize sees them (PrevIds): it records only kind, namespace
 * and name, so they carry the current group and version.
 */
export function previousIds(res: Resource): ResId[] {
  if (res.previous.length === 0) return [];
  const { group, version } = idOf(res.obj);
  return res.previous.map((id) => ({ ...id, group, version }));
}

/** The id before any rename (kustomize OrgId), with the current group and version. */
export function orgId(res: Resource): ResId {
  const first = res.previous[0];
  if (!first) return idOf(res.obj);
  const { group, version } = idOf(res.obj);
  return { ...first, group, version };
}

/**
 * Records the current id as a previous one (kustomize StorePreviousId). kustomize keeps previous
 * names, namespaces and kinds in three comma-separated annotations and skips an empty name or
 * kind, so the lists fall out of step and its next lookup by previous id panics (checked with
 * kubectl: a JSON patch removing the name, then a namespace). A list kind is exempt, as there.
 */
export function storePreviousId(res: Resource): void {
  const id = idOf(res.obj);
  if ((id.name === '' || id.kind === '') && !id.kind.endsWith('List')) {
    const what = id.kind === '' ? 'kind' : 'metadata.name';
    throw new KtsError('resource', `a resource without ${what} cannot be renamed or moved: kustomize v5.5.0 fails on it (previous names, namespaces and kinds out of step)`, {
      file: res.origin?.path || undefined,
    });
  }
  res.previous.push(id);
}

function metadata(obj: JsonObject): JsonObject {
  const m = metadataOf(obj);
  if (obj.metadata !== m) obj.metadata = m;
  return m;
}

/**
 * Renames a resource in place, recording its current id first so references to the old name
 * can be fixed. An empty namespace removes metadata.namespace.
 */
export function rename(res: Resource, to: { name?: string; namespace?: string }): void {
  storePreviousId(res);
  const meta = metadata(res.obj);
  if (to.name !== undefined) meta.name = to.name;
  if (to.namespace !== undefined) {
    if (to.namespace === '') delete meta.namespace;
    else meta.namespace = to.namespace;
  }
}
