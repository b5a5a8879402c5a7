// PrefixTransformer, SuffixTransformer and the legacy PrefixSuffixTransformer (kustomize
// plugin/builtin/{prefix,suffix,prefixsuffix}transformer, api/filters/prefixsuffix): adds a prefix
// and/or suffix to the name fields the specs reach. A change to metadata/name is recorded (previous
// id, prefixes/suffixes) so references to the old name can be fixed afterwards.

import type { FieldSpec, Gvk } from '../fieldspec/fieldspec.js';
import { applyFieldSpec, expectScalar, gvkSelects } from '../fieldspec/fieldspec.js';
import { idOf, type Resource } from '../resource.js';
import { orgId, storePreviousId } from './ids.js';

export interface PrefixSuffixConfig {
  prefix?: string;
  suffix?: string;
  /** The kustomization fields use the namePrefix/nameSuffix transformer config (metadata/name). */
  fieldSpecs: readonly FieldSpec[];
}

/** Kinds whose names kustomize never prefixes or suffixes. */
const SKIP: Gvk[] = [{ kind: 'CustomResourceDefinition' }, { group: 'apiregistration.k8s.io', kind: 'APIService' }, { kind: 'Namespace' }];

/** Adds the prefix/suffix (in place; returns the same list). */
export function transformPrefixSuffix(resources: Resource[], cfg: PrefixSuffixConfig): Resource[] {
  const prefix = cfg.prefix ?? '';
  const suffix = cfg.suffix ?? '';
  for (const res of resources) {
    const org = orgId(res);
    if (SKIP.some((s) => gvkSelects(s, org))) continue;
    for (const fs of cfg.fieldSpecs) {
      if (!gvkSelects(fs, org)) continue;
      if (fs.path === 'metadata/name') {
        if (prefix) (res.namePrefixes ??= []).push(prefix);
        if (suffix) (res.nameSuffixes ??= []).push(suffix);
        if (prefix || suffix) storePreviousId(res);
      }
      applyFieldSpec(res.obj, fs, (value) => {
        expectScalar(value, fs.path);
        // kustomize edits the name's YAML text: `.5` becomes `p-.5`
        const cur = value === undefined || value === null ? '' : fs.path === 'metadata/name' ? idOf(res.obj).name : String(value);
        return `${prefix}${cur}${suffix}`;
      });
    }
  }
  return resources;
}
