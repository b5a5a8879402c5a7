// kyaml's dotted field paths over plain JSON, as replacements and vars use them:
//   splitFieldPath  kyaml utils.SmarterPathSplitter ('a.[b.c].[name=x]', '\.' escapes a dot)
//   lookupPath      yaml.PathGetter without create: one node or nothing (sources, var values)
//   matchPaths      yaml.PathMatcher with optional create: every node the path reaches (targets)
// Path parts: a field name, a list index ('0'), the last element ('-', lookup only), every
// element ('*', match only), an element by field ('[name=nginx]', a regex in matchPaths and an
// exact value in lookupPath) or a scalar element ('[=value]').

import { KtsError } from '../../errors.js';
import { mapOf, own, setKey } from '../json.js';
import { newObject } from '../resource.js';
import type { Json, JsonObject } from '../resource.js';
import { resolvePlainV3 } from '../yaml/resolve.js';

/** Errors from walking a path; callers prefix them with what they were looking for. */
export class FieldPathError extends KtsError {
  constructor(message: string) {
    super('field-path', message);
  }
}

/** kyaml PathSplitter: splits on `delimiter`, a backslash before it keeps it literal. */
export function pathSplitter(path: string, delimiter: string): string[] {
  const parts = path.split(delimiter);
  const out = [parts[0]!];
  for (const p of parts.slice(1)) {
    const last = out.length - 1;
    if (out[last]!.endsWith('\\')) out[last] = out[last]!.slice(0, -1) + delimiter + p;
    else out.push(p);
  }
  return out;
}

/**
 * kyaml SmarterPathSplitter with '.': a bracketed part may contain dots; `[k=v]` keeps its
 * brackets (a list element), `[a.b/c]` loses them (a map key with dots).
 */
export function splitFieldPath(path: string): string[] {
  const split = pathSplitter(path, '.');
  const out: string[] = [];
  for (let i = 0; i < split.length; i++) {
    const part = split[i]!;
    if (!part.startsWith('[') || part.endsWith(']')) {
      out.push(part);
      continue;
    }
    const bracketed = [part];
    while (i < split.length - 1) {
      i++;
      bracketed.push(split[i]!);
      if (split[i]!.endsWith(']')) break;
    }
    const joined = bracketed.join('.');
    out.push(joined.includes('=') ? joined : joined.replace(/^[[\]]+|[[\]]+$/g, ''));
  }
  return out;
}

/** kyaml convertSliceIndex (RNode.GetFieldValue): `ports[0]` reads as `ports`, `0`. */
export function splitVarFieldPath(path: string): string[] {
  const out: string[] = [];
  for (const part of splitFieldPath(path)) {
    const m = part.endsWith(']') ? /^(.*)\[(\d+)\]$/.exec(part) : null;
    if (m) out.push(m[1]!, m[2]!);
    else out.push(part);
  }
  return out;
}

function isListIndex(part: string): boolean {
  return part.startsWith('[') && part.endsWith(']');
}

/** Go strconv.Atoi: an optional sign and decimal digits. */
function atoi(part: string): number | undefined {
  return /^[+-]?[0-9]+$/.test(part) ? Number(part) : undefined;
}

function isIdxNumber(part: string): boolean {
  const n = atoi(part);
  return n !== undefined && n >= 0;
}

/** `[name=value]` → ['name', 'value']; `[=value]` → ['', 'value']. */
function splitIndexNameValue(part: string): [string, string] {
  const inner = part.slice(1, -1);
  const eq = inner.indexOf('=');
  if (eq < 0) throw new FieldPathError('list path element must contain fieldName=fieldValue for element to match');
  return [inner.slice(0, eq), inner.slice(eq + 1)];
}

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nodeKind(v: Json): string {
  if (Array.isArray(v)) return 'SequenceNode';
  return isObject(v) ? 'MappingNode' : 'ScalarNode';
}

/** The text of a scalar as YAML holds it (kyaml node Value); '' for maps and lists, as in Go. */
export function scalarText(v: Json): string {
  if (v === null || typeof v === 'object') return '';
  return String(v);
}

/** Where a walk is, for messages: the parts before the current one (computed only on error). */
interface At {
  parts: readonly string[];
  i: number;
}

function where(at: At): string {
  return at.parts.slice(0, at.i).join('.');
}

function elements(node: Json, at: At): Json[] {
  if (Array.isArray(node)) return node;
  throw new FieldPathError(`wrong node kind at '${where(at)}': expected SequenceNode but got ${nodeKind(node)}`);
}

function fields(node: Json, at: At): JsonObject {
  if (isObject(node)) return node;
  throw new FieldPathError(`wrong node kind at '${where(at)}': expected MappingNode but got ${nodeKind(node)}`);
}

/**
 * kyaml PathGetter (yaml.Lookup): the node at `parts`, or undefined when some part is missing.
 * A null on the way counts as missing; a node of the wrong kind is an error.
 */
export function lookupPath(root: Json, parts: readonly string[]): Json | undefined {
  const path = parts.map((p) => p.trim()).filter((p) => p !== '');
  let node: Json = root;
  for (let i = 0; i < path.length; i++) {
    const part = path[i]!;
    const at: At = { parts: path, i };
    if (node === null) return undefined;
    const idx = atoi(part);
    let next: Json | undefined;
    if (idx !== undefined) {
      if (idx < 0) throw new FieldPathError(`array index ${idx} cannot be negative`);
      next = elements(node, at)[idx];
    } else if (part === '-') {
      const els = elements(node, at);
      next = els[els.length - 1];
    } else if (part === '*') {
      throw new FieldPathError('wildcard is not supported in PathGetter');
    } else if (isListIndex(part)) {
      const [name, value] = splitIndexNameValue(part);
      next = elements(node, at).find((e) => {
        if (name === '') return !isObject(e) && !Array.isArray(e) && scalarText(e) === value;
        if (e === null) return false;
        const v = own(fields(e, { parts: path, i: i + 1 }), name);
        return v !== undefined && scalarText(v) === value;
      });
    } else {
      next = own(fields(node, at), part);
    }
    if (next === undefined) return undefined;
    node = next;
  }
  return node;
}

/** What `create` makes of a missing leaf: a node of the kind of the value about to be written. */
export type CreateKind = 'scalar' | 'map' | 'seq';

export function createKindOf(value: Json): CreateKind {
  if (Array.isArray(value)) return 'seq';
  return isObject(value) ? 'map' : 'scalar';
}

/**
 * Scalars kyaml created without a type tag (by `create`): JSON cannot say so, so they are kept
 * here, by container and key, for as long as later writes should treat them as untyped.
 */
export class UntypedScalars {
  private readonly seen = new WeakMap<object, Set<string | number>>();

  add(parent: object, key: string | number): void {
    const keys = this.seen.get(parent);
    if (keys) keys.add(key);
    else this.seen.set(parent, new Set([key]));
  }

  has(parent: object, key: string | number): boolean {
    return this.seen.get(parent)?.has(key) ?? false;
  }
}

/** A place in a document: `parent[key]`. `created` marks an untyped scalar (one create made). */
export interface Slot {
  parent: JsonObject | Json[];
  key: string | number;
  created?: boolean;
}

export function slotValue(slot: Slot): Json {
  return (slot.parent as Record<string | number, Json>)[slot.key]!;
}

export function setSlot(slot: Slot, value: Json): void {
  if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  else setKey(slot.parent, String(slot.key), value);
}

/** kyaml getPathPartKind: what to create for a part, judging by the part after it. */
function kindFor(next: string | undefined, create: CreateKind): CreateKind {
  if (next === undefined) return create;
  if (isListIndex(next) || isIdxNumber(next)) return 'seq';
  return 'map';
}

function emptyNode(kind: CreateKind): Json {
  return kind === 'seq' ? [] : kind === 'map' ? newObject() : null;
}

// the same few patterns are matched against every target resource
const compiled = new Map<string, RegExp>();

function compile(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (re) return re;
  try {
    re = new RegExp(pattern);
  } catch {
    throw new FieldPathError(`invalid regular expression '${pattern}'`);
  }
  if (compiled.size < 1000) compiled.set(pattern, re);
  return re;
}

/**
 * kyaml PathMatcher: every slot `parts` reaches in `root`, in document order. With `create`,
 * missing fields, the element one past the end of a list, and list elements matched by
 * `[k=v]` are created on the way (mutating `root`). Returns [] when nothing matched.
 */
export function matchPaths(root: JsonObject, parts: readonly string[], create?: CreateKind, untyped = new UntypedScalars()): Slot[] {
  const out: Slot[] = [];
  // a null met where a list is expected reads as an empty list (kyaml: no elements)
  const adoptList = (slot: Slot | undefined): Json[] => {
    const list: Json[] = [];
    if (create && slot) setSlot(slot, list);
    return list;
  };
  const walk = (node: Json, i: number, slot: Slot | undefined): void => {
    if (i === parts.length) {
      if (slot) out.push(slot);
      return;
    }
    const part = parts[i]!;
    const next = parts[i + 1];
    const at: At = { parts, i };
    if (isIdxNumber(part)) {
      const els = node === null ? adoptList(slot) : elements(node, at);
      const idx = Number(part);
      if (idx === els.length && create) {
        const kind = kindFor(next, create);
        els.push(emptyNode(kind));
        walk(els[idx]!, i + 1, { parent: els, key: idx, created: kind === 'scalar' });
        return;
      }
      if (idx >= els.length) throw new FieldPathError(`index ${idx} specified but only ${els.length} elements found`);
      walk(els[idx]!, i + 1, { parent: els, key: idx });
      return;
    }
    if (part === '*' || isListIndex(part)) {
      const els = node === null ? [] : elements(node, at);
      if (part === '*') {
        els.forEach((el, k) => walk(el, i + 1, { parent: els, key: k }));
        return;
      }
      const [name, pattern] = splitIndexNameValue(part);
      const re = compile(pattern);
      let matched = false;
      els.forEach((el, k) => {
        if (name === '') {
          if (isObject(el) || Array.isArray(el) || !re.test(scalarText(el))) return;
          matched = true;
          out.push({ parent: els, key: k });
          return;
        }
        const v = isObject(el) ? own(el, name) : undefined;
        if (v === undefined || !re.test(scalarText(v))) return;
        matched = true;
        walk(el, i + 1, { parent: els, key: k });
      });
      if (matched || !create || node === null) return;
      const created: JsonObject | null = name === '' ? null : mapOf([[name, resolvePlainV3(pattern)]]);
      els.push(created);
      if (created) untyped.add(created, name);
      if (name === '') out.push({ parent: els, key: els.length - 1, created: true });
      else walk(created, i + 1, { parent: els, key: els.length - 1 });
      return;
    }
    if (node === null) return;
    const map = fields(node, at);
    let value = own(map, part);
    if (value === undefined) {
      if (!create) return;
      const kind = kindFor(next, create);
      value = emptyNode(kind);
      setKey(map, part, value);
      walk(value, i + 1, { parent: map, key: part, created: kind === 'scalar' });
      return;
    }
    walk(value, i + 1, { parent: map, key: part });
  };
  walk(root, 0, undefined);
  for (const slot of out) {
    if (slot.created) untyped.add(slot.parent, slot.key);
    else if (untyped.has(slot.parent, slot.key)) slot.created = true;
  }
  return out;
}

/**
 * kyaml PathGetter with create (yaml.LookupCreate): the one slot `parts` names, creating missing
 * fields and `[k=v]` elements (matched exactly) on the way; undefined when a list index is out
 * of range. The leaf, when created, is an untyped scalar (or a node of `create`'s kind).
 */
export function lookupCreate(root: JsonObject, parts: readonly string[], create: CreateKind): Slot | undefined {
  const path = parts.map((p) => p.trim()).filter((p) => p !== '');
  let node: Json = root;
  let slot: Slot | undefined;
  for (let i = 0; i < path.length; i++) {
    const part = path[i]!;
    const at: At = { parts: path, i };
    const kind = kindFor(path[i + 1], create);
    const idx = atoi(part);
    if (idx !== undefined || part === '-') {
      if (idx !== undefined && idx < 0) throw new FieldPathError(`array index ${idx} cannot be negative`);
      if (node === null) return undefined;
      const els = elements(node, at);
      const k = idx ?? els.length - 1;
      if (k < 0 || k >= els.length) return undefined;
      slot = { parent: els, key: k };
    } else if (part === '*') {
      throw new FieldPathError('wildcard is not supported in PathGetter');
    } else if (isListIndex(part)) {
      const [name, value] = splitIndexNameValue(part);
      const els: Json[] = node === null && slot ? adopt<Json[]>(slot, []) : elements(node, at);
      let k = els.findIndex((e) => {
        if (name === '') return !isObject(e) && !Array.isArray(e) && scalarText(e) === value;
        const v = isObject(e) ? own(e, name) : undefined;
        return v !== undefined && scalarText(v) === value;
      });
      if (k < 0) {
        els.push(name === '' ? resolvePlainV3(value) : mapOf([[name, resolvePlainV3(value)]]));
        k = els.length - 1;
      }
      slot = { parent: els, key: k };
    } else {
      const map: JsonObject = node === null && slot ? adopt<JsonObject>(slot, newObject()) : fields(node, at);
      if (own(map, part) === undefined) {
        setKey(map, part, emptyNode(kind));
        slot = { parent: map, key: part, created: kind === 'scalar' };
      } else {
        slot = { parent: map, key: part };
      }
    }
    node = slotValue(slot);
  }
  return slot;
}

/** A null met on the way becomes the container kyaml would have created. */
function adopt<T extends Json>(slot: Slot, value: T): T {
  setSlot(slot, value);
  return value;
}
