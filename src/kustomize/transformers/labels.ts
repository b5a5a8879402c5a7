// LabelTransformer: `commonLabels`, `labels:` entries and LabelTransformer plugin configs.

import type { TransformerConfig } from '../fieldspec/defaults.js';
import type { FieldSpec } from '../fieldspec/fieldspec.js';
import type { Resource } from '../resource.js';
import { setMapEntries } from './mapentries.js';

export interface LabelsConfig {
  labels: Readonly<Record<string, string>>;
  fieldSpecs: readonly FieldSpec[];
}

/** Sets the labels in every field the specs reach (in place; returns the same list). */
export function transformLabels(resources: Resource[], cfg: LabelsConfig): Resource[] {
  return setMapEntries(resources, cfg.labels, cfg.fieldSpecs, 'labels');
}

/** One entry of a kustomization's `labels:` list. */
export interface LabelsEntry {
  pairs: Readonly<Record<string, string>>;
  includeSelectors?: boolean;
  includeTemplates?: boolean;
  fields?: readonly FieldSpec[];
}

/**
 * The field specs kustomize uses for a `labels:` entry: all commonLabels fields with
 * includeSelectors; otherwise metadata/labels, plus pod-template labels with includeTemplates;
 * then the `labels` fields of configuration files and the entry's own `fields`.
 */
export function labelsEntryFieldSpecs(entry: LabelsEntry, tc: TransformerConfig): FieldSpec[] {
  const specs: FieldSpec[] = [];
  if (entry.includeSelectors) specs.push(...tc.commonLabels);
  else {
    if (entry.includeTemplates) specs.push(...tc.templateLabels);
    specs.push({ path: 'metadata/labels', create: true });
  }
  specs.push(...tc.labels, ...(entry.fields ?? []));
  return specs;
}
