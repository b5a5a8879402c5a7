// Strategic merge patch exactly as kustomize v5.5.0 applies it: kyaml's merge2 walker with
// kustomize's options (patch elements prepended), driven by the merge schema (schema.ts).
//
// Exports:
//   strategicMerge(base, patch, schema?, where?): JsonObject | null
//     Merges `patch` into `base` (neither is modified) and returns the result, or null when the
//     patch deletes the whole resource (`$patch: delete` at its root).
//   applySmPatchToResource(target, patch, options?): JsonObject | null
//     What kustomize does around that merge when a patch is applied to a selected resource: the
//     patch takes the target's apiVersion, and afterwards the target's name, namespace and kind are
//     restored unless the patch's options allow changing them.
//
// What the merge does (kyaml semantics, pinned by merge tests against kustomize v5.5.0):
// - maps merge key by key; a `null` in the patch deletes the key; a `null` in the base is kept
//   when the patch does not mention the key, unless it was written as nothing (`key:`, `{key: }`:
//   kyaml drops those, see yaml/plainnull.ts); a `null` inside content the patch adds is dropped;
// - lists whose schema has strategy `merge` are merged by their merge keys (all of
//   `x-kubernetes-list-map-keys` when given, e.g. containerPort+protocol); elements of the patch
//   come first in patch order, then the base's remaining elements; keys missing on one side match
//   any value (kyaml's quirk), and duplicate keys collapse to one element;
// - merge-strategy lists without a key (finalizers) merge as sets, patch values first;
// - every other list (no schema, unknown kinds, CRDs without `openapi:`, `x-kubernetes-list-type`
//   without a patch strategy) is replaced; a nested object that names a known apiVersion and kind
//   is merged with that kind's schema;
// - `$patch: delete` removes the map or list element it is in (the resource, at the root);
//   `$patch: replace` replaces a map instead of merging it, except at the root and on a list
//   element the base already has, where kustomize keeps the base (kyaml merges into a copy there);
//   `$patch: merge` is the default; any other value is an error. A list element holding only
//   `$patch` applies the directive to the whole merge-keyed list;
// - `$retainKeys`, `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>` are not
//   directives for kyaml: kustomize keeps them as ordinary fields, and so do we;
// - a patch map against a base scalar (or any other kind mismatch) is an error naming the field.

import { KtsError } from '../../errors.js';
import { cloneJson, isMap, setKey } from '../json.js';
import { newObject } from '../resource.js';
import { copyPlainTexts, forgetPlainText, isEmptyNull } from '../yaml/plainnull.js';
import { nameText, recordNameText } from '../yaml/scalartext.js';
import type { Json, JsonObject } from '../resource.js';
import {
  builtinMergeSchema,
  elementSchema,
  fieldSchema,
  patchStrategyAndKeys,
  rootSchema,
  type MergeSchema,
  type SchemaNode,
} from './schema.js';

export interface MergeWhere {
  /** The patch file (or kustomization holding an inline patch), named in errors. */
  file?: string;
}

/** A node the merge produced that must stay an explicit `null` (a base `null` the patch left alone). */
const KEEP_NULL = Symbol('keep-null');
/** undefined: the field or element is removed. */
type Result = Json | undefined | typeof KEEP_NULL;
type Src = Json | undefined;

interface Ctx {
  schema: MergeSchema;
  file?: string;
  /** The field path being walked (a stack), for error messages. */
  path: string[];
}

const DIRECTIVE = '$patch';
type Directive = 'merge' | 'replace' | 'delete' | 'unknown';

export function strategicMerge(base: JsonObject, patch: JsonObject, schema: MergeSchema = builtinMergeSchema(), where: MergeWhere = {}): JsonObject | null {
  const ctx: Ctx = { schema, file: where.file, path: [] };
  const dest = cloneJson(base, true);
  const result = walk(ctx, dest, cloneJson(patch, true), undefined);
  // kustomize keeps the merged resource only when the walk merged into it in place: a root
  // `$patch: replace` hands back the patch instead, and kustomize then keeps the base unchanged.
  return result === undefined || result === null || result === KEEP_NULL ? null : dest;
}

export interface SmPatchOptions {
  schema?: MergeSchema;
  allowNameChange?: boolean;
  allowKindChange?: boolean;
  file?: string;
}

export function applySmPatchToResource(target: JsonObject, patch: JsonObject, options: SmPatchOptions = {}): JsonObject | null {
  const { name, namespace, nameText: text } = metaStrings(target);
  const kind = target.kind;
  const patchCopy: JsonObject = { ...patch };
  copyPlainTexts(patch, patchCopy);
  // kustomize gives the patch the target's apiVersion as a plain scalar (GetApiVersion, "" for a
  // map or list, which then fails the merge); a missing or null one becomes an empty scalar,
  // which prints as null
  const apiVersion = target.apiVersion;
  if (apiVersion === undefined || apiVersion === null) delete patchCopy.apiVersion;
  else patchCopy.apiVersion = typeof apiVersion === 'object' ? '' : apiVersion;
  const merged = strategicMerge(target, patchCopy, options.schema, { file: options.file });
  if (merged === null || Object.keys(merged).length === 0) return null;
  if (apiVersion === undefined || apiVersion === null) merged.apiVersion = null;
  if (!options.allowKindChange) setOrDelete(merged, 'kind', kind);
  const meta = isMap(merged.metadata) ? merged.metadata : (merged.metadata = newObject());
  if (!options.allowNameChange) {
    setOrDelete(meta, 'name', name);
    if (text !== undefined) recordNameText(meta, text, name!);
  }
  setOrDelete(meta, 'namespace', namespace);
  return merged;
}

function metaStrings(obj: JsonObject): { name: Json | undefined; namespace: string | undefined; nameText: string | undefined } {
  const meta = isMap(obj.metadata) ? obj.metadata : newObject();
  const str = (v: Json | undefined) => (typeof v === 'string' && v !== '' ? v : undefined);
  // a plain number or boolean name (`name: .5`) is a name too, with its text
  const name = typeof meta.name === 'number' || typeof meta.name === 'bigint' || typeof meta.name === 'boolean' ? meta.name : str(meta.name);
  return { name, namespace: str(meta.namespace), nameText: nameText(meta) };
}

function setOrDelete(obj: JsonObject, key: string, value: Json | undefined): void {
  if (value === undefined) delete obj[key];
  else obj[key] = value;
}


function isEmptyMap(v: unknown): boolean {
  if (!isMap(v)) return false;
  for (const _ in v) return false;
  return true;
}

type NodeKind = 'map' | 'seq' | 'scalar';

function kindOf(v: Json): NodeKind {
  return Array.isArray(v) ? 'seq' : isMap(v) ? 'map' : 'scalar';
}

const KIND_NAME: Record<NodeKind, string> = { map: 'MappingNode', seq: 'SequenceNode', scalar: 'ScalarNode' };

/** A scalar's text as YAML holds it (kyaml compares merge keys as text); maps and lists have none. */
function text(v: Json | undefined): string {
  if (v === undefined || typeof v === 'object') return v === null ? 'null' : '';
  return String(v);
}

/** A merge-key field's text as kyaml compares it: a null written as nothing (`name:`) has none. */
function fieldText(el: JsonObject, key: string): string {
  const v = el[key];
  return v === null && isEmptyNull(el, key) ? '' : text(v);
}

/** A merge-key value as kyaml reads it from an element: missing, null and empty all read as ''. */
function keyText(v: Json | undefined): string {
  return v === null || v === undefined || typeof v === 'object' ? '' : String(v);
}

/** A key value written back as an untagged YAML scalar would be read. */
function scalarFromText(s: string): Json {
  if (/^-?(0|[1-9][0-9]*)$/.test(s)) return Number(s);
  if (s === 'true' || s === 'false') return s === 'true';
  return s;
}

function walk(ctx: Ctx, dest: Src, origin: Src, schema: SchemaNode | undefined): Result {
  const s = schema ?? schemaFromMeta(ctx, dest, origin);
  if (origin === undefined && typeof dest === 'object' && dest !== null) return settle(ctx, dest, s);
  const first = dest !== undefined && dest !== null ? dest : origin !== undefined && origin !== null ? origin : undefined;
  if (first === undefined) return walkMap(ctx, dest, origin, s);
  const kind = kindOf(first);
  for (const src of [dest, origin]) {
    if (src !== undefined && src !== null && kindOf(src) !== kind) {
      throw new KtsError('patch', `wrong node kind: expected ${KIND_NAME[kind]} but got ${KIND_NAME[kindOf(src)]}`, { file: ctx.file, field: ctx.path.join('.') || undefined });
    }
  }
  if (kind === 'map') return walkMap(ctx, dest, origin, s);
  if (kind === 'seq' && s !== undefined && isMergeList(s)) return walkAssociativeList(ctx, dest, origin, s);
  return origin !== undefined ? origin : dest;
}

/**
 * What the walk does where the patch has nothing (most of a resource): no merging, only kyaml's
 * clean-up of the base, done in place without the merge's bookkeeping. Maps drop fields written
 * as nothing; merge lists drop null and empty elements and collapse repeated keys, which only the
 * full walk does (a list whose elements are all distinct and complete stays as it is).
 */
function settle(ctx: Ctx, dest: JsonObject | Json[], s: SchemaNode | undefined): Result {
  if (Array.isArray(dest)) {
    if (s === undefined || !isMergeList(s)) return dest;
    if (!settledList(ctx, dest, s)) return walkAssociativeList(ctx, dest, undefined, s);
    return dest;
  }
  // (deleting the key being visited is safe in a for-in)
  for (const key in dest) {
    const v = dest[key]!;
    if (v === null || v === '') {
      if (isEmptyNull(dest, key)) delete dest[key];
      continue;
    }
    if (typeof v !== 'object') continue;
    const fs = s ? fieldSchema(ctx.schema, s, key) : undefined;
    const value = settle(ctx, v, fs ?? schemaFromMeta(ctx, v));
    if (value === undefined || value === null || value === KEEP_NULL) delete dest[key];
    else if (value !== v) setKey(dest, key, value);
  }
  return dest;
}

/**
 * Settles the elements of a merge list in place and says whether that was all the walk would do:
 * every element a map with a value for each merge key (or, keyless, a scalar), no two alike.
 */
function settledList(ctx: Ctx, list: Json[], s: SchemaNode): boolean {
  const { keys } = patchStrategyAndKeys(s);
  const seen = new Set<string>();
  for (const el of list) {
    let id: string;
    if (keys.length === 0) {
      if (el === null || typeof el === 'object') return false;
      id = text(el);
    } else {
      if (!isMap(el)) return false;
      id = '';
      for (const k of keys) {
        const v = keyText(Object.hasOwn(el, k) ? el[k] : undefined);
        if (v === '') return false;
        id += `${v}\u0000`;
      }
    }
    if (id === '' || seen.has(id)) return false;
    seen.add(id);
  }
  if (keys.length === 0) return true;
  const elemSchema = elementSchema(ctx.schema, s);
  for (const el of list) settle(ctx, el as JsonObject, elemSchema ?? schemaFromMeta(ctx, el));
  return true;
}

function isMergeList(s: SchemaNode): boolean {
  const strategy = s['x-kubernetes-patch-strategy'];
  return typeof strategy === 'string' && (strategy === 'merge' || strategy.split(',').includes('merge'));
}

// Where no schema applies, a map that names its own apiVersion and kind gets that type's schema.
function schemaFromMeta(ctx: Ctx, ...sources: Src[]): SchemaNode | undefined {
  for (const src of sources) {
    if (!isMap(src)) continue;
    const { apiVersion, kind } = src;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind) continue;
    const s = rootSchema(ctx.schema, apiVersion, kind);
    if (s) return s;
  }
  return undefined;
}

// Reads and removes the `$patch` directive of a patch map (an unknown value is left in place).
function takeDirective(origin: Src): Directive {
  if (origin === undefined) return 'merge';
  if (!isMap(origin)) return 'unknown';
  if (!Object.hasOwn(origin, DIRECTIVE)) return 'merge';
  const value = text(origin[DIRECTIVE]);
  if (value !== 'merge' && value !== 'replace' && value !== 'delete') return 'unknown';
  delete origin[DIRECTIVE];
  return value;
}

// A list's directive is an element holding nothing but `$patch`; it is removed from the patch.
function takeListDirective(origin: Src): Directive {
  const el = directiveElement(origin);
  if (el === undefined) return 'merge';
  const value = text(el[DIRECTIVE]);
  if (value !== 'merge' && value !== 'replace' && value !== 'delete') return 'unknown';
  setElement(origin as Json[], undefined, [DIRECTIVE], [value]);
  return value;
}

function directiveElement(origin: Src): JsonObject | undefined {
  if (!Array.isArray(origin)) return undefined;
  const el = origin.find((e): e is JsonObject => isMap(e) && Object.hasOwn(e, DIRECTIVE));
  return el && Object.keys(el).length === 1 ? el : undefined;
}

function unknownListDirective(ctx: Ctx, origin: Src): KtsError {
  const value = text(directiveElement(origin)?.[DIRECTIVE]);
  return new KtsError('patch', `unknown patch strategy '${value}'`, { file: ctx.file, field: [...ctx.path, DIRECTIVE].join('.') });
}

function unknownDirective(ctx: Ctx, origin: Src): KtsError {
  const value = isMap(origin) ? text(origin[DIRECTIVE]) : '';
  return new KtsError('patch', `unknown patch strategy '${value}'`, { file: ctx.file, field: [...ctx.path, DIRECTIVE].join('.') });
}

function walkMap(ctx: Ctx, dest: Src, origin: Src, schema: SchemaNode | undefined): Result {
  let target: Src;
  if (dest === undefined || dest === null) {
    const directive = takeDirective(origin);
    if (directive === 'delete') return undefined;
    if (origin === undefined && dest === null) return KEEP_NULL;
    target = origin;
  } else if (origin === null) {
    return undefined;
  } else {
    const directive = takeDirective(origin);
    if (directive === 'unknown') throw unknownDirective(ctx, origin);
    if (directive === 'delete') return undefined;
    target = directive === 'replace' ? origin : dest;
  }
  if (!isMap(target)) return target;
  const patchMap = isMap(origin) ? origin : undefined;
  let keys: Iterable<string> = Object.keys(target);
  if (patchMap && patchMap !== target) {
    const union = new Set(keys);
    for (const k of Object.keys(patchMap)) union.add(k);
    keys = union;
  }
  for (const key of keys) {
    const fs = schema ? fieldSchema(ctx.schema, schema, key) : undefined;
    ctx.path.push(key);
    // a value written as nothing (`key:`, `{key: }` which JSON reads as "") is a null node to kyaml
    const emptyNull = isEmptyNull(target, key);
    const patched = patchMap !== undefined && Object.hasOwn(patchMap, key);
    const patchValue = !patched ? undefined : isEmptyNull(patchMap, key) ? null : patchMap[key];
    const value = walk(ctx, emptyNull ? null : Object.hasOwn(target, key) ? target[key] : undefined, patchValue, fs);
    ctx.path.pop();
    if (patched && patchMap !== target) forgetPlainText(target, key);
    // kyaml keeps a null the patch leaves alone only when it was written (`null`, `~`)
    if (value === KEEP_NULL && !emptyNull) setKey(target, key, null);
    else if (value === KEEP_NULL || value === undefined || value === null) delete target[key];
    else setKey(target, key, value);
  }
  return target;
}

function walkAssociativeList(ctx: Ctx, dest: Src, origin: Src, schema: SchemaNode): Result {
  let list: Json[];
  if (dest === undefined || dest === null) list = origin as Json[];
  else if (origin === null) return undefined;
  else {
    const directive = takeListDirective(origin);
    if (directive === 'unknown') throw unknownListDirective(ctx, origin);
    if (directive === 'delete') return undefined;
    list = (directive === 'replace' ? origin : dest) as Json[];
  }
  const patchList = Array.isArray(origin) ? origin : undefined;
  const { keys } = patchStrategyAndKeys(schema);
  const values = keyedValues(keys, patchList, list);
  if (values.length > 0 || keys.length > 0) return mergeElements(ctx, values, keys, list, patchList, schema);
  return mergeElements(ctx, primitiveValues(patchList, list), [''], list, patchList, schema);
}

// The key values of every element, patch first, without repeats (kyaml's elementValues).
function keyedValues(keys: string[], patchList: Json[] | undefined, list: Json[]): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  for (const src of [patchList, list]) {
    if (!src) continue;
    for (const el of src) {
      const row = keys.map((k) => (isMap(el) ? keyText(el[k]) : ''));
      const id = row.join('\u0000');
      if (row.length === 0 || seen.has(id)) continue;
      seen.add(id);
      out.push(row);
    }
  }
  return out;
}

function primitiveValues(patchList: Json[] | undefined, list: Json[]): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  for (const src of [patchList, list]) {
    if (!src) continue;
    for (const el of src) {
      const t = text(el);
      if (seen.has(t)) continue;
      seen.add(t);
      out.push([t]);
    }
  }
  return out;
}

// Two key rows are the same element when they agree wherever both have a value.
function matchRows(a: string[], b: string[]): string[] | undefined {
  if (a.length !== b.length) return undefined;
  let common = false;
  const res: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) {
      common = true;
      res.push(a[i]!);
      continue;
    }
    if (a[i] !== '' && b[i] !== '') return undefined;
    res.push(a[i] !== '' ? a[i]! : b[i]!);
  }
  return common ? res : undefined;
}

function mergeRows(rows: string[][]): void {
  for (let i = 0; i < rows.length; i++) {
    const a = rows[i]!;
    for (let j = 0; j < rows.length; j++) {
      const merged = matchRows(a, rows[j]!);
      if (merged) {
        rows[i] = merged;
        rows[j] = merged;
      }
    }
  }
}

/** The keys that have a value in some row. */
function keysWithValues(rows: string[][], keys: string[]): Set<string> {
  const valid = new Set<string>();
  for (const row of rows) row.forEach((v, i) => v !== '' && valid.add(keys[i]!));
  return valid;
}

// Keeps the keys that have a value in some row (all keys when none has).
function validateKeys(valid: Set<string>, values: string[], keys: string[]): [string[], string[]] {
  if (valid.size === 0 || keys.every((k) => valid.has(k))) return [keys, values];
  return [keys.filter((k) => valid.has(k)), values.filter((v, i) => v !== '' || valid.has(keys[i]!))];
}

/** The keys a row has values for (all of them when it has none), to find its element by. */
function keysOfRow(keys: string[], values: string[]): [string[], string[]] {
  return values.includes('') ? validateKeys(keysWithValues([values], keys), values, keys) : [keys, values];
}

function mergeElements(ctx: Ctx, rows: string[][], keys: string[], list: Json[], patchList: Json[] | undefined, schema: SchemaNode): Result {
  const items: Json[] = [];
  const elemSchema = elementSchema(ctx.schema, schema);
  if (keys.length > 1) mergeRows(rows);
  const valid = keysWithValues(rows, keys);
  let validKeys = keys;
  for (const values of rows) {
    if (values.length === 0) continue;
    let validValues: string[];
    [validKeys, validValues] = validateKeys(valid, values, keys);
    const [findKeys, findValues] = keysOfRow(validKeys, validValues);
    const val = walk(ctx, findElement(list, findKeys, findValues), patchList && findElement(patchList, findKeys, findValues), elemSchema);
    if (val === undefined || val === null || val === KEEP_NULL || isEmptyMap(val)) {
      setElement(list, undefined, validKeys, validValues);
      continue;
    }
    validKeys.forEach((key, i) => {
      if (key !== '' && isMap(val) && !Object.hasOwn(val, key) && validValues[i] !== '') setKey(val, key, scalarFromText(validValues[i]!));
    });
    setElement(items, val, validKeys, validValues);
  }
  return rows.length > 0 ? appendElements(items, list, validKeys) : list;
}

// kyaml's FieldMatcher: an empty wanted value matches any element that has the field.
function fieldMatches(el: JsonObject, key: string, value: string): boolean {
  if (!Object.hasOwn(el, key)) return false;
  return value === '' || fieldText(el, key) === value;
}

// The first element with exactly these key values (kyaml's ElementMatcher: no wildcard here).
function findElement(list: Json[], keys: string[], values: string[]): Json | undefined {
  if (keys.length === 0 || keys[0] === '') return list.find((el) => text(el) === values[0]);
  for (const el of list) if (isMap(el) && hasKeyValues(el, keys, values)) return el;
  return undefined;
}

function hasKeyValues(el: JsonObject, keys: string[], values: string[]): boolean {
  for (let i = 0; i < keys.length; i++) if (!Object.hasOwn(el, keys[i]!) || fieldText(el, keys[i]!) !== values[i]) return false;
  return true;
}

/**
 * kyaml's ElementSetter on `list`, in place: drops null and empty-map elements, then replaces every
 * element matching the key values by `element` (or removes them when `element` is undefined), and
 * appends `element` when none matched.
 */
function setElement(list: Json[], element: Json | undefined, keys: string[], values: string[]): void {
  const primitive = keys.length > 0 && keys[0] === '';
  let matched = false;
  // kept elements move down over the dropped ones (no new list per call: merging a list sets every element)
  let kept = 0;
  for (let i = 0; i < list.length; i++) {
    const el = list[i]!;
    if (el === null || isEmptyMap(el)) continue;
    let found: boolean;
    if (primitive) {
      if (typeof el === 'object') {
        list[kept++] = el;
        continue;
      }
      // kyaml's FieldMatcher on a scalar wants its exact text (no wildcard, unlike a keyed field)
      found = values.length > 0 && text(el) === values[0];
    } else {
      if (!isMap(el) && keys.length > 0) {
        list[kept++] = el;
        continue;
      }
      found = values.length > 0 && keys.every((k, j) => j >= values.length || fieldMatches(el as JsonObject, k, values[j]!));
    }
    if (!found) {
      if (values.length > 0) list[kept++] = el;
      continue;
    }
    matched = true;
    if (element !== undefined) list[kept++] = element;
  }
  list.length = kept;
  if (element === undefined || element === null) return;
  if (!matched) list.push(element);
}

/**
 * kyaml's appendListNode(items, base): walks the base list's elements in order and sets each into
 * `items` by its key values. With several merge keys, a base element is first removed and then
 * appended, which moves matched elements after the patch's new ones.
 */
function appendElements(items: Json[], list: Json[], keys: string[]): Json[] {
  for (const el of list) {
    if (keys[0] === '') {
      setElement(items, el, [''], [text(el)]);
      continue;
    }
    const values: string[] = [];
    for (const key of keys) {
      if (!isMap(el) || !Object.hasOwn(el, key)) items.push(el);
      else values.push(fieldText(el, key));
    }
    if (keys.length > 1) setElement(items, undefined, keys, values);
    setElement(items, el, keys, values);
  }
  return items;
}
