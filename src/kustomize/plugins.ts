import { KtsError } from '../errors.js';
import type { TransformerConfig } from './fieldspec/defaults.js';
import { parseFieldSpecs, type FieldSpec } from './fieldspec/fieldspec.js';
import { generate, makeIamServiceAccount } from './generators.js';
import { inflateChart, type HelmConfig } from './helm.js';
import { transformHashes } from './hash.js';
import { toHelmPluginConfig, type GeneratorArgs, type GeneratorOptions, type Image, type Kustomization, type Selector } from './kustomization.js';
import { basename } from 'node:path';
import { displayPath, withReferrer, type Loader, type Referrer } from './loader.js';
import type { MergeSchema } from './merge/schema.js';
import { applyPatchTransformer, json6902Transformer, loadPatchTransformer, strategicMergeTransformer } from './patches.js';
import { transformImageTags, type ImageTag } from './transformers/images.js';
import { applyReplacements, loadReplacements, type ReadFile } from './transformers/replacements.js';
import { applyValueAdd, parseValueAdd } from './transformers/valueadd.js';
import type { ResMap } from './resmap.js';
import type { Origin } from './metadata.js';
import { metadataOf, splitApiVersion, type Json, type JsonObject, type Resource } from './resource.js';
import { transformAnnotations } from './transformers/annotations.js';
import { labelsEntryFieldSpecs, transformLabels } from './transformers/labels.js';
import { transformNamespace, type RoleBindingSubjectMode } from './transformers/namespace.js';
import { transformPrefixSuffix } from './transformers/prefixsuffix.js';
import { transformReplicaCount } from './transformers/replicas.js';

// kustomize's builtin plugins, configured either from kustomization fields or from
// `generators:`/`transformers:`/`validators:` entries (a config object with `apiVersion: builtin`
// and the plugin's kind). Each kind maps to the transformer function that implements it.
// External (exec, Go, KRM-function) plugins are refused: a build never runs programs.

export interface PluginContext {
  ldr: Loader;
  /** The kustomization file, for messages. */
  file: string;
  /** Origin path of the kustomization file (buildMetadata's configuredIn). */
  configuredIn: string;
  tconfig?: TransformerConfig;
  /** The patch-merge schema in force (openapi field), when not the builtin one. */
  schema?: MergeSchema;
  /** Set by --enable-helm. */
  helm?: HelmConfig;
}

export interface Transformer {
  /** Where the transformer was configured, for transformer annotations. */
  origin: Origin;
  /** The kustomization entry that configured it, for messages. */
  ref: Referrer;
  /** How many of kustomize's transformers it does the work of (one per `images:` entry); 1 when left out. */
  count?: number;
  run(rm: ResMap): void;
}

type ListTransform = (resources: Resource[]) => Resource[];
type MapTransform = (rm: ResMap) => void;

/** A configured plugin: a pure function over the resource list, or one that needs the id index. */
type TransformerFactory = (config: JsonObject, ctx: PluginContext, ref: Referrer) => ListTransform | { map: MapTransform };

/** Typed access to a plugin config, with errors naming the plugin. */
class Config {
  constructor(
    readonly obj: JsonObject,
    readonly ref: Referrer,
    /** The whole plugin config and the path to `obj` in it, when `obj` is a nested map. */
    private readonly owner: { obj: JsonObject; path: string } = { obj, path: '' },
  ) {}

  /** The nested map under `key` (empty when missing), failing in the name of the whole plugin. */
  child(key: string): Config {
    return new Config(this.object(key) ?? {}, this.ref, { obj: this.owner.obj, path: `${this.owner.path}${key}.` });
  }

  fail(message: string, field?: string): never {
    throw new KtsError('plugin-config', `plugin ${pluginName(this.owner.obj)} fails configuration: ${message}`, {
      file: this.ref.file,
      field: field ? `${this.ref.field}.${this.owner.path}${field}` : this.ref.field,
    });
  }

  /** A field as Go's JSON decoding finds it: exact name first, else case-insensitively. */
  get(key: string): Json | undefined {
    if (Object.hasOwn(this.obj, key)) return this.obj[key];
    const lower = key.toLowerCase();
    const found = Object.keys(this.obj).find((k) => k.toLowerCase() === lower);
    return found === undefined ? undefined : this.obj[found];
  }

  str(key: string): string {
    const v = this.get(key);
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
    return this.fail(`'${key}' must be a string`, key);
  }

  /** A string field as Go's JSON decoding reads it into a string: a number or boolean is an error. */
  text(key: string): string {
    const v = this.get(key);
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v;
    return this.fail(`json: cannot unmarshal ${jsonType(v)} into '${key}' of type string`, key);
  }

  /** A map[string]string field as Go's JSON decoding reads it: every value a string (null reads as ""). */
  textMap(key: string): Record<string, string> {
    const o = this.child(key);
    const out: Record<string, string> = Object.create(null);
    for (const k of Object.keys(o.obj)) out[k] = o.text(k);
    return out;
  }

  bool(key: string): boolean {
    const v = this.get(key);
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') this.fail(`'${key}' must be true or false`, key);
    return v as boolean;
  }

  map(key: string): Record<string, string> {
    const v = this.get(key);
    if (v === undefined || v === null) return Object.create(null);
    if (typeof v !== 'object' || Array.isArray(v)) return this.fail(`'${key}' must be a map`, key);
    const out: Record<string, string> = Object.create(null);
    for (const [k, x] of Object.entries(v)) out[k] = x === null ? '' : typeof x === 'object' ? this.fail(`'${key}.${k}' must be a string`, key) : String(x);
    return out;
  }

  object(key: string): JsonObject | undefined {
    const v = this.get(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) return this.fail(`'${key}' must be a map`, key);
    return v;
  }

  fieldSpecs(key = 'fieldSpecs'): FieldSpec[] {
    return parseFieldSpecs(this.get(key), this.ref.file, `${this.ref.field}.${key}`);
  }
}

/** The JSON type name Go's decoder reports for a value it cannot decode. */
function jsonType(v: Json): string {
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;
}

/** kustomize's ResId string of a plugin config, e.g. `PatchTransformer.builtin.[noGrp]/name.[noNs]`. */
function pluginName(obj: JsonObject): string {
  const { group, version } = splitApiVersion(typeof obj.apiVersion === 'string' ? obj.apiVersion : '');
  const meta = metadataOf(obj);
  const ns = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : '[noNs]';
  return `${String(obj.kind ?? '')}.${version || '[noVer]'}.${group || '[noGrp]'}/${String(meta.name ?? '')}.${ns}`;
}

function selectorOf(c: Config, key: string): Selector | undefined {
  const t = c.object(key);
  if (!t) return undefined;
  const tc = new Config(t, c.ref);
  const s: Selector = {};
  for (const k of ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const) {
    const v = tc.str(k);
    if (v) s[k] = v;
  }
  return s;
}

/** The prefix and suffix plugins refuse a config without fieldSpecs (Go's nil list); `[]` is accepted. */
function nameFieldSpecs(c: Config): FieldSpec[] {
  const v = c.get('fieldSpecs');
  if (v === undefined || v === null) c.fail('fieldSpecs is not expected to be nil');
  return c.fieldSpecs();
}

/** The `imageTag` of an ImageTagTransformer config. */
function imageTagOf(c: Config): ImageTag {
  const t = new Config(c.object('imageTag') ?? {}, c.ref);
  const imageTag: ImageTag = { name: t.str('name') };
  for (const k of ['newName', 'newTag', 'digest', 'tagSuffix'] as const) if (t.str(k)) imageTag[k] = t.str(k);
  return imageTag;
}

const TRANSFORMERS: Record<string, TransformerFactory> = {
  AnnotationsTransformer: (obj, _ctx, ref) => {
    const c = new Config(obj, ref);
    const cfg = { annotations: c.map('annotations'), fieldSpecs: c.fieldSpecs() };
    return (rs) => transformAnnotations(rs, cfg);
  },
  LabelTransformer: (obj, _ctx, ref) => {
    const c = new Config(obj, ref);
    const cfg = { labels: c.map('labels'), fieldSpecs: c.fieldSpecs() };
    return (rs) => transformLabels(rs, cfg);
  },
  NamespaceTransformer: (obj, _ctx, ref) => {
    const c = new Config(obj, ref);
    const ns = metadataOf(obj).namespace;
    const cfg = {
      namespace: typeof ns === 'string' ? ns : '',
      fieldSpecs: c.fieldSpecs(),
      unsetOnly: c.bool('unsetOnly'),
      setRoleBindingSubjects: c.str('setRoleBindingSubjects') as RoleBindingSubjectMode,
    };
    return (rs) => transformNamespace(rs, cfg);
  },
  PrefixSuffixTransformer: (obj, _ctx, ref) => {
    const c = new Config(obj, ref);
    const cfg = { prefix: c.str('prefix'), suffix: c.str('suffix'), fieldSpecs: nameFieldSpecs(c) };
    return (rs) => transformPrefixSuffix(rs, cfg);
  },
  PrefixTransformer: (obj, _ctx, ref) => {
    const c = new Config(obj, ref);
    const cfg = { prefix: c.str('prefix'), fieldSpecs: nameFieldSpecs(c) };
    return (rs) => transformPrefixSuffix(rs, cfg);
  },
  SuffixTransformer: (obj, _ctx, ref) => {
    const c = new Config(obj, ref);
    const cfg = { suffix: c.str('suffix'), fieldSpecs: nameFieldSpecs(c) };
    return (rs) => transformPrefixSuffix(rs, cfg);
  },
  ReplicaCountTransformer: (obj, _ctx, ref) => {
    const c = new Config(obj, ref);
    const replica = c.object('replica') ?? {};
    const count = replica.count;
    const cfg = {
      replica: { name: typeof replica.name === 'string' ? replica.name : '', count: typeof count === 'number' ? count : 0 },
      fieldSpecs: c.fieldSpecs(),
    };
    return { map: (rm) => transformReplicaCount(rm, cfg) };
  },
  PatchTransformer: (obj, ctx, ref) => {
    const c = new Config(obj, ref);
    const patch = loadPatchTransformer(
      { path: c.str('path'), patch: c.str('patch'), target: selectorOf(c, 'target'), options: optionsOf(c) },
      ctx.ldr,
      (m) => c.fail(m),
      ref,
    );
    return { map: (rm) => applyPatchTransformer(rm, patch, ctx.schema) };
  },
  PatchStrategicMergeTransformer: (obj, ctx, ref) => {
    const c = new Config(obj, ref);
    const paths = c.get('paths');
    const list = Array.isArray(paths) ? paths.map((p) => (typeof p === 'string' ? p : c.fail('paths must be strings'))) : [];
    const patches = c.str('patches');
    if (list.length === 0 && patches === '') c.fail('empty file path and empty patch content');
    const t = strategicMergeTransformer(list, patches, ctx.ldr, (m) => c.fail(m), ref);
    return { map: (rm) => t(rm, ctx.schema) };
  },
  PatchJson6902Transformer: (obj, ctx, ref) => {
    const c = new Config(obj, ref);
    return { map: json6902Transformer({ target: selectorOf(c, 'target'), path: c.str('path'), jsonOp: c.str('jsonOp') }, ctx.ldr, (m) => c.fail(m), ref) };
  },
  ImageTagTransformer: (obj, _ctx, ref) => {
    const c = new Config(obj, ref);
    const tags = [imageTagOf(c)];
    const fieldSpecs = c.fieldSpecs();
    return { map: (rm) => transformImageTags(rm, tags, fieldSpecs) };
  },
  ReplacementTransformer: (obj, ctx, ref) => {
    const replacements = loadReplacements(new Config(obj, ref).get('replacements'), { file: ref.file, field: `${ref.field}.replacements`, inKustomization: false }, reader(ctx));
    return (rs) => applyReplacements(rs, replacements);
  },
  HashTransformer: () => transformHashes,
  ValueAddTransformer: (obj, ctx, ref) => {
    const cfg = parseValueAdd(obj, { file: ref.file, field: ref.field, rootName: basename(ctx.ldr.root), read: (p) => reader(ctx)(p, ref) });
    return (rs) => applyValueAdd(rs, cfg);
  },
};

/** Reads a file a plugin config names, relative to the kustomization. */
function reader(ctx: PluginContext): ReadFile {
  return (path, ref) => ({ text: ctx.ldr.load(path, { file: ref.file ?? ctx.file, field: ref.field }), file: displayPath(ctx.ldr.abs(path)) });
}

function generatorOptions(o: Config): GeneratorOptions {
  return { labels: o.textMap('labels'), annotations: o.textMap('annotations'), disableNameSuffixHash: o.bool('disableNameSuffixHash'), immutable: o.bool('immutable') };
}

function optionsOf(c: Config): { allowNameChange?: boolean; allowKindChange?: boolean } {
  const o = c.object('options') ?? {};
  const opts = new Config(o, c.ref);
  return { allowNameChange: opts.get('allowNameChange') === true, allowKindChange: opts.get('allowKindChange') === true };
}

function isBuiltin(obj: JsonObject): boolean {
  const { group, version } = splitApiVersion(typeof obj.apiVersion === 'string' ? obj.apiVersion : '');
  return group === '' && version === 'builtin';
}

function refuseExternal(obj: JsonObject, ref: Referrer): never {
  throw new KtsError(
    'plugin-refused',
    `external plugin ${String(obj.apiVersion ?? '')}/${String(obj.kind ?? '')} refused: kts runs only kustomize's builtin plugins (never exec or KRM-function plugins)`,
    ref,
  );
}

/** Which plugin config made or changed a resource, for build annotations (kustomize's ResourceIdentifier: apiVersion, kind, name, namespace). */
function configuredBy(kind: string, config: JsonObject): NonNullable<Origin['configuredBy']> {
  const meta = metadataOf(config);
  const by: NonNullable<Origin['configuredBy']> = { apiVersion: 'builtin', kind, name: String(meta.name ?? '') };
  if (meta.namespace !== undefined && meta.namespace !== null && meta.namespace !== '') by.namespace = String(meta.namespace);
  return by;
}

/** The transformer a `transformers:`/`validators:` config object asks for. */
export function builtinTransformer(config: JsonObject, ctx: PluginContext, ref: Referrer, configuredIn = ctx.configuredIn): Transformer {
  if (!isBuiltin(config)) refuseExternal(config, ref);
  const kind = String(config.kind ?? '');
  const factory = Object.hasOwn(TRANSFORMERS, kind) ? TRANSFORMERS[kind] : undefined;
  if (!factory) throw new KtsError('plugin-unknown', `unable to load builtin ${kind}.builtin.[noGrp]`, ref);
  const fn = factory(config, ctx, ref);
  const origin: Origin = { path: '', configuredIn, configuredBy: configuredBy(kind, config) };
  return { origin, ref, run: typeof fn === 'function' ? (rm) => rm.setResources(fn(rm.resources())) : fn.map };
}

/** The resources a `generators:` config object generates. */
export function builtinGenerator(config: JsonObject, ctx: PluginContext, ref: Referrer, configuredIn: string): Resource[] {
  if (!isBuiltin(config)) refuseExternal(config, ref);
  const kind = String(config.kind ?? '');
  if (kind === 'IAMPolicyGenerator') {
    const c = new Config(config, ref);
    const ks = new Config(c.object('kubernetesService') ?? {}, ref);
    const sa = new Config(c.object('serviceAccount') ?? {}, ref);
    const obj = makeIamServiceAccount(
      {
        cloud: c.str('cloud'),
        kubernetesService: { name: ks.str('name'), namespace: ks.str('namespace') },
        serviceAccount: { name: sa.str('name'), projectId: sa.str('projectId') },
      },
      ref,
    );
    return [{ obj, previous: [], origin: { path: '', configuredIn, configuredBy: configuredBy(kind, config) } }];
  }
  if (kind !== 'ConfigMapGenerator' && kind !== 'SecretGenerator') {
    if (kind === 'HelmChartInflationGenerator') {
      const origin = { path: '', configuredIn, configuredBy: configuredBy(kind, config) };
      const chart = toHelmPluginConfig(config, ref.file ?? ctx.file, ref.field ?? '');
      return inflateChart(chart, chart, ctx.ldr, ctx.helm, ref).map((r) => ({ ...r, origin }));
    }
    throw new KtsError('plugin-unknown', `unable to load builtin ${kind}.builtin.[noGrp]`, ref);
  }
  const c = new Config(config, ref);
  const meta = metadataOf(config);
  const list = (key: string): string[] | undefined => {
    const v = c.get(key);
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) return c.fail(`'${key}' must be a list`, key);
    return v.map((x) => (typeof x === 'string' ? x : c.fail(`'${key}' must be a list of strings`, key)));
  };
  const options = c.object('options');
  const args: GeneratorArgs & { type?: string } = {
    name: c.text('name') || (typeof meta.name === 'string' ? meta.name : ''),
    namespace: c.text('namespace') || (typeof meta.namespace === 'string' ? meta.namespace : ''),
    behavior: c.text('behavior'),
    literals: list('literals'),
    files: list('files'),
    envs: [...(list('envs') ?? []), ...(c.text('env') ? [c.text('env')] : [])],
    options: options ? generatorOptions(c.child('options')) : undefined,
    type: c.text('type'),
  };
  const r = generate(kind === 'ConfigMapGenerator' ? 'ConfigMap' : 'Secret', args, ctx.ldr, ref);
  r.origin = { path: '', configuredIn, configuredBy: configuredBy(kind, config) };
  return [r];
}

const builtin = (kind: string, fields: JsonObject): JsonObject => ({ apiVersion: 'builtin', kind, metadata: { name: '' }, ...fields });

const specs = (list: readonly FieldSpec[]): Json => list as unknown as Json;

/**
 * The `images:` field: kustomize's ImageTagTransformer per entry, run as one pass over the
 * resources (transformImageTags), recorded in transformer annotations once per entry.
 */
function imagesTransformer(images: readonly Image[], ctx: PluginContext & { tconfig: TransformerConfig }): Transformer {
  const refs = images.map((_, i): Referrer => ({ file: ctx.file, field: `images[${i}]` }));
  const tags = images.map((image, i) => imageTagOf(new Config(builtin('ImageTagTransformer', { imageTag: image as unknown as JsonObject }), refs[i]!)));
  const fieldSpecs = ctx.tconfig.images;
  return {
    origin: { path: '', configuredIn: ctx.configuredIn, configuredBy: { apiVersion: 'builtin', kind: 'ImageTagTransformer', name: '' } },
    ref: refs[0]!,
    count: images.length,
    run: (rm) => transformImageTags(rm, tags, fieldSpecs, (e, i) => withReferrer(e, refs[i]!)),
  };
}

/**
 * The builtin transformers a kustomization's fields configure, in kustomize's order:
 * patchesStrategicMerge, patches, namespace, prefix, suffix, labels, annotations,
 * patchesJson6902, replicas, images, replacements.
 */
export function kustomizationTransformers(k: Kustomization, ctx: PluginContext & { tconfig: TransformerConfig }): Transformer[] {
  const tc = ctx.tconfig;
  const configs: { config: JsonObject; field: string }[] = [];
  if (k.patchesStrategicMerge?.length) configs.push({ config: builtin('PatchStrategicMergeTransformer', { paths: k.patchesStrategicMerge }), field: 'patchesStrategicMerge' });
  for (const [i, p] of (k.patches ?? []).entries()) {
    configs.push({ config: builtin('PatchTransformer', p as unknown as JsonObject), field: `patches[${i}]` });
  }
  if (k.namespace) {
    configs.push({
      config: { apiVersion: 'builtin', kind: 'NamespaceTransformer', metadata: { name: '', namespace: k.namespace }, fieldSpecs: specs(tc.nameSpace) },
      field: 'namespace',
    });
  }
  if (k.namePrefix) configs.push({ config: builtin('PrefixTransformer', { prefix: k.namePrefix, fieldSpecs: specs(tc.namePrefix) }), field: 'namePrefix' });
  if (k.nameSuffix) configs.push({ config: builtin('SuffixTransformer', { suffix: k.nameSuffix, fieldSpecs: specs(tc.nameSuffix) }), field: 'nameSuffix' });
  for (const [i, l] of (k.labels ?? []).entries()) {
    const fieldSpecs = labelsEntryFieldSpecs({ ...l, pairs: l.pairs ?? {}, fields: l.fields ?? [] } as Parameters<typeof labelsEntryFieldSpecs>[0], tc);
    configs.push({ config: builtin('LabelTransformer', { labels: l.pairs ?? {}, fieldSpecs: specs(fieldSpecs) }), field: `labels[${i}]` });
  }
  if (k.commonLabels && Object.keys(k.commonLabels).length > 0) {
    configs.push({ config: builtin('LabelTransformer', { labels: k.commonLabels, fieldSpecs: specs(tc.commonLabels) }), field: 'commonLabels' });
  }
  if (k.commonAnnotations && Object.keys(k.commonAnnotations).length > 0) {
    configs.push({ config: builtin('AnnotationsTransformer', { annotations: k.commonAnnotations, fieldSpecs: specs(tc.commonAnnotations) }), field: 'commonAnnotations' });
  }
  for (const [i, p] of (k.patchesJson6902 ?? []).entries()) {
    const config: JsonObject = builtin('PatchJson6902Transformer', {});
    if (p.target) config.target = p.target as JsonObject;
    if (p.path) config.path = p.path;
    if (p.patch) config.jsonOp = p.patch;
    configs.push({ config, field: `patchesJson6902[${i}]` });
  }
  for (const [i, r] of (k.replicas ?? []).entries()) {
    configs.push({ config: builtin('ReplicaCountTransformer', { replica: r as JsonObject, fieldSpecs: specs(tc.replicas) }), field: `replicas[${i}]` });
  }
  const out = configs.map(({ config, field }) => {
    const t = builtinTransformer(config, ctx, { file: ctx.file, field });
    // kustomize names only the kind for transformers its own fields configure (no name, no namespace)
    t.origin.configuredBy = { apiVersion: 'builtin', kind: String(config.kind), name: '' };
    return t;
  });
  if (k.images?.length) out.push(imagesTransformer(k.images, ctx));
  if (k.replacements?.length) {
    const replacements = loadReplacements(k.replacements, { file: ctx.file, field: 'replacements', inKustomization: true }, reader(ctx));
    out.push({
      ref: { file: ctx.file, field: 'replacements' },
      origin: { path: '', configuredIn: ctx.configuredIn, configuredBy: { apiVersion: 'builtin', kind: 'ReplacementTransformer', name: '' } },
      run: (rm) => rm.setResources(applyReplacements(rm.resources(), replacements)),
    });
  }
  return out;
}
