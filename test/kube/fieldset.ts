// Field sets as server-side apply tracks them (sigs.k8s.io/structured-merge-diff), without
// schemas: which lists are associative (merged by key) or sets is decided by the field name,
// following the list types of the built-in Kubernetes kinds. Everything else is atomic.
//
// A path is a list of path elements in their managedFields (FieldsV1) spelling:
// `f:name` (map field), `k:{"name":"web"}` (associative list item), `v:"x"` (set item), `i:0`.
// A FieldSet is a Set of JSON-encoded paths, so set algebra is plain Set operations.

import type { Json, JsonObject } from '../../src/kustomize/resource.js';

export type Path = string[];
export type FieldSet = Set<string>;

interface ListKeys {
  keys: string[];
  defaults?: Record<string, Json>;
}

const byName: ListKeys = { keys: ['name'] };
// Associative lists of the built-in kinds (x-kubernetes-list-type: map), by field name.
const ASSOCIATIVE: Record<string, ListKeys | ((item: JsonObject) => ListKeys)> = {
  containers: byName,
  initContainers: byName,
  ephemeralContainers: byName,
  volumes: byName,
  env: byName,
  imagePullSecrets: byName,
  resourceClaims: byName,
  conditions: { keys: ['type'] },
  volumeMounts: { keys: ['mountPath'] },
  volumeDevices: { keys: ['devicePath'] },
  hostAliases: { keys: ['ip'] },
  ownerReferences: { keys: ['uid'] },
  ports: (item) =>
    'containerPort' in item
      ? { keys: ['containerPort', 'protocol'], defaults: { protocol: 'TCP' } }
      : { keys: ['port', 'protocol'], defaults: { protocol: 'TCP' } },
};
// Lists of scalars with set semantics (x-kubernetes-list-type: set).
const SETS = new Set(['finalizers']);

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => k in b && deepEqual(a[k], b[k]));
}

/** A deep copy of plain JSON (much faster than structuredClone on small objects). */
export function clone<T extends Json>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => clone(x)) as T;
  const out: JsonObject = {};
  for (const k in v) out[k] = clone((v as JsonObject)[k]!);
  return out as T;
}

/** How a list under `field` is merged: by key, as a set, or replaced whole. */
export type ListKind = { type: 'map'; keys: ListKeys } | { type: 'set' } | { type: 'atomic' };

export function listKind(field: string | undefined, items: Json[]): ListKind {
  if (field === undefined) return { type: 'atomic' };
  if (SETS.has(field) && items.every((i) => !isObject(i) && !Array.isArray(i))) return { type: 'set' };
  const spec = ASSOCIATIVE[field];
  if (!spec) return { type: 'atomic' };
  if (items.length === 0) return { type: 'atomic' };
  let keys: ListKeys | undefined;
  for (const item of items) {
    if (!isObject(item)) return { type: 'atomic' };
    const k = typeof spec === 'function' ? spec(item) : spec;
    if (keys && keys.keys.join() !== k.keys.join()) return { type: 'atomic' };
    keys = k;
    if (!k.keys.every((key) => key in item || (k.defaults && key in k.defaults))) return { type: 'atomic' };
  }
  return keys ? { type: 'map', keys } : { type: 'atomic' };
}

/** The key element (`k:{...}`) of an associative list item; key fields sorted by name, defaults filled in. */
export function keyElement(item: JsonObject, keys: ListKeys): string {
  const k: JsonObject = {};
  for (const name of [...keys.keys].sort()) {
    const v = item[name] ?? keys.defaults?.[name];
    if (v !== undefined) k[name] = v;
  }
  return `k:${JSON.stringify(k)}`;
}

function fieldOf(element: string | undefined): string | undefined {
  return element?.startsWith('f:') ? element.slice(2) : undefined;
}

/** Top-level and metadata fields the server owns; they never appear in a field set. */
const STRIPPED_TOP = new Set(['apiVersion', 'kind']);
const STRIPPED_META = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
  'managedFields',
]);

export interface FieldSetOptions {
  /** `exclude`: leave `.status` out (main resource of a kind with a status subresource); `only`: just `.status`. */
  status?: 'include' | 'exclude' | 'only';
}

/** Every field path set in `obj` (leaves, plus associative list items themselves). */
export function fieldSetOf(obj: JsonObject, opts: FieldSetOptions = {}): FieldSet {
  const out: FieldSet = new Set();
  for (const [k, v] of Object.entries(obj)) {
    if (STRIPPED_TOP.has(k) || v === null) continue;
    if (k === 'status' && opts.status === 'exclude') continue;
    if (k !== 'status' && opts.status === 'only') continue;
    if (k === 'metadata' && isObject(v)) {
      for (const [mk, mv] of Object.entries(v)) {
        if (!STRIPPED_META.has(mk) && mv !== null) walk(mv, ['f:metadata', `f:${mk}`], out);
      }
      continue;
    }
    walk(v, [`f:${k}`], out);
  }
  return out;
}

function walk(v: Json, path: Path, out: FieldSet): void {
  if (isObject(v)) {
    const entries = Object.entries(v).filter(([, x]) => x !== null);
    if (entries.length === 0) out.add(JSON.stringify(path));
    for (const [k, x] of entries) walk(x, [...path, `f:${k}`], out);
    return;
  }
  if (Array.isArray(v)) {
    const kind = listKind(fieldOf(path[path.length - 1]), v);
    if (kind.type === 'map') {
      for (const item of v as JsonObject[]) {
        const p = [...path, keyElement(item, kind.keys)];
        out.add(JSON.stringify(p));
        for (const [k, x] of Object.entries(item)) if (x !== null) walk(x, [...p, `f:${k}`], out);
      }
    } else if (kind.type === 'set') {
      for (const item of v) out.add(JSON.stringify([...path, `v:${JSON.stringify(item)}`]));
    } else out.add(JSON.stringify(path));
    return;
  }
  out.add(JSON.stringify(path));
}

export function parsePath(key: string): Path {
  return JSON.parse(key) as Path;
}

/** The managedFields `fieldsV1` form of a set. */
export function toFieldsV1(set: FieldSet): JsonObject {
  interface Node {
    member: boolean;
    children: Map<string, Node>;
  }
  const root: Node = { member: false, children: new Map() };
  for (const key of set) {
    let n = root;
    for (const el of parsePath(key)) {
      let c = n.children.get(el);
      if (!c) n.children.set(el, (c = { member: false, children: new Map() }));
      n = c;
    }
    n.member = true;
  }
  const emit = (n: Node): JsonObject => {
    const o: JsonObject = {};
    if (n.member && n.children.size > 0) o['.'] = {};
    for (const el of [...n.children.keys()].sort()) o[el] = emit(n.children.get(el)!);
    return o;
  };
  return emit(root);
}

export function fromFieldsV1(v: Json | undefined): FieldSet {
  const out: FieldSet = new Set();
  const visit = (node: Json, path: Path) => {
    if (!isObject(node)) return;
    for (const [el, child] of Object.entries(node)) {
      if (el === '.') out.add(JSON.stringify(path));
      else if (isObject(child) && Object.keys(child).length === 0) out.add(JSON.stringify([...path, el]));
      else visit(child, [...path, el]);
    }
  };
  visit(v ?? null, []);
  return out;
}

/** A path as the API server prints it in conflict messages: `.spec.containers[name="web"].image`. */
export function pathString(path: Path): string {
  return path
    .map((el) => {
      const body = el.slice(2);
      switch (el[0]) {
        case 'f':
          return `.${body}`;
        case 'k': {
          const k = JSON.parse(body) as JsonObject;
          return `[${Object.entries(k)
            .map(([n, v]) => `${n}=${JSON.stringify(v)}`)
            .join(',')}]`;
        }
        case 'v':
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}

function findItem(list: Json[], el: string): number {
  const body = el.slice(2);
  if (el.startsWith('i:')) return Number(body) < list.length ? Number(body) : -1;
  if (el.startsWith('v:')) {
    const want = JSON.parse(body) as Json;
    return list.findIndex((x) => deepEqual(x, want));
  }
  const want = JSON.parse(body) as JsonObject;
  return list.findIndex(
    (x) => isObject(x) && Object.entries(want).every(([k, v]) => deepEqual(x[k] ?? (k === 'protocol' ? 'TCP' : undefined), v)),
  );
}

/** The value at `path`, or undefined when absent. */
export function valueAt(obj: Json, path: Path): Json | undefined {
  let cur: Json | undefined = obj;
  for (const el of path) {
    if (el.startsWith('f:')) {
      if (!isObject(cur)) return undefined;
      cur = cur[el.slice(2)];
    } else {
      if (!Array.isArray(cur)) return undefined;
      const i = findItem(cur, el);
      cur = i < 0 ? undefined : cur[i];
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Removes the field or list item at `path` (no-op when absent). */
export function removeAt(obj: JsonObject, path: Path): void {
  const parent = valueAt(obj, path.slice(0, -1));
  const el = path[path.length - 1];
  if (el === undefined) return;
  if (el.startsWith('f:')) {
    if (isObject(parent)) delete parent[el.slice(2)];
  } else if (Array.isArray(parent)) {
    const i = findItem(parent, el);
    if (i >= 0) parent.splice(i, 1);
  }
}

/** Whether `path` is a leaf of `obj`: a scalar, an atomic list, a set item or an empty map. */
export function isLeaf(obj: Json, path: Path): boolean {
  const v = valueAt(obj, path);
  if (v === undefined) return false;
  if (isObject(v)) return Object.keys(v).length === 0;
  return true;
}

export function isPrefix(prefix: Path, path: Path): boolean {
  return prefix.length <= path.length && prefix.every((el, i) => el === path[i]);
}
