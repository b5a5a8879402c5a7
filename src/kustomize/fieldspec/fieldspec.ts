// kustomize's FieldSpec: a gvk selector plus a slash-separated path to the fields a transformer
// touches (api/types/fieldspec.go, api/filters/fieldspec). Sequences met on the way are walked
// element by element; `name[]` marks a field that is a sequence; `\/` is a literal slash.

import { KtsError } from '../../errors.js';
import { own, setKey } from '../json.js';
import { newObject } from '../resource.js';
import type { Json, JsonObject, Resource } from '../resource.js';
import { idOf, splitApiVersion } from '../resource.js';
import { goSort } from '../gosort.js';
import { compareBytes, DEFAULT_ORDER_FIRST, DEFAULT_ORDER_LAST } from '../sort.js';

export interface Gvk {
  group?: string;
  version?: string;
  kind?: string;
}

export interface FieldSpec extends Gvk {
  path: string;
  create?: boolean;
}

/** How a missing leaf is created when the spec says `create: true`; omitted: never created. */
export type CreateKind = 'map' | 'scalar';

/**
 * Called with the value found at the end of the path (`undefined` when it was just created) and
 * where it is in the object (field names and list indexes); returns the value to store there, or
 * `undefined` to leave it as it is.
 */
export type Setter = (value: Json | undefined, at: readonly (string | number)[]) => Json | undefined;

/** Whether every non-empty part of `selector` equals the same part of `gvk` (kustomize Gvk.IsSelected). */
export function gvkSelects(selector: Gvk, gvk: { group: string; version: string; kind: string }): boolean {
  if (selector.group && selector.group !== gvk.group) return false;
  if (selector.version && selector.version !== gvk.version) return false;
  if (selector.kind && selector.kind !== gvk.kind) return false;
  return true;
}

/** Splits a fieldspec path on `/`, keeping `\/` as a literal slash inside an element. */
export function splitPath(path: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\' && path[i + 1] === '/') {
      cur += '/';
      i++;
    } else if (c === '/') {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  return parts;
}

/** The gvk of an object as written now. */
export function objGvk(obj: JsonObject): { group: string; version: string; kind: string } {
  const { group, version } = splitApiVersion(typeof obj.apiVersion === 'string' ? obj.apiVersion : '');
  return { group, version, kind: typeof obj.kind === 'string' ? obj.kind : '' };
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nodeKind(v: Json): string {
  if (Array.isArray(v)) return 'SequenceNode';
  if (isObject(v)) return 'MappingNode';
  return 'ScalarNode';
}

/** A fieldspec met a node of the wrong kind (kustomize's InvalidNodeKindError and friends). */
export class FieldSpecError extends KtsError {
  constructor(
    message: string,
    readonly actualKind: string,
    field: string,
  ) {
    super('fieldspec', message, { field });
  }
}

/** Throws unless `value` is a scalar (or absent); for setters that only write strings/numbers. */
export function expectScalar(value: Json | undefined, field: string): void {
  if (value !== undefined && value !== null && typeof value === 'object') {
    const kind = nodeKind(value);
    throw new FieldSpecError(`wrong node kind: expected ScalarNode but got ${kind}`, kind, field);
  }
}

/** A path element: the field name, and whether `name[]` marks it a sequence. */
interface Part {
  raw: string;
  name: string;
  isSeq: boolean;
}

const splitCache = new Map<string, Part[]>();

/** splitPath read into parts, memoized: the same few hundred paths are walked for every resource. */
function pathParts(path: string): Part[] {
  let parts = splitCache.get(path);
  if (!parts) {
    parts = splitPath(path).map((raw) => {
      const isSeq = raw.endsWith('[]');
      return { raw, name: isSeq ? raw.slice(0, -2) : raw, isSeq };
    });
    splitCache.set(path, parts);
  }
  return parts;
}

/**
 * Applies `set` to every field `fs.path` reaches in `obj` (in place), when `fs` selects the
 * object's current gvk. Missing fields are created only when `fs.create` and `createKind` are set;
 * `name[]` fields are never created, but an explicit null there becomes an empty list.
 */
export function applyFieldSpec(obj: JsonObject, fs: FieldSpec, set: Setter, createKind?: CreateKind): void {
  if (gvkSelects(fs, objGvk(obj))) walk(obj, pathParts(fs.path), 0, fs, set, createKind, []);
}

/** Applies every spec of `specs` that selects the object (kustomize fsslice.Filter). */
export function applyFieldSpecs(obj: JsonObject, specs: readonly FieldSpec[], set: Setter, createKind?: CreateKind): void {
  const gvk = objGvk(obj);
  // one path stack for all specs: each walk leaves it empty
  const at: (string | number)[] = [];
  for (const fs of specs) if (gvkSelects(fs, gvk)) walk(obj, pathParts(fs.path), 0, fs, set, createKind, at);
}

/** `node` is the value reached by path[0..i), found at `at` in the object. */
function walk(node: Json, path: Part[], i: number, fs: FieldSpec, set: Setter, createKind: CreateKind | undefined, at: (string | number)[]): void {
  if (node === null) return;
  if (Array.isArray(node)) {
    for (let k = 0; k < node.length; k++) {
      at.push(k);
      walk(node[k]!, path, i, fs, set, createKind, at);
      at.pop();
    }
    return;
  }
  if (typeof node !== 'object') {
    throw new FieldSpecError(`expected sequence or mapping node at '${path.slice(0, i).map((p) => p.raw).join('/')}'`, 'ScalarNode', fs.path);
  }
  const { name, isSeq } = path[i]!;
  if (name === '') throw new FieldSpecError('cannot set or create an empty field name', '', fs.path);
  const last = i === path.length - 1;
  const create = !!fs.create && createKind !== undefined && !isSeq;
  let value: Json | undefined = own(node, name);
  if (value === undefined) {
    if (!create) return;
    if (last) {
      const next = set(createKind === 'map' ? newObject() : undefined, [...at, name]);
      setKey(node, name, next === undefined ? (createKind === 'map' ? newObject() : '') : next);
      return;
    }
    value = newObject();
    setKey(node, name, value);
  } else if (value === null) {
    // kustomize turns an explicit null into the kind it would have created
    if (isSeq) value = [];
    else if (create) value = last ? (createKind === 'map' ? newObject() : '') : newObject();
    setKey(node, name, value);
  }
  at.push(name);
  if (last) {
    const next = set(value, at);
    if (next !== undefined) setKey(node, name, next);
  } else {
    walk(value, path, i + 1, fs, set, createKind, at);
  }
  at.pop();
}

/** Whether `fs` selects the resource by its original id (the id before any rename). */
export function selectsOriginal(fs: Gvk, res: Resource): boolean {
  return gvkSelects(fs, res.previous[0] ?? idOf(res.obj));
}

/** Validates and normalizes a `fieldSpecs` list read from YAML. */
export function parseFieldSpecs(value: Json | undefined, file: string, field: string): FieldSpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new KtsError('config', 'fieldSpecs must be a list', { file, field });
  return value.map((v, i) => parseFieldSpec(v, file, `${field}[${i}]`));
}

/**
 * A config field as Go's encoding/json finds it (kustomize decodes plugin and transformer configs
 * that way): the key itself or any case variant of it, the last one winning.
 */
export function goField(obj: JsonObject, name: string): Json | undefined {
  const lower = name.toLowerCase();
  let found: Json | undefined;
  for (const [k, v] of Object.entries(obj)) if (k === name || k.toLowerCase() === lower) found = v;
  return found;
}

/** One field spec; unknown keys are ignored, as kustomize's non-strict decoding does. */
export function parseFieldSpec(v: Json, file: string, field: string): FieldSpec {
  if (!isObject(v)) throw new KtsError('config', 'a field spec must be a mapping', { file, field });
  const str = (k: string): string | undefined => {
    const x = goField(v, k);
    if (x === undefined || x === null) return undefined;
    if (typeof x !== 'string') throw new KtsError('config', `'${k}' must be a string`, { file, field });
    return x;
  };
  const fs: FieldSpec = { path: str('path') ?? '' };
  const group = str('group');
  const version = str('version');
  const kind = str('kind');
  if (group) fs.group = group;
  if (version) fs.version = version;
  if (kind) fs.kind = kind;
  const create = goField(v, 'create');
  if (create !== undefined && create !== null && typeof create !== 'boolean') {
    throw new KtsError('config', "'create' must be true or false", { file, field });
  }
  if (create === true) fs.create = true;
  return fs;
}

/**
 * Whether `incoming` is already covered by `existing` (kustomize FieldSpec.effectivelyEquals): same
 * path, and `incoming`'s gvk selects `existing`'s. A narrower spec thus hides a wider one merged
 * after it, but not the other way round.
 */
function covers(existing: FieldSpec, incoming: FieldSpec): boolean {
  return (
    existing.path === incoming.path &&
    (!incoming.group || incoming.group === (existing.group ?? '')) &&
    (!incoming.version || incoming.version === (existing.version ?? '')) &&
    (!incoming.kind || incoming.kind === (existing.kind ?? ''))
  );
}

/** Appends the specs not already covered, in order; a covered spec whose `create` differs is an error (kustomize FsSlice.MergeAll). */
export function mergeFieldSpecs(into: readonly FieldSpec[], more: readonly FieldSpec[]): FieldSpec[] {
  const out = [...into];
  if (more.length === 0) return out;
  // by path (covering needs the same path), each list in the order of `out`: a build merges the
  // ~300 default specs several times, and scanning all of `out` per spec made that quadratic
  const byPath = new Map<string, FieldSpec[]>();
  const index = (fs: FieldSpec): void => {
    const same = byPath.get(fs.path);
    if (same) same.push(fs);
    else byPath.set(fs.path, [fs]);
  };
  for (const fs of out) index(fs);
  for (const fs of more) {
    const dup = byPath.get(fs.path)?.find((x) => covers(x, fs));
    if (!dup) {
      out.push(fs);
      index(fs);
    } else if (!!dup.create !== !!fs.create) {
      throw new KtsError('config', `conflicting fieldspecs: path '${fs.path}' (kind '${fs.kind ?? ''}') is listed with and without create`);
    }
  }
  return out;
}

const KIND_RANK = new Map<string, number>([
  ...DEFAULT_ORDER_FIRST.map((k, i): [string, number] => [k, i - DEFAULT_ORDER_FIRST.length]),
  ...DEFAULT_ORDER_LAST.map((k, i): [string, number] => [k, i + 1]),
]);

const gvkSortKey = (g: Gvk): string => `${g.group || '~G'}_${g.version || '~V'}_${g.kind || '~K'}`;

/**
 * Sorts `list` in place with Go's (unstable) sort by kustomize's Gvk.IsLessThan: ranked kinds first
 * and last, then group_version_kind bytewise. Each element's sort key is computed once.
 */
export function sortByGvk<T extends Gvk>(list: T[]): void {
  const keyed = list.map((item) => ({ item, rank: KIND_RANK.get(item.kind ?? '') ?? 0, key: gvkSortKey(item) }));
  goSort(keyed, (a, b) => (a.rank !== b.rank ? a.rank < b.rank : compareBytes(a.key, b.key) < 0));
  keyed.forEach((k, i) => (list[i] = k.item));
}
