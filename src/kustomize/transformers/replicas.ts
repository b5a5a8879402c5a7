// ReplicaCountTransformer (kustomize plugin/builtin/replicacounttransformer, api/filters/replicacount):
// sets the replica count of the resources named `replica.name` (by current or any earlier name).

import { KtsError } from '../../errors.js';
import type { FieldSpec } from '../fieldspec/fieldspec.js';
import { applyFieldSpec, expectScalar, gvkSelects } from '../fieldspec/fieldspec.js';
import { idOf } from '../resource.js';
import type { ResMap } from '../resmap.js';
import { previousIds } from './ids.js';

export interface ReplicaCountConfig {
  replica: { name: string; count: number };
  /** The kustomization `replicas:` field uses the `replicas` transformer config. */
  fieldSpecs: readonly FieldSpec[];
}

/**
 * Sets the count in place; fails when no resource matches any spec. Candidates come from the
 * map's name index, which stays valid across the transformers of a long `replicas:` list.
 */
export function transformReplicaCount(rm: ResMap, cfg: ReplicaCountConfig): void {
  const { name, count } = cfg.replica;
  const candidates = rm.getByAnyName(name);
  let found = false;
  for (const fs of cfg.fieldSpecs) {
    for (const res of candidates) {
      const ids = [...previousIds(res), idOf(res.obj)];
      if (!ids.some((id) => id.name === name && gvkSelects(fs, id))) continue;
      found = true;
      applyFieldSpec(
        res.obj,
        fs,
        (value) => {
          expectScalar(value, fs.path);
          return count;
        },
        'scalar',
      );
    }
  }
  if (!found) {
    const gvks = cfg.fieldSpecs.map((fs) => `${fs.kind ?? ''}.${fs.version || '[noVer]'}.${fs.group || '[noGrp]'}`);
    throw new KtsError('replicas', `resource with name ${name} does not match a config with the following GVK [${gvks.join(' ')}]`, {
      field: 'replicas',
    });
  }
  // A spec reaching into metadata could have renamed something (the index is by name).
  if (cfg.fieldSpecs.some((fs) => fs.path.startsWith('metadata'))) rm.invalidate();
}
