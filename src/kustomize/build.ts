import type { Kustomization, SortOptions } from './kustomization.js';
import { loadKustomization, toKustomization } from './kustomization.js';
import { displayPath, Loader, type LoadRestrictor, type RemoteSource } from './loader.js';
import { transformHashes } from './hash.js';
import type { HelmConfig } from './helm.js';
import { annotateOrigins, annotateTransformations, removeBuildAnnotations } from './metadata.js';
import { metadataOf, type Json, type Resource } from './resource.js';
import { validate } from './resources.js';
import { sortResources } from './sort.js';
import { emptyAccumulator, KustTarget, type Accumulator } from './target.js';
import { transformLabels } from './transformers/labels.js';
import { fixNameReferences } from './transformers/nameref.js';
import { resolveVars } from './transformers/vars.js';

// A whole build, as kustomize's Kustomizer.Run: accumulate the target, then the steps that run
// once at the top (hash suffixes, name back-references, vars, local-config removal), then sort,
// the managed-by label, and the build metadata annotations.

export interface BuildOptions {
  loadRestrictor?: LoadRestrictor;
  reorder?: 'legacy' | 'none';
  enableManagedByLabel?: boolean;
  /** --enable-helm: render `helmCharts` by running helm. */
  helm?: HelmConfig;
  /** Fetches remote references; without one, a build refuses them. */
  remote?: RemoteSource;
}

/** kubectl's embedded kustomize reports its version as `(devel)`. */
const MANAGED_BY_VALUE = 'kustomize-(devel)';
const LOCAL_CONFIG = 'config.kubernetes.io/local-config';

/** kustomize v5.5.0 drops resources annotated local-config with any value but `false` (measured with kubectl). */
function isLocalConfig(r: Resource): boolean {
  const a = metadataOf(r.obj).annotations;
  return !!a && typeof a === 'object' && !Array.isArray(a) && LOCAL_CONFIG in a && String(a[LOCAL_CONFIG]) !== 'false';
}

function sortOrder(k: Kustomization, options: BuildOptions): SortOptions | undefined {
  if (k.sortOptions) return k.sortOptions;
  if (options.reorder === 'none') return undefined;
  return { order: 'legacy' };
}

function run(target: KustTarget, options: BuildOptions): Resource[] {
  const k = target.kustomization;
  const acc = target.accumulate(emptyAccumulator());
  acc.resmap.setResources(transformHashes(acc.resmap.resources()));
  acc.resmap.setResources(fixNameReferences(acc.resmap.resources(), acc.tconfig.nameReference));
  resolveVars(acc.resmap.resources(), acc.vars, acc.tconfig.varReference);
  // a patch may have removed a name or kind; a later layer may have set it again
  for (const r of acc.resmap.resources()) validate(r.obj, r.origin?.path || undefined);
  let resources = acc.resmap.resources().filter((r) => !isLocalConfig(r));
  const order = sortOrder(k, options);
  if (order) resources = sortResources(resources, order, target.file);
  const meta = k.buildMetadata ?? [];
  if (options.enableManagedByLabel || meta.includes('managedByLabel')) {
    resources = transformLabels(resources, {
      labels: { 'app.kubernetes.io/managed-by': MANAGED_BY_VALUE },
      fieldSpecs: [{ path: 'metadata/labels', create: true }],
    });
  }
  const keep = { origin: meta.includes('originAnnotations'), transformations: meta.includes('transformerAnnotations') };
  removeBuildAnnotations(resources, keep);
  if (keep.origin) annotateOrigins(resources);
  if (keep.transformations) annotateTransformations(resources);
  return resources;
}

/** Builds the kustomization in `dir`. */
export function build(dir: string, options: BuildOptions = {}): Resource[] {
  const ldr = Loader.at(dir, options.loadRestrictor, options.remote);
  const loaded = loadKustomization(ldr);
  const state = { schemaSet: false, buildMetadata: loaded.kustomization.buildMetadata ?? [], helm: options.helm };
  const target = new KustTarget(ldr, loaded, '', state, true);
  return run(target, options);
}

/** Builds an in-memory kustomization as if it were the kustomization file in `dir`. */
export function buildKustomization(kustomization: object, dir: string, options: BuildOptions = {}): Resource[] {
  const ldr = Loader.at(dir, options.loadRestrictor, options.remote);
  const file = displayPath(ldr.abs('kustomization.yaml'));
  const k = toKustomization(JSON.parse(JSON.stringify(kustomization)) as Json, file);
  const target = new KustTarget(ldr, { kustomization: k, fileName: 'kustomization.yaml', file }, '', { schemaSet: false, buildMetadata: k.buildMetadata ?? [], helm: options.helm }, true);
  return run(target, options);
}
