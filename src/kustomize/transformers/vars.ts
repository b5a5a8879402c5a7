// kustomize's legacy vars (api/types/var.go, ResAccumulator.MergeVars/ResolveVars, api/filters/refvar):
// `$(NAME)` in the fields the varReference field specs list is replaced by a field of the
// resource the var's objref names.
//
// API, in build order
//   parseVars(value, ctx)                 a kustomization's `vars:` list, validated.
//   bindVars(resources, vars)             at the end of the kustomization that declares them:
//                                         ties each var to the one resource one of whose ids
//                                         its objref names (Resource.varNames); ambiguity is an error.
//   mergeVars(into, more, where)          accumulates var lists up the tree; a name seen twice is an error.
//   resolveVars(resources, vars, specs)   once, at the top, after hashes and name references:
//                                         reads every var (all must resolve, used or not) and
//                                         substitutes them in place; returns the unused names.
//
// `$(X)` for an unknown X is left alone, `$$` escapes `$`, and a field that is exactly `$(X)`
// takes the var's type (a number stays a number).

import { KtsError } from '../../errors.js';
import { newObject } from '../resource.js';
import type { FieldSpec } from '../fieldspec/fieldspec.js';
import { applyFieldSpec } from '../fieldspec/fieldspec.js';
import { idOf, type Json, type JsonObject, type ResId, type Resource } from '../resource.js';
import { goFloat } from '../yaml/numbers.js';
import { plainText } from '../yaml/plainnull.js';
import { resolvePlainV3 } from '../yaml/resolve.js';
import { at, atIndex, decodeList, decodeString, fail, structFields, type DecodeContext } from '../refs/decode.js';
import { FieldPathError, isObject, lookupPath, splitVarFieldPath } from '../refs/path.js';
import { isClusterScoped } from './scope.js';

const CLUSTER = ' cluster-scoped';

export interface VarObjRef {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  apiVersion?: string;
}

export interface Var {
  name: string;
  objref: VarObjRef;
  fieldref: { fieldPath: string };
  /** Where it was declared, for error messages. */
  at?: { file?: string; field: string };
}

export const DEFAULT_VAR_FIELD_PATH = 'metadata.name';

export interface VarsContext {
  file?: string;
  field: string;
  /** Reject unknown keys (kustomization files are read strictly). */
  strict: boolean;
}

function decodeVar(v: Json, ctx: DecodeContext): Var {
  const f = structFields(v, ['name', 'objref', 'fieldref'], ctx);
  const objref: VarObjRef = {};
  const o = f.get('objref');
  if (o !== undefined) {
    const octx = at(ctx, 'objref');
    const of = structFields(o, ['group', 'version', 'kind', 'name', 'namespace', 'apiVersion'], octx);
    for (const k of ['group', 'version', 'kind', 'name', 'namespace', 'apiVersion'] as const) {
      const s = decodeString(of.get(k), at(octx, k));
      if (s) objref[k] = s;
    }
  }
  let fieldPath: string | undefined;
  const r = f.get('fieldref');
  if (r !== undefined) {
    const rctx = at(ctx, 'fieldref');
    fieldPath = decodeString(structFields(r, ['fieldPath'], rctx).get('fieldPath'), at(rctx, 'fieldPath'));
  }
  return {
    name: decodeString(f.get('name'), at(ctx, 'name')) ?? '',
    objref,
    fieldref: { fieldPath: fieldPath || DEFAULT_VAR_FIELD_PATH },
    at: { file: ctx.file, field: ctx.field },
  };
}

/** A `vars:` list (kustomize types.Var), validated; an empty fieldref means metadata.name. */
export function parseVars(value: Json | undefined, ctx: VarsContext): Var[] {
  const base: DecodeContext = { ...ctx, code: 'vars' };
  return decodeList(value === null ? undefined : value, base, (v, c) => decodeVar(v, c)) ?? [];
}

/** The gvk the objref names: apiVersion, when set, overrides group and version (kustomize Target.GVK). */
function objrefId(ref: VarObjRef): ResId {
  let group = ref.group ?? '';
  let version = ref.version ?? '';
  if (ref.apiVersion) {
    const parts = ref.apiVersion.split('/');
    if (parts.length === 2) [group, version] = parts as [string, string];
    else if (parts.length === 1) version = parts[0]!;
  }
  return { group, version, kind: ref.kind ?? '', name: ref.name ?? '', namespace: ref.namespace ?? '' };
}

function gvkn(id: ResId): string {
  return `${id.group}|${id.version}|${id.kind}|${id.name}`;
}

function describe(v: Var): string {
  const id = objrefId(v.objref);
  const gvk = `${id.kind || '[noKind]'}.${id.version || '[noVer]'}.${id.group || '[noGrp]'}`;
  const ns = id.namespace ? ` in namespace ${id.namespace}` : '';
  return `'${v.name}' (objref ${gvk} ${id.name || '[noName]'}${ns}, fieldref ${v.fieldref.fieldPath})`;
}

function varError(v: Var, message: string): KtsError {
  return new KtsError('vars', message, { file: v.at?.file, field: v.at?.field });
}

/**
 * kustomize ResAccumulator.MergeVars, binding part: each var names the one resource it reads
 * from, by any of its ids (current or previous). Without a namespace in the objref, any
 * namespace matches; with one, a cluster-scoped resource matches only by a previous id.
 */
export function bindVars(resources: readonly Resource[], vars: readonly Var[]): void {
  if (vars.length === 0) return;
  // kustomize compares effective namespaces, and only a resource's current id knows its kind
  // is cluster-scoped (previous ids and objrefs are built without scope: '' means 'default')
  const byGvkn = new Map<string, { r: Resource; namespace: string }[]>();
  const index = (r: Resource, id: ResId, namespace: string): void => {
    const key = gvkn(id);
    const list = byGvkn.get(key);
    if (list) list.push({ r, namespace });
    else byGvkn.set(key, [{ r, namespace }]);
  };
  for (const r of resources) {
    for (const id of r.previous) index(r, id, id.namespace || 'default');
    const cur = idOf(r.obj);
    index(r, cur, isClusterScoped(cur.kind) ? CLUSTER : cur.namespace || 'default');
  }
  for (const v of vars) {
    const want = objrefId(v.objref);
    const hits = (byGvkn.get(gvkn(want)) ?? []).filter(({ namespace }) => want.namespace === '' || namespace === want.namespace);
    const matched = [...new Set(hits.map(({ r }) => r))];
    if (matched.length > 1) throw varError(v, `found ${matched.length} resId matches for var ${describe(v)} (unable to disambiguate)`);
    if (matched.length === 1) matched[0]!.varNames = [...(matched[0]!.varNames ?? []), v.name];
  }
}

/** kustomize VarSet.MergeSlice/MergeSet: var names are unique across the build. */
export function mergeVars(into: readonly Var[], more: readonly Var[]): Var[] {
  const names = new Set(into.map((v) => v.name));
  for (const v of more) {
    if (names.has(v.name)) throw varError(v, `var '${v.name}' already encountered`);
    names.add(v.name);
  }
  return [...into, ...more];
}

function isPrimitive(v: Json | undefined): v is string | number | bigint | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean';
}

/** Go's fmt %v of a var value inside a longer string. */
function formatValue(v: string | number | bigint | boolean): string {
  return typeof v === 'number' ? goFloat(v) : String(v);
}

/**
 * kustomize refvar.DoReplacements: expands `$(NAME)` with `mapping`; `$$` is a literal `$`.
 * An input that is exactly one reference returns the mapped value with its own type.
 */
export function expandVars(input: string, mapping: (name: string) => Json): Json {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === '$') {
      out += '$';
    } else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1);
      if (close < 0) {
        out += '$(';
      } else {
        const name = rest.slice(1, close);
        const mapped = mapping(name);
        if (input === `$(${name})`) return mapped;
        out += isPrimitive(mapped) ? formatValue(mapped) : String(mapped);
        advance = close + 1;
      }
    } else {
      out += `$${rest[0]}`;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

class NotAString extends Error {}

function expandField(value: Json | undefined, mapping: (name: string) => Json): Json | undefined {
  if (typeof value === 'string') return expandVars(value, mapping);
  if (Array.isArray(value)) {
    return value.map((item) => {
      if (typeof item !== 'string') throw new NotAString();
      return expandVars(item, mapping);
    });
  }
  if (isObject(value)) {
    const out = newObject();
    for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'string' ? expandVars(v, mapping) : v;
    return out;
  }
  return undefined;
}

/**
 * A scalar written plain as `text` as kustomize's GetFieldValue reads it: by its YAML type, an int
 * through strconv.Atoi, a float through strconv.ParseFloat, a boolean as itself, anything else
 * (a null, a timestamp) as the text. Undefined where strconv refuses the text (0x1F, 1_000, .inf,
 * an int beyond int64): kustomize then reports the field as not found.
 */
function goScalar(text: string): Json | undefined {
  const v = resolvePlainV3(text);
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'number' && typeof v !== 'bigint') return text;
  if (/^[-+]?[0-9]+$/.test(text)) {
    const n = BigInt(text);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return typeof v === 'bigint' ? n : Number(n);
    // go-yaml reads up to uint64 as an int, which Atoi refuses; beyond, a float
    return n > 0n && n < 2n ** 64n ? undefined : Number(text);
  }
  return /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text) ? Number(text) : undefined;
}

/**
 * The value of the field at `path` as kustomize reads it for a var: a null is its text (`null`,
 * `~`, '' for nothing), a resource's own annotation (kept as its text) the value of that text.
 */
function fieldValue(obj: JsonObject, path: string[]): Json | undefined {
  const value = lookupPath(obj, path);
  if (value === undefined || (value !== null && typeof value !== 'string')) return value;
  const parent = lookupPath(obj, path.slice(0, -1));
  const text = isObject(parent) ? plainText(parent, path[path.length - 1]!.trim()) : undefined;
  if (text === undefined) return value === null ? 'null' : value;
  return value === null || value === '' ? text : goScalar(text);
}

function varValues(resources: readonly Resource[], vars: readonly Var[]): Map<string, Json> {
  const source = new Map<string, Resource>();
  for (const r of resources) {
    for (const name of r.varNames ?? []) if (!source.has(name)) source.set(name, r);
  }
  const values = new Map<string, Json>();
  for (const v of [...vars].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const r = source.get(v.name);
    if (!r) throw varError(v, `var ${describe(v)} cannot be mapped to a field in the set of known resources`);
    let value: Json | undefined;
    try {
      value = fieldValue(r.obj, splitVarFieldPath(v.fieldref.fieldPath));
    } catch (e) {
      if (!(e instanceof FieldPathError)) throw e;
    }
    if (value === undefined) throw varError(v, `field specified in var ${describe(v)} not found in corresponding resource`);
    values.set(v.name, value);
  }
  return values;
}

/**
 * kustomize ResAccumulator.ResolveVars: substitutes every var in the fields `specs` select
 * (the varReference config), in place. Returns the names of vars no field used.
 */
export function resolveVars(resources: Resource[], vars: readonly Var[], specs: readonly FieldSpec[]): { unused: string[] } {
  if (vars.length === 0) return { unused: [] };
  const values = varValues(resources, vars);
  const used = new Set<string>();
  const mapping = (name: string): Json => {
    const v = values.get(name);
    if (!isPrimitive(v)) return `$(${name})`;
    used.add(name);
    return v;
  };
  const specsByKind = new Map<string, FieldSpec[]>();
  for (const r of resources) {
    const kind = typeof r.obj.kind === 'string' ? r.obj.kind : '';
    let forKind = specsByKind.get(kind);
    if (!forKind) specsByKind.set(kind, (forKind = specs.filter((fs) => !fs.kind || fs.kind === kind)));
    for (const fs of forKind) {
      try {
        applyFieldSpec(r.obj, fs, (value) => expandField(value, mapping));
      } catch (e) {
        if (!(e instanceof NotAString)) throw e;
        const id = idOf(r.obj);
        throw new KtsError('vars', `considering field '${fs.path}' of ${id.kind} ${id.name}: invalid value type, expected a list of strings`, { field: fs.path });
      }
    }
  }
  return { unused: vars.map((v) => v.name).filter((n) => !used.has(n)) };
}
