import { KtsError } from '../errors.js';
import { formatId, idOf, metadataOf, textMap, type Json, type JsonObject, type ResId, type Resource } from './resource.js';
import { previousIds } from './transformers/ids.js';
import { effectiveNamespace } from './transformers/scope.js';

// kustomize's ResMap: an ordered resource list with id lookups. kustomize scans the whole list
// for every lookup (quadratic builds); we keep Map indexes, rebuilt only after the list changes.

/** The key under which kustomize's ResId.Equals considers two ids equal. */
export function matchKey(id: ResId): string {
  return `${id.group}|${id.version}|${id.kind}|${effectiveNamespace(id)}|${id.name}`;
}

export function currentId(r: Resource): ResId {
  return idOf(r.obj);
}

/** The id the resource had when it was first read or generated. */
export function originalId(r: Resource): ResId {
  return r.previous[0] ?? idOf(r.obj);
}

/** kustomize's ResId string, as its error messages print it: `Kind.version.group/name.namespace`. */
export function resIdString(id: ResId): string {
  const gvk = `${id.kind || '[noKind]'}.${id.version || '[noVer]'}.${id.group || '[noGrp]'}`;
  return `${gvk}/${id.name}.${id.namespace || '[noNs]'}`;
}

/** The keys of every id a resource has or had (most resources were never renamed: one key). */
function anyKeys(r: Resource): readonly string[] {
  const current = matchKey(currentId(r));
  return r.previous.length === 0 ? [current] : [...new Set([...previousIds(r).map(matchKey), current])];
}

/** Every name a resource has or had. */
function allNames(r: Resource): readonly string[] {
  const current = currentId(r).name;
  return r.previous.length === 0 ? [current] : [...new Set([...r.previous.map((id) => id.name), current])];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function swap(list: Resource[] | undefined, old: Resource, r: Resource): void {
  const i = list?.indexOf(old) ?? -1;
  if (i >= 0) list![i] = r;
}

export class ResMap {
  private list: Resource[];
  private byCurrent: Map<string, Resource> | undefined;
  private byAny: Map<string, Resource[]> | undefined;
  private byName: Map<string, Resource[]> | undefined;

  constructor(resources: Resource[] = []) {
    this.list = [];
    for (const r of resources) this.append(r);
  }

  get size(): number {
    return this.list.length;
  }

  resources(): Resource[] {
    return this.list;
  }

  /** Replaces the whole list (after a transformer ran); ids may have changed. */
  setResources(resources: Resource[]): void {
    this.list = resources;
    this.invalidate();
  }

  /** Call after resources were changed in place (renamed, re-namespaced). */
  invalidate(): void {
    this.byCurrent = undefined;
    this.byAny = undefined;
    this.byName = undefined;
  }

  private currentIndex(): Map<string, Resource> {
    if (!this.byCurrent) {
      this.byCurrent = new Map();
      for (const r of this.list) this.byCurrent.set(matchKey(currentId(r)), r);
    }
    return this.byCurrent;
  }

  private anyIndex(): Map<string, Resource[]> {
    if (!this.byAny) {
      this.byAny = new Map();
      for (const r of this.list) this.indexAny(r);
    }
    return this.byAny;
  }

  private indexAny(r: Resource): void {
    for (const k of anyKeys(r)) {
      const at = this.byAny!.get(k);
      if (at) at.push(r);
      else this.byAny!.set(k, [r]);
    }
  }

  /** The resource whose current id equals `id`. */
  getByCurrentId(id: ResId): Resource | undefined {
    return this.currentIndex().get(matchKey(id));
  }

  /** Resources any of whose ids (original, previous, current) equals `id`, in list order. */
  getByAnyId(id: ResId): Resource[] {
    return this.anyIndex().get(matchKey(id)) ?? [];
  }

  /** Resources that have or had the name `name`, in list order (a transformer per `replicas:` entry looks them up). */
  getByAnyName(name: string): readonly Resource[] {
    if (!this.byName) {
      this.byName = new Map();
      for (const r of this.list) {
        for (const n of allNames(r)) {
          const at = this.byName.get(n);
          if (at) at.push(r);
          else this.byName.set(n, [r]);
        }
      }
    }
    return this.byName.get(name) ?? [];
  }

  /** Appends, refusing a resource whose id is already registered (kustomize's conflict error). */
  append(r: Resource): void {
    const id = currentId(r);
    const index = this.currentIndex();
    const key = matchKey(id);
    if (index.has(key)) {
      throw new KtsError('conflict', `may not add resource with an already registered id: ${resIdString(id)}`);
    }
    this.list.push(r);
    index.set(key, r);
    if (this.byAny) this.indexAny(r);
    this.byName = undefined;
  }

  appendAll(resources: Iterable<Resource>): void {
    for (const r of resources) this.append(r);
  }

  /** Replaces `old` by `r` at the same position. */
  replace(old: Resource, r: Resource): void {
    const i = this.list.indexOf(old);
    if (i < 0) throw new Error(`replace: resource ${formatId(currentId(old))} is not in the map`);
    this.list[i] = r;
    const keys = anyKeys(old);
    const names = allNames(old);
    // a generator's merge keeps the ids: then the indexes only swap the object (a large tree
    // merges a few generated maps, and rebuilding the indexes after each was most of their cost)
    const current = matchKey(currentId(old));
    if (current !== matchKey(currentId(r)) || !sameSet(keys, anyKeys(r)) || !sameSet(names, allNames(r))) return this.invalidate();
    this.byCurrent?.set(current, r);
    for (const k of keys) swap(this.byAny?.get(k), old, r);
    for (const n of names) swap(this.byName?.get(n), old, r);
  }

  /** Keeps only the resources for which `keep` holds. */
  filter(keep: (r: Resource) => boolean): void {
    this.setResources(this.list.filter(keep));
  }
}

/** kustomize's mergeStringMaps over two maps read as text (an old `n: 12` label becomes "12"); empty removes the field. */
function setMerged(obj: JsonObject, key: string, old: Json | undefined, ours: Json | undefined): void {
  const nulls = key === 'data' || key === 'binaryData' ? 'empty' : 'text';
  const value = Object.assign(textMap(old, nulls), textMap(ours, nulls));
  if (Object.keys(value).length > 0) obj[key] = value;
  else delete obj[key];
}

/**
 * Adds a generated resource (kustomize's appendReplaceOrMerge): `create` appends; `merge` and
 * `replace` fold it into the one existing resource with the same id, keeping that resource's
 * name, namespace and place in the list.
 */
export function absorb(rm: ResMap, r: Resource): void {
  const id = currentId(r);
  const behavior = r.generator?.behavior ?? 'create';
  const matches = rm.getByAnyId(id);
  if (matches.length === 0) {
    if (behavior !== 'create') throw new KtsError('generator', `id ${resIdString(id)} does not exist; cannot merge or replace`);
    rm.append(r);
    return;
  }
  if (matches.length > 1) throw new KtsError('generator', `found multiple objects that could accept merge of ${resIdString(id)}`);
  const old = matches[0]!;
  if (behavior === 'create') throw new KtsError('generator', `id ${resIdString(id)} exists; behavior must be merge or replace`);
  const obj = r.obj;
  const meta = metadataOf(obj);
  const oldMeta = metadataOf(old.obj);
  obj.metadata = meta;
  setMerged(meta, 'labels', oldMeta.labels, meta.labels);
  setMerged(meta, 'annotations', oldMeta.annotations, meta.annotations);
  meta.name = oldMeta.name ?? '';
  if (typeof oldMeta.namespace === 'string' && oldMeta.namespace !== '') meta.namespace = oldMeta.namespace;
  else delete meta.namespace;
  if (behavior === 'merge') {
    setMerged(obj, 'data', old.obj.data, obj.data);
    setMerged(obj, 'binaryData', old.obj.binaryData, obj.binaryData);
  }
  // Measured on kustomize v5.5.0: the result gets a hash suffix only when both sides asked for one.
  const merged: Resource = {
    ...old,
    obj,
    generator: { behavior, hash: (r.generator?.hash ?? false) && (old.generator?.hash ?? false) },
    origin: behavior === 'merge' ? (old.origin ?? r.origin) : r.origin,
  };
  rm.replace(old, merged);
}
