import { KtsError } from '../errors.js';
import type { TransformerConfig } from './fieldspec/defaults.js';
import { configFromCrdSchemas, emptyTransformerConfig, mergeTransformerConfigs, parseTransformerConfig, transformerConfigWith } from './fieldspec/config.js';
import { generate, mergeOptions } from './generators.js';
import { inflateChart, type HelmConfig } from './helm.js';
import { loadKustomization, type Kustomization, type LoadedKustomization } from './kustomization.js';
import { displayPath, Loader, quotedPath, withReferrer, type Referrer } from './loader.js';
import { cleanPath, isRemoteFile, isRepoSpec } from './repospec.js';
import { builtinGenerator, builtinTransformer, kustomizationTransformers, type PluginContext, type Transformer } from './plugins.js';
import { absorb, ResMap } from './resmap.js';
import { jsonEqual, newResource, type Json, type JsonObject, type Resource } from './resource.js';
import { parseObjects, parseResources } from './resources.js';
import { cloneJson } from './json.js';
import { parseFirstDocument } from './yaml/firstdoc.js';
import { parseYamlDocuments } from './yaml/parse.js';
import { schemaForOpenApiField, type MergeSchema } from './merge/schema.js';
import { bindVars, mergeVars, parseVars, type Var } from './transformers/vars.js';

// One kustomization being built, as kustomize's KustTarget: resources, then configurations and
// crds, then generators, then components, then the builtin transformers in kustomize's order,
// then `transformers:` and `validators:` entries. The top-level steps that run once (hashes,
// back-references, vars, sorting) live in build.ts.

/** What a kustomization hands to its parent: resources plus the rules gathered so far. */
export interface Accumulator {
  resmap: ResMap;
  tconfig: TransformerConfig;
  vars: Var[];
}

export function emptyAccumulator(): Accumulator {
  return { resmap: new ResMap(), tconfig: emptyTransformerConfig(), vars: [] };
}

/** Folds a child kustomization's result into `into` (kustomize's MergeAccumulator). */
function mergeAccumulator(into: Accumulator, from: Accumulator, ref: Referrer): void {
  try {
    into.resmap.appendAll(from.resmap.resources());
  } catch (e) {
    throw withReferrer(e, ref);
  }
  into.tconfig = mergeTransformerConfigs(into.tconfig, from.tconfig);
  into.vars = mergeVars(into.vars, from.vars);
}

/** State kustomize keeps globally for one build: the patch-merge schema set by an `openapi:` field. */
export interface BuildState {
  schema?: MergeSchema;
  /** Once a kustomization set the schema, only the top-level one may change it (kustomize openapi.SetSchema). */
  schemaSet: boolean;
  /** The top kustomization's buildMetadata, in force for the whole build. */
  buildMetadata: string[];
  /** Set by --enable-helm: how to run helm for `helmCharts`. */
  helm?: HelmConfig;
}

export class KustTarget {
  readonly kustomization: Kustomization;
  readonly file: string;
  readonly fileName: string;

  constructor(
    readonly ldr: Loader,
    loaded: LoadedKustomization,
    /** Path prefix for origin annotations (kustomize's origin.path), '' at the top. */
    readonly originPath: string,
    readonly state: BuildState,
    top: boolean,
  ) {
    this.kustomization = loaded.kustomization;
    this.file = loaded.file;
    this.fileName = loaded.fileName;
    this.setSchema(top);
  }

  private setSchema(reset: boolean): void {
    const field = this.kustomization.openapi;
    if (!field) return;
    const text = field.path !== undefined ? this.ldr.load(field.path, { file: this.file, field: 'openapi.path' }) : undefined;
    if (this.state.schemaSet && !reset) return;
    if (field.path === undefined && !field.version) {
      if (reset) this.state.schemaSet = false;
      return;
    }
    this.state.schema = schemaForOpenApiField(field, text, this.file);
    this.state.schemaSet = true;
  }

  private ctx(): PluginContext {
    return { ldr: this.ldr, file: this.file, configuredIn: joinOrigin(this.originPath, this.fileName), schema: this.state.schema, helm: this.state.helm };
  }

  /** Accumulates this kustomization into `acc` (a fresh one, or the parent's for a Component). */
  accumulate(acc: Acc): Acc {
    const k = this.kustomization;
    this.accumulateResources(acc.resmap, k.resources ?? [], 'resources', acc);
    const own: TransformerConfig[] = [];
    for (const [i, path] of (k.configurations ?? []).entries()) {
      const ref = { file: this.file, field: `configurations[${i}]` };
      // kustomize decodes a configuration file strictly with go-yaml v2
      const doc = parseFirstDocument(this.ldr.load(path, ref), displayPath(this.ldr.abs(path)), { goYamlV2: true, strict: true });
      own.push(parseTransformerConfig(doc, displayPath(this.ldr.abs(path))));
    }
    acc.tconfig = this.mergingConfig('configurations', () => mergeTransformerConfigs(acc.tconfig, transformerConfigWith(...own)));
    let crdConfig = emptyTransformerConfig();
    for (const [i, path] of (k.crds ?? []).entries()) {
      const ref = { file: this.file, field: `crds[${i}]` };
      for (const doc of parseYamlDocuments(this.ldr.load(path, ref), displayPath(this.ldr.abs(path)))) {
        crdConfig = mergeTransformerConfigs(crdConfig, configFromCrdSchemas(doc, displayPath(this.ldr.abs(path))));
      }
    }
    acc.tconfig = this.mergingConfig('crds', () => mergeTransformerConfigs(acc.tconfig, crdConfig));
    this.runGenerators(acc);
    for (const [i, path] of (k.components ?? []).entries()) {
      const ref = { file: this.file, field: `components[${i}]` };
      const sub = this.subTarget(path, ref, true);
      try {
        sub.accumulate(acc);
      } catch (e) {
        throw withReferrer(e, ref);
      }
    }
    this.runTransformers(acc);
    this.runValidators(acc);
    const vars = parseVars(k.vars as Json | undefined, { file: this.file, field: 'vars', strict: true });
    bindVars(acc.resmap.resources(), vars);
    acc.vars = mergeVars(acc.vars, vars);
    return acc;
  }

  /** Runs a merge into the accumulated config; a conflict names this kustomization (kustomize's "merging config"). */
  private mergingConfig(field: string, merge: () => TransformerConfig): TransformerConfig {
    try {
      return merge();
    } catch (e) {
      if (e instanceof KtsError && !e.file) throw new KtsError(e.code, `merging config: ${e.message}`, { file: this.file, field });
      throw e;
    }
  }

  private subTarget(path: string, ref: Referrer, component: boolean): KustTarget {
    const ldr = this.ldr.child(path, ref);
    if (!ldr) {
      const what = component ? 'component directory' : 'resource';
      throw new KtsError('missing-file', `${what} ${quotedPath(path)} not found (referred to by ${this.file})`, ref);
    }
    let loaded: LoadedKustomization;
    try {
      loaded = loadKustomization(ldr);
    } catch (e) {
      if (e instanceof KtsError && e.code === 'no-kustomization') {
        throw new KtsError(e.code, `${quotedPath(path)} is neither a file nor a directory with a kustomization (${e.message})`, ref);
      }
      throw e;
    }
    const kind = loaded.kustomization.kind;
    if (component && kind !== 'Component') {
      throw new KtsError('kustomization', `expected kind 'Component' for '${path}' but got '${kind}'`, ref);
    }
    if (!component && kind === 'Component') {
      throw new KtsError('kustomization', `'${path}' is a Component: list it under components, not resources`, ref);
    }
    const sub = new KustTarget(ldr, loaded, joinOrigin(this.originPath, path), this.state, false);
    return sub;
  }

  /** Files and directories of `paths` appended to `into`, in order. */
  /** `indexes`: where each path stands in the kustomization's list, when `paths` is a part of it. */
  private accumulateResources(into: ResMap, paths: string[], field: string, parent: Acc | undefined, indexes?: number[]): void {
    for (const [i, path] of paths.entries()) {
      const ref = { file: this.file, field: `${field}[${indexes?.[i] ?? i}]` };
      // As kustomize: a URL is first fetched as a file; when that fails, it may still name a repository.
      const url = isRemoteFile(path);
      let text: string | undefined;
      if (url) {
        try {
          text = this.ldr.load(path, ref);
          if (isRepoSpec(path)) parseResources(text, path);
        } catch (e) {
          if (!(e instanceof KtsError) || !isRepoSpec(path)) throw e;
          text = undefined;
        }
      }
      if (text !== undefined || (!url && this.ldr.isFile(path))) {
        const file = url ? path : displayPath(this.ldr.abs(path));
        const resources = parseResources(text ?? this.ldr.load(path, ref), file);
        const origin = joinOrigin(this.originPath, path);
        for (const r of resources) r.origin = { path: origin };
        try {
          into.appendAll(resources);
        } catch (e) {
          throw withReferrer(e, ref);
        }
        continue;
      }
      const sub = this.subTarget(path, ref, false);
      const subAcc = sub.accumulate(emptyAccumulator());
      if (parent) mergeAccumulator(parent, subAcc, ref);
      else {
        try {
          into.appendAll(subAcc.resmap.resources());
        } catch (e) {
          throw withReferrer(e, ref);
        }
      }
    }
  }

  private runGenerators(acc: Acc): void {
    const k = this.kustomization;
    const generated: { r: Resource; ref: Referrer }[] = [];
    for (const [i, args] of (k.configMapGenerator ?? []).entries()) {
      const ref = { file: this.file, field: `configMapGenerator[${i}]` };
      const r = generate('ConfigMap', withOptions(args, k), this.ldr, ref);
      r.origin = { path: '', configuredIn: this.ctx().configuredIn, configuredBy: { apiVersion: 'builtin', kind: 'ConfigMapGenerator', name: '' } };
      generated.push({ r, ref });
    }
    for (const [i, args] of (k.secretGenerator ?? []).entries()) {
      const ref = { file: this.file, field: `secretGenerator[${i}]` };
      const r = generate('Secret', withOptions(args, k), this.ldr, ref);
      r.origin = { path: '', configuredIn: this.ctx().configuredIn, configuredBy: { apiVersion: 'builtin', kind: 'SecretGenerator', name: '' } };
      generated.push({ r, ref });
    }
    for (const [i, chart] of (k.helmCharts ?? []).entries()) {
      const ref = { file: this.file, field: `helmCharts[${i}]` };
      for (const r of inflateChart(chart, k.helmGlobals ?? {}, this.ldr, this.state.helm, ref)) {
        r.origin = { path: '', configuredIn: this.ctx().configuredIn, configuredBy: { apiVersion: 'builtin', kind: 'HelmChartInflationGenerator', name: '' } };
        generated.push({ r, ref });
      }
    }
    for (const { config, ref, configuredIn } of this.pluginConfigs(k.generators ?? [], 'generators')) {
      for (const r of builtinGenerator(config, this.ctx(), ref, configuredIn)) generated.push({ r, ref });
    }
    for (const { r, ref } of generated) {
      try {
        absorb(acc.resmap, r);
      } catch (e) {
        throw withReferrer(e, ref);
      }
    }
  }

  /**
   * Entries of `generators:`/`transformers:`/`validators:`, in the order kustomize's
   * configureExternal* runs them: every inline config first, then the files and directories, all
   * in one resource map (a repeated id is an error).
   */
  private pluginConfigs(entries: string[], field: string): PluginConfig[] {
    const here = joinOrigin(this.originPath, this.fileName);
    const rm = new ResMap();
    const found = new Map<Resource, PluginConfig>();
    const files: number[] = [];
    for (const [i, entry] of entries.entries()) {
      const inline = inlineConfigs(entry, this.file);
      if (!inline) {
        files.push(i);
        continue;
      }
      const ref = { file: this.file, field: `${field}[${i}]` };
      for (const config of inline) {
        const r = newResource(config);
        try {
          rm.append(r);
        } catch (e) {
          throw withReferrer(e, ref);
        }
        found.set(r, { config, ref, configuredIn: here });
      }
    }
    for (const i of files) {
      const before = rm.size;
      this.accumulateResources(rm, [entries[i]!], field, undefined, [i]);
      for (const r of rm.resources().slice(before)) found.set(r, { config: r.obj, ref: { file: this.file, field: `${field}[${i}]` }, configuredIn: r.origin?.path || here });
    }
    return rm.resources().map((r) => found.get(r)!);
  }

  /** Runs a transformer, recording it on every resource when transformer annotations are wanted. */
  private runOne(t: Transformer, rm: ResMap): void {
    try {
      t.run(rm);
    } catch (e) {
      throw withReferrer(e, t.ref);
    }
    if (!this.state.buildMetadata.includes('transformerAnnotations')) return;
    for (const r of rm.resources()) for (let i = 0; i < (t.count ?? 1); i++) (r.transformations ??= []).push(t.origin);
  }

  private runTransformers(acc: Acc): void {
    const ctx = { ...this.ctx(), tconfig: acc.tconfig };
    for (const t of kustomizationTransformers(this.kustomization, ctx)) this.runOne(t, acc.resmap);
    for (const { config, ref, configuredIn } of this.pluginConfigs(this.kustomization.transformers ?? [], 'transformers')) {
      this.runOne(builtinTransformer(config, ctx, ref, configuredIn), acc.resmap);
    }
  }

  private runValidators(acc: Acc): void {
    const ctx = { ...this.ctx(), tconfig: acc.tconfig };
    for (const { config, ref, configuredIn } of this.pluginConfigs(this.kustomization.validators ?? [], 'validators')) {
      const before = cloneJson(acc.resmap.resources().map((r) => r.obj));
      const t = builtinTransformer(config, ctx, ref, configuredIn);
      try {
        t.run(acc.resmap);
      } catch (e) {
        throw withReferrer(e, ref);
      }
      if (!jsonEqual(acc.resmap.resources().map((r) => r.obj), before)) {
        throw new KtsError('validator', "validator shouldn't modify the resource map", ref);
      }
    }
  }
}

type Acc = Accumulator;

interface PluginConfig {
  config: JsonObject;
  ref: Referrer;
  /** Origin path of the file holding the config (the kustomization itself for inline ones). */
  configuredIn: string;
}

function withOptions<T extends { options?: Kustomization['generatorOptions'] }>(args: T, k: Kustomization): T {
  return { ...args, options: mergeOptions(args.options, k.generatorOptions) };
}

/** kustomize's origin.Append: paths joined as filepath.Join does. */
export function joinOrigin(base: string, path: string): string {
  if (!base) return cleanPath(path);
  return cleanPath(`${base}/${path}`);
}

/**
 * kustomize reads every entry as resources first: one that reads (objects with a kind, or nothing
 * at all, as an empty or blank entry) is inline plugin config; one that does not is a path.
 */
function inlineConfigs(entry: string, file: string): JsonObject[] | undefined {
  try {
    return parseObjects(entry, file);
  } catch {
    return undefined;
  }
}
