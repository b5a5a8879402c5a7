// The unit every build stage works on. The object itself is plain JSON (kustomize also
// round-trips every resource through JSON before printing it); what kustomize keeps in
// internal annotations (previous names, generator behaviour, origin) lives beside it, typed.

import { goFloat } from './yaml/numbers.js';
import { nullText } from './yaml/plainnull.js';
import { nameText } from './yaml/scalartext.js';

/**
 * A bigint is an integer beyond 2^53 that go-yaml reads as an int64 or uint64: kustomize prints
 * it with all its digits (a JSON 6902 patch turns the whole resource into float64 numbers).
 */
export type Json = null | boolean | number | bigint | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** Group/version/kind/namespace/name. `group` is '' for the core group, `namespace` '' when unset. */
export interface ResId {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
}

export type GeneratorBehavior = 'create' | 'merge' | 'replace';

export interface Resource {
  obj: JsonObject;
  /** Ids this resource had before renames (prefix/suffix/namespace/hash/patch), oldest first. */
  previous: ResId[];
  /** Set on generated ConfigMaps/Secrets. */
  generator?: {
    behavior: GeneratorBehavior;
    /** Whether the content hash is appended to the name at the end of the build. */
    hash: boolean;
  };
  /** Name prefixes/suffixes applied so far, outermost last (kustomize's prefixes/suffixes annotations); name-reference fixing compares them. */
  namePrefixes?: string[];
  nameSuffixes?: string[];
  /** Names of the `vars:` entries that read their value from this resource (kustomize refVarNames). */
  varNames?: string[];
  /** Where the resource came from, for buildMetadata originAnnotations. */
  origin?: { path: string; configuredIn?: string; configuredBy?: { apiVersion: string; kind: string; name: string; namespace?: string } };
  /** Label/annotation fields that are one YAML node in kustomize, by place (see transformers/mapentries.ts). */
  sharedEntries?: Map<string, { at: (string | number)[]; key: string }[]>;
  /** Scalars a replacement created, still without a YAML type tag (a strategic merge makes them strings). */
  untypedScalars?: { parent: JsonObject | Json[]; key: string | number }[];
  /** The transformers that ran over the resource, oldest first, for buildMetadata transformerAnnotations. */
  transformations?: NonNullable<Resource['origin']>[];
}

/**
 * The prototype of the maps holding user data: empty, frozen, and without a prototype itself.
 * Keys like `__proto__`, `constructor` or `toString` are ordinary own keys (as in kustomize) and a
 * lookup never reaches `Object.prototype`, as with `Object.create(null)`; but V8 keeps an object
 * made that way as a hash table, and one made by a constructor gets hidden classes: a large tree
 * takes a fraction of the memory and of the time.
 */
const DATA_MAP_PROTOTYPE: object = Object.freeze(Object.create(null));

const DataMap = function DataMap() {} as unknown as new () => JsonObject;
DataMap.prototype = DATA_MAP_PROTOTYPE as JsonObject;

/** A map for user data (see DATA_MAP_PROTOTYPE). */
export function newObject(): JsonObject {
  return new DataMap();
}

/** Whether `v` is a map for user data made by newObject. */
export function isDataMap(v: unknown): boolean {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === DATA_MAP_PROTOTYPE;
}

/** Whether two JSON values are equal: maps regardless of key order and prototype, lists in order. */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]!));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k]!, b[k]!));
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function str(v: Json | undefined): string {
  return typeof v === 'string' ? v : '';
}

export function metadataOf(obj: JsonObject): JsonObject {
  const m = obj.metadata;
  return m && typeof m === 'object' && !Array.isArray(m) ? m : newObject();
}

export function idOf(obj: JsonObject): ResId {
  const { group, version } = splitApiVersion(str(obj.apiVersion));
  const meta = metadataOf(obj);
  // a name read from a plain number, boolean or timestamp is its YAML text, as in kustomize (only
  // such names can have one: a timestamp starts with a digit, and most names do not)
  const n = meta.name;
  const typed = typeof n === 'number' || typeof n === 'bigint' || typeof n === 'boolean';
  const timestamp = typeof n === 'string' && n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57;
  const name = typed || timestamp ? (nameText(meta) ?? String(n)) : str(n);
  return { group, version, kind: kindOf(obj), namespace: str(meta.namespace), name };
}

/**
 * A string map as kyaml reads it (GetLabels/GetAnnotations, GetDataMap): each value its scalar
 * text, "" for a map or list; a null is its text (`null`, `~`, "" for nothing) in labels and
 * annotations, "" in data (checked with kubectl). A number prints as Go prints it: `1.50` reads
 * "1.5" here where kustomize keeps "1.50".
 */
export function textMap(v: Json | undefined, nulls: 'text' | 'empty' = 'text'): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (!v || typeof v !== 'object' || Array.isArray(v)) return out;
  for (const [k, x] of Object.entries(v)) out[k] = x === null && nulls === 'empty' ? '' : valueText(x, v, k);
  return out;
}

/** One value of a string map as kyaml reads it: a null is its text as written in `map` at `k`. */
export function valueText(x: Json, map?: JsonObject, k = ''): string {
  return typeof x === 'string' ? x : x === null ? ((map && nullText(map, k)) ?? 'null') : typeof x === 'object' ? '' : typeof x === 'number' ? goFloat(x) : String(x);
}

/** The kind as kustomize reads it: any scalar but null, a number or boolean as its text (`kind: 12`). */
export function kindOf(obj: JsonObject): string {
  const kind = obj.kind;
  return typeof kind === 'number' || typeof kind === 'bigint' || typeof kind === 'boolean' ? String(kind) : str(kind);
}

/** A stable Map key for an id. */
export function idKey(id: ResId): string {
  return `${id.group}|${id.version}|${id.kind}|${id.namespace}|${id.name}`;
}

/** Human-readable id for error messages, e.g. `apps/v1 Deployment default/web`. */
export function formatId(id: ResId): string {
  const gv = id.group ? `${id.group}/${id.version}` : id.version;
  const ns = id.namespace ? `${id.namespace}/` : '';
  return `${gv} ${id.kind} ${ns}${id.name}`;
}

export function newResource(obj: JsonObject): Resource {
  return { obj, previous: [] };
}
