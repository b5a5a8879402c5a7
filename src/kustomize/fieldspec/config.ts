// Custom transformer configurations: `configurations:` files (the same shape as kustomize's
// default config) and `crds:` files (OpenAPI definitions whose properties carry
// x-kubernetes-object-ref-* extensions), merged onto the defaults.

import { KtsError } from '../../errors.js';
import type { Json, JsonObject } from '../resource.js';
import type { NameBackReference, TransformerConfig } from './defaults.js';
import { defaultTransformerConfig, sortTransformerConfig } from './defaults.js';
import type { FieldSpec, Gvk } from './fieldspec.js';
import { goField, mergeFieldSpecs, parseFieldSpec, parseFieldSpecs, sortByGvk } from './fieldspec.js';

type ListKey = Exclude<keyof TransformerConfig, 'nameReference'>;

/** The YAML key of each list in a configuration file. */
const LIST_KEYS: Record<string, ListKey> = {
  namePrefix: 'namePrefix',
  nameSuffix: 'nameSuffix',
  namespace: 'nameSpace',
  commonLabels: 'commonLabels',
  templateLabels: 'templateLabels',
  labels: 'labels',
  commonAnnotations: 'commonAnnotations',
  varReference: 'varReference',
  images: 'images',
  replicas: 'replicas',
};

export function emptyTransformerConfig(): TransformerConfig {
  return {
    namePrefix: [],
    nameSuffix: [],
    nameSpace: [],
    commonLabels: [],
    templateLabels: [],
    labels: [],
    commonAnnotations: [],
    nameReference: [],
    varReference: [],
    images: [],
    replicas: [],
  };
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const sameGvk = (a: Gvk, b: Gvk): boolean =>
  (a.group ?? '') === (b.group ?? '') && (a.version ?? '') === (b.version ?? '') && (a.kind ?? '') === (b.kind ?? '');

/** Merges name back-references by referred gvk, appending new referrer fields (nbrSlice.mergeAll). */
export function mergeNameReferences(into: readonly NameBackReference[], more: readonly NameBackReference[]): NameBackReference[] {
  const out = into.map((r) => ({ ...r, fieldSpecs: [...r.fieldSpecs] }));
  for (const r of more) {
    const same = out.find((x) => sameGvk(x, r));
    if (same) same.fieldSpecs = mergeFieldSpecs(same.fieldSpecs, r.fieldSpecs);
    else out.push({ ...r, fieldSpecs: [...r.fieldSpecs] });
  }
  return out;
}

/** Go's names of the lists, for errors ("failed to merge NamePrefix fieldSpec"). */
const GO_NAMES: Record<ListKey | 'nameReference', string> = {
  namePrefix: 'NamePrefix',
  nameSuffix: 'NameSuffix',
  nameSpace: 'NameSpace',
  commonLabels: 'CommonLabels',
  templateLabels: 'TemplateLabels',
  labels: 'Labels',
  commonAnnotations: 'CommonAnnotations',
  nameReference: 'NameReference',
  varReference: 'VarReference',
  images: 'Images',
  replicas: 'Replicas',
};

/** Runs one list's merge, naming the list in a conflict as kustomize does. */
function mergingList<T>(key: ListKey | 'nameReference', merge: () => T): T {
  try {
    return merge();
  } catch (e) {
    if (e instanceof KtsError) throw new KtsError(e.code, `failed to merge ${GO_NAMES[key]} fieldSpec: ${e.message}`, { file: e.file, field: e.field });
    throw e;
  }
}

/**
 * `a` extended with everything in `b`, then sorted by gvk (kustomize TransformerConfig.Merge).
 * Merging is not symmetric: a spec of `b` covered by a narrower one in `a` is dropped, so which
 * side a spec comes from, and the sort between merges, decide which duplicates survive.
 * `a` is sorted (every config is: the defaults, parsed files, and what this returns), and Go's
 * sort leaves sorted input as it is, so only the lists that grew are sorted again: a build merges
 * the defaults into configs that already hold them several times.
 */
export function mergeTransformerConfigs(a: TransformerConfig, b: TransformerConfig): TransformerConfig {
  const out = { ...a };
  for (const key of Object.values(LIST_KEYS)) {
    out[key] = mergingList(key, () => mergeFieldSpecs(a[key], b[key]));
    if (out[key].length > a[key].length) sortByGvk(out[key]);
  }
  out.nameReference = mergingList('nameReference', () => mergeNameReferences(a.nameReference, b.nameReference));
  if (out.nameReference.length > a.nameReference.length) sortByGvk(out.nameReference);
  return out;
}

const FIELD_SPEC_KEYS = ['group', 'version', 'kind', 'path', 'create'];
const NAME_REFERENCE_KEYS = ['group', 'version', 'kind', 'fieldSpecs'];

/** kustomize decodes configuration files strictly: a key Go's JSON decoding cannot place is an error. */
function rejectUnknown(obj: JsonObject, known: readonly string[], file: string, field?: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.some((k) => k.toLowerCase() === key.toLowerCase())) throw new KtsError('config', `unknown field "${key}"`, { file, field });
  }
}

function strictFieldSpecs(value: Json | undefined, file: string, field: string) {
  if (Array.isArray(value)) value.forEach((v, i) => isObject(v) && rejectUnknown(v, FIELD_SPEC_KEYS, file, `${field}[${i}]`));
  return parseFieldSpecs(value, file, field);
}

/** Reads one `configurations:` file (already parsed), sorted by gvk; decoded strictly, keys matched case-insensitively, as kustomize does. */
export function parseTransformerConfig(doc: Json, file: string): TransformerConfig {
  const tc = emptyTransformerConfig();
  if (doc === null) return tc;
  if (!isObject(doc)) throw new KtsError('config', 'a transformer configuration must be a mapping', { file });
  rejectUnknown(doc, [...Object.keys(LIST_KEYS), 'nameReference'], file);
  for (const [key, list] of Object.entries(LIST_KEYS)) tc[list] = strictFieldSpecs(goField(doc, key), file, key);
  const refs = goField(doc, 'nameReference') ?? null;
  if (refs !== null && !Array.isArray(refs)) throw new KtsError('config', 'nameReference must be a list', { file, field: 'nameReference' });
  tc.nameReference = (refs ?? []).map((entry, i) => {
    const field = `nameReference[${i}]`;
    if (!isObject(entry)) throw new KtsError('config', 'a nameReference entry must be a mapping', { file, field });
    rejectUnknown(entry, NAME_REFERENCE_KEYS, file, field);
    const head = parseFieldSpec(entry, file, field);
    const ref: NameBackReference = { fieldSpecs: strictFieldSpecs(goField(entry, 'fieldSpecs'), file, `${field}.fieldSpecs`) };
    if (head.group) ref.group = head.group;
    if (head.version) ref.version = head.version;
    if (head.kind) ref.kind = head.kind;
    return ref;
  });
  return sortTransformerConfig(tc);
}

/**
 * One kustomization's own configuration (kustomize MakeTransformerConfig): the files merged
 * together first, then onto the defaults.
 */
export function transformerConfigWith(...configs: TransformerConfig[]): TransformerConfig {
  const defaults = defaultTransformerConfig();
  if (configs.length === 0) return defaults;
  return mergeTransformerConfigs(defaults, configs.reduce(mergeTransformerConfigs, emptyTransformerConfig()));
}

// --- crds: OpenAPI definitions (name -> {Schema: {properties}}) with kustomize's extensions ---

const X_KIND = 'x-kubernetes-object-ref-kind';
const X_VERSION = 'x-kubernetes-object-ref-api-version';
const X_NAME_KEY = 'x-kubernetes-object-ref-name-key';
const X_ANNOTATION = 'x-kubernetes-annotation';
const X_LABEL_SELECTOR = 'x-kubernetes-label-selector';
const X_IDENTITY = 'x-kubernetes-identity';

function propertiesOf(def: Json | undefined): JsonObject {
  if (!isObject(def)) return {};
  const schema = def.Schema ?? def.schema;
  if (!isObject(schema)) return {};
  return isObject(schema.properties) ? schema.properties : {};
}

/** Name references (and labels/annotations/name fields) declared by CRD schemas in one file. */
export function configFromCrdSchemas(doc: Json, file: string): TransformerConfig {
  if (!isObject(doc)) throw new KtsError('config', 'a crds file must map type names to OpenAPI definitions', { file });
  let tc = emptyTransformerConfig();
  for (const [typeName, def] of Object.entries(doc)) {
    if (!isObject(def)) {
      throw new KtsError('config', `'${typeName}' is not an OpenAPI definition (a crds file holds definitions, not CustomResourceDefinitions)`, {
        file,
        field: typeName,
      });
    }
    const props = propertiesOf(def);
    if (!('kind' in props && 'apiVersion' in props && 'metadata' in props)) continue;
    const kind = typeName.slice(typeName.lastIndexOf('/') + 1).replace(/^.*\./, '');
    const one = emptyTransformerConfig();
    collectCrd(one, { kind }, doc, typeName, [], new Set());
    tc = mergeTransformerConfigs(tc, one);
  }
  return tc;
}

function collectCrd(tc: TransformerConfig, gvk: Gvk, defs: JsonObject, typeName: string, path: string[], seen: Set<string>): void {
  if (seen.has(typeName)) return;
  const props = propertiesOf(defs[typeName]);
  const inner = new Set(seen).add(typeName);
  const at = (p: string[]): FieldSpec => ({ ...gvk, path: p.join('/') });
  for (const [name, prop] of Object.entries(props)) {
    if (!isObject(prop)) continue;
    if (typeof prop[X_ANNOTATION] === 'string') tc.commonAnnotations = mergeFieldSpecs(tc.commonAnnotations, [at([...path, 'metadata', 'annotations'])]);
    if (typeof prop[X_LABEL_SELECTOR] === 'string') tc.commonLabels = mergeFieldSpecs(tc.commonLabels, [at([...path, name])]);
    if (typeof prop[X_IDENTITY] === 'string') tc.namePrefix = mergeFieldSpecs(tc.namePrefix, [at([...path, name])]);
    const version = prop[X_VERSION];
    const kind = prop[X_KIND];
    if (typeof version === 'string' && typeof kind === 'string') {
      const nameKey = typeof prop[X_NAME_KEY] === 'string' ? (prop[X_NAME_KEY] as string) : 'name';
      tc.nameReference = mergeNameReferences(tc.nameReference, [{ kind, version, fieldSpecs: [at([...path, name, nameKey])] }]);
    }
    if (typeof prop.$ref === 'string') collectCrd(tc, gvk, defs, prop.$ref, [...path, name], inner);
  }
}
