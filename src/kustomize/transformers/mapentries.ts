// Shared core of LabelTransformer and AnnotationsTransformer (kustomize api/filters/labels and
// api/filters/annotations): set string entries in every map field the field specs reach,
// creating the maps where a spec says `create: true`.
//
// kustomize makes ONE YAML node per key and resource (filtersutil.SetEntry) and inserts that node
// into every map that lacks the key; where the key exists, it overwrites the existing node in
// place. So the entries one run created stay one node: when a later run (a layer above) sets
// the key where one of them is, all of them change, selectors and pod templates included
// (commonLabels below, `labels:` without includeSelectors above). Resource.sharedEntries keeps
// those groups; a JSON 6902 patch, which rebuilds the resource, ends them.

import { KtsError } from '../../errors.js';
import type { FieldSpec } from '../fieldspec/fieldspec.js';
import { applyFieldSpecs } from '../fieldspec/fieldspec.js';
import { isMap, own, setKey } from '../json.js';
import type { Json, JsonObject, Resource } from '../resource.js';
import { formatId, idOf } from '../resource.js';

/** A field's place in its resource, as a Map key. */
const placeKey = (at: readonly (string | number)[], key: string): string => JSON.stringify([...at, key]);

/** The map at `at` in `obj`, if it is still there. */
function mapAt(obj: JsonObject, at: readonly (string | number)[]): JsonObject | undefined {
  let node: Json | undefined = obj;
  for (const part of at) {
    if (Array.isArray(node)) node = typeof part === 'number' ? node[part] : undefined;
    else if (isMap(node)) node = typeof part === 'string' ? own(node, part) : undefined;
    else return undefined;
  }
  return isMap(node) ? node : undefined;
}

export function setMapEntries(resources: Resource[], entries: Readonly<Record<string, string>>, fieldSpecs: readonly FieldSpec[], what: string): Resource[] {
  const keys = Object.keys(entries).sort();
  if (keys.length === 0) return resources;
  for (const res of resources) {
    // per key, the fields this run creates: one node in kustomize
    const created = new Map<string, { at: (string | number)[]; key: string }[]>();
    applyFieldSpecs(
      res.obj,
      fieldSpecs,
      (value: Json | undefined, at) => {
        if (value === null || value === undefined) return undefined;
        if (typeof value !== 'object' || Array.isArray(value)) {
          throw new KtsError(what, `cannot set ${what} on ${formatId(idOf(res.obj))}: the field is not a map`);
        }
        let where: (string | number)[] | undefined;
        for (const k of keys) {
          const v = entries[k]!;
          if (own(value, k) === undefined) {
            let group = created.get(k);
            if (!group) created.set(k, (group = []));
            group.push({ at: (where ??= [...at]), key: k });
          } else {
            for (const member of res.sharedEntries?.get(placeKey(at, k)) ?? []) {
              const map = mapAt(res.obj, member.at);
              if (map && typeof own(map, member.key) === 'string') setKey(map, member.key, v);
            }
          }
          setKey(value, k, v);
        }
        return value;
      },
      'map',
    );
    for (const group of created.values()) {
      if (group.length < 2 && !res.sharedEntries) continue;
      res.sharedEntries ??= new Map();
      for (const member of group) {
        if (group.length < 2) res.sharedEntries.delete(placeKey(member.at, member.key));
        else res.sharedEntries.set(placeKey(member.at, member.key), group);
      }
    }
  }
  return resources;
}
