import { newObject } from './resource.js';
import { KtsError } from '../errors.js';
import type { Json, JsonObject } from './resource.js';
import { parseFirstDocument } from './yaml/firstdoc.js';
import { displayPath, type Loader } from './loader.js';
import type { HelmChart, HelmGlobals } from './helm.js';

// The Kustomization/Component file: typed, checked field by field as kustomize's strict JSON
// decoding does (unknown fields are errors; Go matches field names case-insensitively), then
// legacy fields folded into their successors as kustomize's FixKustomization does.

export interface Selector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

export interface Patch {
  path?: string;
  patch?: string;
  target?: Selector;
  options?: { allowNameChange?: boolean; allowKindChange?: boolean };
}

export interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
  immutable?: boolean;
}

export interface GeneratorArgs {
  name?: string;
  namespace?: string;
  behavior?: string;
  literals?: string[];
  files?: string[];
  envs?: string[];
  env?: string;
  options?: GeneratorOptions;
}

export interface SecretArgs extends GeneratorArgs {
  type?: string;
}

export interface Image {
  name?: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  tagSuffix?: string;
}

export interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  path?: string;
  create?: boolean;
}

export interface Label {
  pairs?: Record<string, string>;
  includeSelectors?: boolean;
  includeTemplates?: boolean;
  fields?: FieldSpec[];
}

export interface SortOptions {
  order?: 'legacy' | 'fifo';
  legacySortOptions?: { orderFirst?: string[]; orderLast?: string[] };
}

export interface Kustomization {
  apiVersion?: string;
  kind?: string;
  metadata?: JsonObject;
  openapi?: Record<string, string>;
  namePrefix?: string;
  nameSuffix?: string;
  namespace?: string;
  commonLabels?: Record<string, string>;
  labels?: Label[];
  commonAnnotations?: Record<string, string>;
  patchesStrategicMerge?: string[];
  patchesJson6902?: Patch[];
  patches?: Patch[];
  images?: Image[];
  replacements?: JsonObject[];
  replicas?: { name?: string; count?: number }[];
  vars?: JsonObject[];
  sortOptions?: SortOptions;
  resources?: string[];
  components?: string[];
  crds?: string[];
  configMapGenerator?: GeneratorArgs[];
  secretGenerator?: SecretArgs[];
  generatorOptions?: GeneratorOptions;
  configurations?: string[];
  generators?: string[];
  transformers?: string[];
  validators?: string[];
  buildMetadata?: string[];
  helmGlobals?: HelmGlobals;
  helmCharts?: HelmChart[];
}

interface LegacyHelmChart {
  chartName?: string;
  chartVersion?: string;
  chartRepoUrl?: string;
  chartHome?: string;
  helmHome?: string;
  values?: string;
  releaseName?: string;
}

export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
export const KUSTOMIZATION_VERSION = 'kustomize.config.k8s.io/v1beta1';
export const COMPONENT_VERSION = 'kustomize.config.k8s.io/v1alpha1';

// Field schema, as the Go structs declare them.
type Schema = 'string' | 'bool' | 'int' | 'strings' | 'stringMap' | 'any' | { fields: Record<string, Schema> } | { list: Schema };

const obj = (fields: Record<string, Schema>): Schema => ({ fields });
const list = (item: Schema): Schema => ({ list: item });

const selector = obj({
  group: 'string',
  version: 'string',
  kind: 'string',
  name: 'string',
  namespace: 'string',
  labelSelector: 'string',
  annotationSelector: 'string',
});
const generatorOptions = obj({ labels: 'stringMap', annotations: 'stringMap', disableNameSuffixHash: 'bool', immutable: 'bool' });
const generatorArgs = {
  namespace: 'string',
  name: 'string',
  behavior: 'string',
  literals: 'strings',
  files: 'strings',
  envs: 'strings',
  env: 'string',
  options: generatorOptions,
} satisfies Record<string, Schema>;
const fieldSpec = obj({ group: 'string', version: 'string', kind: 'string', path: 'string', create: 'bool' });
const patch = obj({ path: 'string', patch: 'string', target: selector, options: 'any' });

const helmChart = {
  name: 'string',
  version: 'string',
  repo: 'string',
  releaseName: 'string',
  namespace: 'string',
  additionalValuesFiles: 'strings',
  valuesFile: 'string',
  valuesInline: 'any',
  valuesMerge: 'string',
  includeCRDs: 'bool',
  skipHooks: 'bool',
  apiVersions: 'strings',
  kubeVersion: 'string',
  nameTemplate: 'string',
  skipTests: 'bool',
  debug: 'bool',
} satisfies Record<string, Schema>;
const helmGlobals = { chartHome: 'string', configHome: 'string' } satisfies Record<string, Schema>;

const KUSTOMIZATION_SCHEMA: Record<string, Schema> = {
  apiVersion: 'string',
  kind: 'string',
  metadata: 'any',
  openapi: 'stringMap',
  namePrefix: 'string',
  nameSuffix: 'string',
  namespace: 'string',
  commonLabels: 'stringMap',
  labels: list(obj({ pairs: 'stringMap', includeSelectors: 'bool', includeTemplates: 'bool', fields: list(fieldSpec) })),
  commonAnnotations: 'stringMap',
  patchesStrategicMerge: 'strings',
  patchesJson6902: list(patch),
  patches: list(patch),
  images: list(obj({ name: 'string', newName: 'string', newTag: 'string', digest: 'string', tagSuffix: 'string' })),
  imageTags: list(obj({ name: 'string', newName: 'string', newTag: 'string', digest: 'string', tagSuffix: 'string' })),
  replacements: list('any'),
  replicas: list(obj({ name: 'string', count: 'int' })),
  vars: list('any'),
  sortOptions: obj({ order: 'string', legacySortOptions: obj({ orderFirst: 'strings', orderLast: 'strings' }) }),
  resources: 'strings',
  components: 'strings',
  crds: 'strings',
  bases: 'strings',
  configMapGenerator: list(obj(generatorArgs)),
  secretGenerator: list(obj({ ...generatorArgs, type: 'string' })),
  helmGlobals: obj(helmGlobals),
  helmCharts: list(obj(helmChart)),
  helmChartInflationGenerator: list(
    obj({
      chartName: 'string',
      chartVersion: 'string',
      chartRepoUrl: 'string',
      chartHome: 'string',
      chartRepoName: 'string',
      helmBin: 'string',
      helmHome: 'string',
      values: 'string',
      releaseName: 'string',
      releaseNamespace: 'string',
      extraArgs: 'strings',
    }),
  ),
  generatorOptions,
  configurations: 'strings',
  generators: 'strings',
  transformers: 'strings',
  validators: 'strings',
  buildMetadata: 'strings',
};

/** Go's encoding/json field matching: exact name first, else case-insensitive. */
function matchField(key: string, fields: Record<string, Schema>): string | undefined {
  if (Object.hasOwn(fields, key)) return key;
  const lower = key.toLowerCase();
  return Object.keys(fields).find((f) => f.toLowerCase() === lower);
}

function typeError(file: string, field: string, want: string): KtsError {
  return new KtsError('kustomization-field', `expected ${want}`, { file, field });
}

function scalarString(v: Json, file: string, field: string): string {
  // sigs.k8s.io/yaml turns YAML scalars into JSON first; a number where a string is wanted fails in Go.
  if (typeof v === 'string') return v;
  throw typeError(file, field, 'a string');
}

function check(value: Json, schema: Schema, file: string, field: string): Json {
  if (value === null) return null;
  if (schema === 'any') return value;
  if (schema === 'string') return scalarString(value, file, field);
  if (schema === 'bool') {
    if (typeof value !== 'boolean') throw typeError(file, field, 'true or false');
    return value;
  }
  if (schema === 'int') {
    if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(file, field, 'an integer');
    return value;
  }
  if (schema === 'strings') {
    if (!Array.isArray(value)) throw typeError(file, field, 'a list of strings');
    return value.map((v, i) => scalarString(v, file, `${field}[${i}]`));
  }
  if (schema === 'stringMap') {
    if (typeof value !== 'object' || Array.isArray(value)) throw typeError(file, field, 'a map of strings');
    const out = newObject();
    for (const [k, v] of Object.entries(value)) {
      // Go decodes YAML numbers and booleans into map[string]string only as strings.
      if (v === null) out[k] = '';
      else out[k] = scalarString(v, file, `${field}.${k}`);
    }
    return out;
  }
  if ('list' in schema) {
    if (!Array.isArray(value)) throw typeError(file, field, 'a list');
    return value.map((v, i) => check(v, schema.list, file, `${field}[${i}]`));
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw typeError(file, field, 'a map');
  const out = newObject();
  for (const [k, v] of Object.entries(value)) {
    const name = matchField(k, schema.fields);
    const path = field ? `${field}.${k}` : k;
    if (!name) throw new KtsError('unknown-field', `unknown field "${k}"`, { file, field: path });
    out[name] = check(v, schema.fields[name]!, file, path);
  }
  return out;
}

/**
 * Checks and normalizes a kustomization object read from `file` (or given in memory), folding
 * the legacy fields (bases, imageTags, env) into their successors as kustomize does.
 */
export function toKustomization(raw: Json, file: string): Kustomization {
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new KtsError('kustomization', 'a kustomization must be a YAML map', { file });
  const k = check(raw, { fields: KUSTOMIZATION_SCHEMA }, file, '') as JsonObject;
  if (isEmpty(k)) throw new KtsError('kustomization', 'kustomization is empty', { file });
  const kind = typeof k.kind === 'string' && k.kind ? k.kind : 'Kustomization';
  const apiVersion = typeof k.apiVersion === 'string' && k.apiVersion ? k.apiVersion : kind === 'Component' ? COMPONENT_VERSION : KUSTOMIZATION_VERSION;
  if (kind !== 'Kustomization' && kind !== 'Component') {
    throw new KtsError('kustomization', 'kind should be Kustomization or Component', { file, field: 'kind' });
  }
  const required = kind === 'Component' ? COMPONENT_VERSION : KUSTOMIZATION_VERSION;
  if (apiVersion !== required) throw new KtsError('kustomization', `apiVersion for ${kind} should be ${required}`, { file, field: 'apiVersion' });
  const out = { ...k, kind, apiVersion } as Kustomization & { bases?: string[]; imageTags?: Image[] };
  const resources = [...(out.resources ?? []), ...(out.bases ?? [])];
  if (out.resources || out.bases) out.resources = resources;
  delete out.bases;
  if (out.imageTags) out.images = [...(out.images ?? []), ...out.imageTags];
  delete out.imageTags;
  foldLegacyHelm(out);
  for (const gens of [out.configMapGenerator, out.secretGenerator]) {
    for (const g of gens ?? []) {
      if (g.env) g.envs = [...(g.envs ?? []), g.env];
      delete g.env;
    }
  }
  for (const p of [...(out.patches ?? []), ...(out.patchesJson6902 ?? [])]) {
    if (p.options !== undefined && p.options !== null) {
      const o = p.options as Json;
      if (o === null || typeof o !== 'object' || Array.isArray(o) || Object.values(o).some((v) => typeof v !== 'boolean')) {
        throw new KtsError('kustomization-field', 'expected a map of booleans', { file, field: 'patches.options' });
      }
    }
  }
  return out;
}

/** A HelmChartInflationGenerator plugin config (chart and globals inline), type-checked; unknown fields are ignored as in kustomize. */
export function toHelmPluginConfig(raw: JsonObject, file: string, field: string): HelmChart & HelmGlobals {
  const fields: Record<string, Schema> = { ...helmChart, ...helmGlobals };
  const known = Object.fromEntries(Object.entries(raw).filter(([k]) => matchField(k, fields)));
  return check(known, { fields }, file, field) as HelmChart & HelmGlobals;
}

/**
 * kustomize's SplitHelmParameters: the deprecated helmChartInflationGenerator entries become
 * helmCharts (only name, version, repo, values file and release name carry over) and their
 * chartHome/helmHome fill helmGlobals when it is unset, the last entry winning.
 */
function foldLegacyHelm(k: Kustomization & { helmChartInflationGenerator?: LegacyHelmChart[] }): void {
  const legacy = k.helmChartInflationGenerator ?? [];
  delete k.helmChartInflationGenerator;
  if (legacy.length === 0) return;
  const globals: HelmGlobals = {};
  for (const old of legacy) {
    if (old.helmHome) globals.configHome = old.helmHome;
    if (old.chartHome) globals.chartHome = old.chartHome;
  }
  k.helmGlobals ??= globals;
  const charts = legacy.map((old) => ({ name: old.chartName, version: old.chartVersion, repo: old.chartRepoUrl, valuesFile: old.values, releaseName: old.releaseName }));
  k.helmCharts = [...(k.helmCharts ?? []), ...charts];
}

/**
 * kustomize's CheckEmpty: nothing but apiVersion/kind is set. Go sees `[]` and `{}` as set, except
 * for bases and imageTags, which FixKustomization appends away (appending nothing to nil is nil).
 */
function isEmpty(k: JsonObject): boolean {
  return Object.entries(k).every(([key, v]) => {
    if (key === 'apiVersion' || key === 'kind' || v === null) return true;
    return (key === 'bases' || key === 'imageTags') && Array.isArray(v) && v.length === 0;
  });
}

export interface LoadedKustomization {
  kustomization: Kustomization;
  /** The file's name inside its directory (kustomization.yaml, ...). */
  fileName: string;
  /** The file path for messages. */
  file: string;
}

/** Finds and reads the one kustomization file in the loader's root. */
export function loadKustomization(ldr: Loader): LoadedKustomization {
  const found = KUSTOMIZATION_FILE_NAMES.filter((name) => ldr.isFile(name));
  const dir = displayPath(ldr.root);
  if (found.length === 0) {
    throw new KtsError('no-kustomization', `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${dir}'`, {
      file: dir,
    });
  }
  if (found.length > 1) throw new KtsError('no-kustomization', `found multiple kustomization files: ${found.join(', ')}`, { file: dir });
  const fileName = found[0]!;
  const file = displayPath(ldr.abs(fileName));
  const doc = parseFirstDocument(ldr.load(fileName), file, { goYamlV2: true });
  return { kustomization: toKustomization(doc ?? {}, file), fileName, file };
}
