// Shared core of LabelTransformer and AnnotationsTransformer (kustomize api/filters/labels and
// api/filters/annotations): set string entries in every map field the field specs reach,
// creating the maps where a spec says `create: true`.

import { KtsError } from '../../errors.js';
import type { FieldSpec } from '../fieldspec/fieldspec.js';
import { applyFieldSpecs } from '../fieldspec/fieldspec.js';
import { setKey } from '../json.js';
import type { Json, Resource } from '../resource.js';
import { formatId, idOf } from '../resource.js';

export function setMapEntries(resources: Resource[], entries: Readonly<Record<string, string>>, fieldSpecs: readonly FieldSpec[], what: string): Resource[] {
  const keys = Object.keys(entries).sort();
  if (keys.length === 0) return resources;
  for (const res of resources) {
    applyFieldSpecs(
      res.obj,
      fieldSpecs,
      (value: Json | undefined) => {
        if (value === null || value === undefined) return undefined;
        if (typeof value !== 'object' || Array.isArray(value)) {
          throw new KtsError(what, `cannot set ${what} on ${formatId(idOf(res.obj))}: the field is not a map`);
        }
        for (const k of keys) setKey(value, k, entries[k]!);
        return value;
      },
      'map',
    );
  }
  return resources;
}
