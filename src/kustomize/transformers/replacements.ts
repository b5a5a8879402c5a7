// kustomize's replacements (api/filters/replacement, v5.5.0): copy a field of one source resource
// into fields of the selected target resources.
//
// API
//   loadReplacements(entries, ctx, read)  the `replacements:` list of a kustomization or of a
//                                         ReplacementTransformer config: inline entries and
//                                         `path:` entries (read through `read`), validated.
//   applyReplacements(resources, list)    runs them in order, editing the objects in place;
//                                         returns the same list.
//
// Semantics pinned against kubectl kustomize v5.5.0:
// - source/select/reject match by exact group/version/kind/name/namespace (no regexes) against
//   the current id and every previous id; '' and 'default' namespaces are equal, for every kind.
// - reject entries with a label/annotation selector drop what they match regardless of their
//   id part, and those with an id part drop resources any of whose ids match, regardless of
//   selectors.
// - target paths use kyaml PathMatcher ([k=v] is an unanchored regex, '*' walks a list); a path
//   that matches nothing is an error unless `create` makes it.
// - a scalar target keeps its type and takes the source's text; a map or list target (or a
//   created one) takes the source value as it is.

import { KtsError } from '../../errors.js';
import { cloneJson } from '../json.js';
import { formatId, idOf, kindOf, type Json, type ResId, type Resource } from '../resource.js';
import { parseLabelSelector } from '../select.js';
import { parseFirstDocument } from '../yaml/firstdoc.js';
import { resolvePlainV3 } from '../yaml/resolve.js';
import { at, atIndex, decodeBool, decodeInt, decodeList, decodeString, decodeStrings, fail, structFields, type DecodeContext } from '../refs/decode.js';
import { createKindOf, FieldPathError, isObject, lookupPath, matchPaths, scalarText, setSlot, slotValue, splitFieldPath, UntypedScalars, type Slot } from '../refs/path.js';

export interface FieldOptions {
  delimiter?: string;
  index?: number;
  encoding?: string;
  create?: boolean;
}

export interface IdSelector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface TargetFilter extends IdSelector {
  labelSelector?: string;
  annotationSelector?: string;
}

export interface ReplacementSource extends IdSelector {
  fieldPath?: string;
  options?: FieldOptions;
}

export interface ReplacementTarget {
  select: TargetFilter;
  reject?: TargetFilter[];
  fieldPaths?: string[];
  options?: FieldOptions;
}

export interface Replacement {
  source: ReplacementSource;
  targets: ReplacementTarget[];
  /** Where it was written, for error messages. */
  at?: { file?: string; field: string };
}

export const DEFAULT_FIELD_PATH = 'metadata.name';

export interface ReplacementsContext {
  /** The kustomization or plugin config file that lists the replacements. */
  file?: string;
  /** Its field, e.g. `replacements`. */
  field: string;
  /**
   * Whether the list is a kustomization's `replacements:` field rather than a plugin config:
   * kustomization files reject unknown keys, and (through a marshal round trip in kustomize)
   * treat an inline `targets: []` as missing.
   */
  inKustomization: boolean;
}

/** Reads a `path:` entry: the file's text and the name to print for it. */
export type ReadFile = (path: string, ref: { file?: string; field: string }) => { text: string; file: string };

const ID_FIELDS = ['group', 'version', 'kind', 'name', 'namespace'] as const;

function decodeIdFields(fields: Map<string, Json>, ctx: DecodeContext): IdSelector {
  const out: IdSelector = {};
  for (const f of ID_FIELDS) {
    const v = decodeString(fields.get(f), at(ctx, f));
    if (v) out[f] = v;
  }
  return out;
}

function decodeOptions(v: Json | undefined, ctx: DecodeContext): FieldOptions | undefined {
  if (v === undefined) return undefined;
  const f = structFields(v, ['delimiter', 'index', 'encoding', 'create'], ctx);
  const out: FieldOptions = {};
  const delimiter = decodeString(f.get('delimiter'), at(ctx, 'delimiter'));
  const index = decodeInt(f.get('index'), at(ctx, 'index'));
  const encoding = decodeString(f.get('encoding'), at(ctx, 'encoding'));
  const create = decodeBool(f.get('create'), at(ctx, 'create'));
  if (delimiter) out.delimiter = delimiter;
  if (index) out.index = index;
  if (encoding) out.encoding = encoding;
  if (create) out.create = create;
  return out;
}

function decodeFilter(v: Json, ctx: DecodeContext): TargetFilter {
  const f = structFields(v, [...ID_FIELDS, 'labelSelector', 'annotationSelector'], ctx);
  const out: TargetFilter = decodeIdFields(f, ctx);
  const labelSelector = decodeString(f.get('labelSelector'), at(ctx, 'labelSelector'));
  const annotationSelector = decodeString(f.get('annotationSelector'), at(ctx, 'annotationSelector'));
  if (labelSelector) out.labelSelector = labelSelector;
  if (annotationSelector) out.annotationSelector = annotationSelector;
  return out;
}

function decodeTarget(v: Json, ctx: DecodeContext): ReplacementTarget {
  const f = structFields(v, ['select', 'reject', 'fieldPaths', 'options'], ctx);
  const select = f.get('select');
  if (select === undefined) throw fail(ctx, 'target must specify resources to select');
  const out: ReplacementTarget = { select: decodeFilter(select, at(ctx, 'select')) };
  const reject = decodeList(f.get('reject'), at(ctx, 'reject'), (x, c) => (x === null ? {} : decodeFilter(x, c)));
  const fieldPaths = decodeStrings(f.get('fieldPaths'), at(ctx, 'fieldPaths'));
  const options = decodeOptions(f.get('options'), at(ctx, 'options'));
  if (reject) out.reject = reject;
  if (fieldPaths) out.fieldPaths = fieldPaths;
  if (options) out.options = options;
  return out;
}

function decodeReplacement(v: Json, ctx: DecodeContext, extra: readonly string[] = [], emptyIsMissing = false): Replacement {
  const f = structFields(v, ['source', 'targets', ...extra], ctx);
  const source = f.get('source');
  const targets = f.get('targets');
  const missing = targets === undefined || (emptyIsMissing && Array.isArray(targets) && targets.length === 0);
  if (source === undefined || missing) throw fail(ctx, 'replacements must specify a source and at least one target');
  const sctx = at(ctx, 'source');
  const sf = structFields(source, [...ID_FIELDS, 'fieldPath', 'options'], sctx);
  const src: ReplacementSource = decodeIdFields(sf, sctx);
  const fieldPath = decodeString(sf.get('fieldPath'), at(sctx, 'fieldPath'));
  const options = decodeOptions(sf.get('options'), at(sctx, 'options'));
  if (fieldPath) src.fieldPath = fieldPath;
  if (options) src.options = options;
  const tgts = decodeList(targets, at(ctx, 'targets'), (x, c) => {
    if (x === null) throw fail(c, 'target must specify resources to select');
    return decodeTarget(x, c);
  })!;
  return { source: src, targets: tgts, at: { file: ctx.file, field: ctx.field } };
}

function decodeContext(ctx: ReplacementsContext): DecodeContext {
  return { file: ctx.file, field: ctx.field, strict: ctx.inKustomization, code: 'replacements' };
}

/**
 * A `replacements:` list as kustomize's ReplacementTransformer reads it: each entry is either
 * an inline replacement or `path: FILE`, a file holding one replacement or a list of them.
 */
export function loadReplacements(entries: Json | undefined, ctx: ReplacementsContext, read: ReadFile): Replacement[] {
  const base = decodeContext(ctx);
  const list = decodeList(entries === null ? undefined : entries, base, (x) => x) ?? [];
  const out: Replacement[] = [];
  list.forEach((entry, i) => {
    const ectx = atIndex(base, i);
    const f = structFields(entry, ['path', 'source', 'targets'], { ...ectx, strict: false });
    const path = decodeString(f.get('path'), at(ectx, 'path'));
    if (!path) {
      out.push(decodeReplacement(entry, ectx, ['path'], ctx.inKustomization));
      return;
    }
    const targets = f.get('targets');
    if (f.has('source') || (Array.isArray(targets) && targets.length > 0)) {
      throw fail(ectx, 'cannot specify both path and inline replacement');
    }
    const { text, file } = read(path, { file: ctx.file, field: ectx.field });
    // kustomize reads the file with sigs.k8s.io/yaml (go-yaml v2: `yes` is true, a repeated key
    // takes its last value), only its first document, and ignores unknown keys in it
    const doc = parseFirstDocument(text, file, { goYamlV2: true });
    const fctx: DecodeContext = { file, field: '', strict: false, code: 'replacements' };
    if (Array.isArray(doc)) doc.forEach((r, j) => out.push(decodeReplacement(r, atIndex(fctx, j))));
    else if (isObject(doc)) out.push(decodeReplacement(doc, fctx));
    else throw new KtsError('replacements', `unsupported replacement type encountered within replacement path: ${doc === null ? 'nothing' : typeof doc}`, { file });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------

/** kustomize's ResId string for a selector, as its error messages print it. */
function selectorString(s: IdSelector): string {
  return `${s.kind || '[noKind]'}.${s.version || '[noVer]'}.${s.group || '[noGrp]'}/${s.name || '[noName]'}.${s.namespace || '[noNs]'}`;
}

/** A first test before the ids are made: the selector's kind against every kind the resource had. */
function mayBeSelected(s: IdSelector, r: Resource): boolean {
  return !s.kind || kindOf(r.obj) === s.kind || r.previous.some((id) => id.kind === s.kind);
}

function idsOf(r: Resource): ResId[] {
  return r.previous.length === 0 ? [idOf(r.obj)] : [idOf(r.obj), ...r.previous];
}

/**
 * kyaml ResId.IsSelectedBy: every field the selector sets must equal the id's. An unset
 * namespace means 'default', whatever the kind: the ids replacements compare are built without
 * scope information (kustomize utils.MakeResIds), so even cluster-scoped resources are 'default'.
 */
function selects(s: IdSelector, id: ResId): boolean {
  if (s.name && s.name !== id.name) return false;
  if (s.namespace && s.namespace !== (id.namespace || 'default')) return false;
  if (s.group && s.group !== id.group) return false;
  if (s.version && s.version !== id.version) return false;
  return !s.kind || s.kind === id.kind;
}

function hasIdPart(s: IdSelector): boolean {
  return ID_FIELDS.some((f) => !!s[f]);
}

function replacementError(r: Replacement, field: string, message: string): KtsError {
  return new KtsError('replacements', message, { file: r.at?.file, field: r.at?.field ? `${r.at.field}.${field}` : field });
}

/** The value a replacement writes: the source node and its scalar text (which a delimiter may have cut). */
interface Value {
  node: Json;
  text: string;
}

function findSource(resources: readonly Resource[], r: Replacement): Resource {
  let found: Resource | undefined;
  for (const res of resources) {
    if (!mayBeSelected(r.source, res)) continue;
    if (!selects(r.source, idOf(res.obj)) && !res.previous.some((id) => selects(r.source, id))) continue;
    if (found) throw replacementError(r, 'source', `multiple matches for selector ${selectorString(r.source)}`);
    found = res;
  }
  if (!found) throw replacementError(r, 'source', `nothing selected by ${selectorString(r.source)}`);
  return found;
}

function isEmpty(v: Json | undefined): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isObject(v) && Object.keys(v).length === 0;
}

function sourceValue(resources: readonly Resource[], r: Replacement): Value {
  const src = findSource(resources, r);
  const fieldPath = r.source.fieldPath || DEFAULT_FIELD_PATH;
  let node: Json | undefined;
  try {
    node = lookupPath(src.obj, splitFieldPath(fieldPath));
  } catch (e) {
    if (e instanceof FieldPathError) throw replacementError(r, 'source.fieldPath', `error looking up replacement source: ${e.message}`);
    throw e;
  }
  if (node === undefined || isEmpty(node)) {
    throw replacementError(r, 'source.fieldPath', `fieldPath \`${fieldPath}\` is missing for replacement source ${selectorString(r.source)}`);
  }
  const text = scalarText(node);
  const opts = r.source.options;
  if (!opts?.delimiter) return { node, text };
  if (typeof node === 'object') throw replacementError(r, 'source.options', 'delimiter option can only be used with scalar nodes');
  const parts = text.split(opts.delimiter);
  const index = opts.index ?? 0;
  if (index < 0 || index >= parts.length) throw replacementError(r, 'source.options', `options.index ${index} is out of bounds for value ${text}`);
  return { node, text: parts[index]! };
}

function typeOfScalar(v: Json): string {
  if (v === null) return 'null';
  return typeof v === 'number' || typeof v === 'bigint' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string';
}

/**
 * `text` read back with the type of `like` (a scalar keeps its YAML tag when kustomize swaps its
 * text). Returns undefined when the text cannot have that type.
 */
function withTypeOf(like: Json, text: string): Json | undefined {
  if (typeof like === 'string') return text;
  const v = resolvePlainV3(text);
  return typeOfScalar(v) === typeOfScalar(like) ? v : undefined;
}

/** The value as a node of its own: a scalar source re-typed after its text was cut or joined. */
function valueNode(v: Value): Json | undefined {
  if (typeof v.node === 'object' && v.node !== null) return cloneJson(v.node);
  return withTypeOf(v.node, v.text);
}

/**
 * `inAnnotations`: the slot is one of the resource's own annotations, which kustomize prints from
 * the scalar's text (`1.50`, `True` stay as written), so the text is stored as it is.
 */
function writeValue(slot: Slot, value: Value, options: FieldOptions | undefined, inAnnotations: boolean): string | undefined {
  const target = slotValue(slot);
  let v = value;
  if (options?.delimiter) {
    if (typeof target === 'object' && target !== null) return 'delimiter option can only be used with scalar nodes';
    const parts = scalarText(target).split(options.delimiter);
    const index = options.index ?? 0;
    if (index < 0) parts.unshift(value.text);
    else if (index >= parts.length) parts.push(value.text);
    else parts[index] = value.text;
    v = { node: value.node, text: parts.join(options.delimiter) };
  }
  // a scalar created just now has no type yet: its text is read as plain YAML
  const scalarTarget = typeof target !== 'object' || target === null;
  const scalarValue = typeof v.node !== 'object' || v.node === null;
  let next: Json | undefined;
  if (inAnnotations && scalarValue && (scalarTarget || slot.created)) next = v.text;
  else if (!scalarTarget) next = valueNode(v);
  else next = slot.created ? resolvePlainV3(v.text) : withTypeOf(target, v.text);
  if (next === undefined) {
    return `cannot write ${JSON.stringify(v.text)} into a ${typeOfScalar(scalarTarget ? target : v.node)} field`;
  }
  setSlot(slot, next);
  return undefined;
}

type LabelRequirement = ReturnType<typeof parseLabelSelector>[number];

function stringMap(v: Json | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (isObject(v)) for (const [k, x] of Object.entries(v)) out[k] = scalarText(x);
  return out;
}

interface CompiledFilter {
  id: IdSelector;
  hasId: boolean;
  labels: LabelRequirement[];
  annotations: LabelRequirement[];
}

function compileFilter(f: TargetFilter, r: Replacement, field: string): CompiledFilter {
  const parse = (s: string | undefined, which: string): LabelRequirement[] => {
    if (!s) return [];
    try {
      return parseLabelSelector(s);
    } catch (e) {
      if (e instanceof KtsError) throw replacementError(r, `${field}.${which}`, e.message);
      throw e;
    }
  };
  return { id: f, hasId: hasIdPart(f), labels: parse(f.labelSelector, 'labelSelector'), annotations: parse(f.annotationSelector, 'annotationSelector') };
}

function matchesSelectors(res: Resource, f: CompiledFilter): boolean {
  const meta = isObject(res.obj.metadata) ? res.obj.metadata : {};
  if (f.labels.length > 0) {
    const labels = stringMap(meta.labels);
    if (!f.labels.every((req) => req(labels))) return false;
  }
  if (f.annotations.length > 0) {
    const annotations = stringMap(meta.annotations);
    if (!f.annotations.every((req) => req(annotations))) return false;
  }
  return true;
}

function isTarget(res: Resource, select: CompiledFilter, rejects: CompiledFilter[]): boolean {
  if (!mayBeSelected(select.id, res)) return false;
  const ids = idsOf(res);
  if (!ids.some((id) => selects(select.id, id))) return false;
  if (rejects.some((rej) => rej.hasId && ids.some((id) => selects(rej.id, id)))) return false;
  if (!matchesSelectors(res, select)) return false;
  return !rejects.some((rej) => (rej.labels.length > 0 || rej.annotations.length > 0) && matchesSelectors(res, rej));
}

function applyToTarget(res: Resource, value: Value, t: ReplacementTarget, paths: readonly [string, string[]][], r: Replacement, field: string, untyped: UntypedScalars): void {
  const create = t.options?.create ? createKindOf(value.node) : undefined;
  const what = create ? 'find or create' : 'find';
  for (const [fp, parts] of paths) {
    let slots: Slot[];
    try {
      slots = matchPaths(res.obj, parts, create, untyped);
    } catch (e) {
      if (e instanceof FieldPathError) throw replacementError(r, field, `unable to ${what} field "${fp}" in replacement target ${idString(res)}: ${e.message}`);
      throw e;
    }
    if (slots.length === 0) throw replacementError(r, field, `unable to ${what} field "${fp}" in replacement target ${idString(res)}`);
    for (const slot of slots) {
      const problem = writeValue(slot, value, t.options, isAnnotationSlot(res, slot));
      if (problem) throw replacementError(r, field, `${problem} (field "${fp}" of ${idString(res)})`);
      if (slot.created) (res.untypedScalars ??= []).push({ parent: slot.parent, key: slot.key });
    }
  }
}

function isAnnotationSlot(res: Resource, slot: Slot): boolean {
  const meta = res.obj.metadata;
  return isObject(meta) && slot.parent === meta.annotations;
}

function idString(res: Resource): string {
  return formatId(idOf(res.obj));
}

/** A target field path's parts; kustomize drops an empty first one (`.spec.x`, as kubebuilder writes them). */
function targetPath(fp: string): string[] {
  const parts = splitFieldPath(fp);
  return parts.length > 1 && parts[0] === '' ? parts.slice(1) : parts;
}

/** Runs `replacements` over `resources` in order, editing the objects in place. */
export function applyReplacements(resources: Resource[], replacements: readonly Replacement[]): Resource[] {
  // fields one replacement created stay untyped for the next ones, as kyaml nodes do
  const untyped = new UntypedScalars();
  for (const r of replacements) {
    const value = sourceValue(resources, r);
    r.targets.forEach((t, ti) => {
      const field = `targets[${ti}]`;
      const select = compileFilter(t.select, r, `${field}.select`);
      const rejects = (t.reject ?? []).map((f, k) => compileFilter(f, r, `${field}.reject[${k}]`));
      const paths = (t.fieldPaths && t.fieldPaths.length > 0 ? t.fieldPaths : [DEFAULT_FIELD_PATH]).map((fp): [string, string[]] => [fp, targetPath(fp)]);
      for (const res of resources) {
        if (isTarget(res, select, rejects)) applyToTarget(res, value, t, paths, r, field, untyped);
      }
    });
  }
  return resources;
}
