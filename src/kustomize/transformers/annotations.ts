// AnnotationsTransformer: `commonAnnotations` and AnnotationsTransformer plugin configs.

import type { FieldSpec } from '../fieldspec/fieldspec.js';
import type { Resource } from '../resource.js';
import { setMapEntries } from './mapentries.js';

export interface AnnotationsConfig {
  annotations: Readonly<Record<string, string>>;
  fieldSpecs: readonly FieldSpec[];
}

/** Sets the annotations in every field the specs reach (in place; returns the same list). */
export function transformAnnotations(resources: Resource[], cfg: AnnotationsConfig): Resource[] {
  return setMapEntries(resources, cfg.annotations, cfg.fieldSpecs, 'annotations');
}
