// managedFields bookkeeping: server-side apply (merge, prune what the applier stopped setting,
// conflicts with other managers) and ownership changes made by ordinary updates.
// Semantics follow sigs.k8s.io/structured-merge-diff's merge.Updater, at field-path granularity.

import type { Json, JsonObject } from '../../src/kustomize/resource.js';
import {
  clone,
  deepEqual,
  type FieldSet,
  type FieldSetOptions,
  fieldSetOf,
  fromFieldsV1,
  isLeaf,
  isObject,
  isPrefix,
  parsePath,
  pathString,
  removeAt,
  toFieldsV1,
  valueAt,
} from './fieldset.js';
import { structuredMerge } from './merge.js';
import { errors, type StatusCause } from './status.js';

export interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
  fields: FieldSet;
}

export function readManagers(obj: JsonObject | undefined): Manager[] {
  const meta = obj && isObject(obj.metadata) ? obj.metadata : {};
  const list = Array.isArray(meta.managedFields) ? meta.managedFields : [];
  return list.filter(isObject).filter((e) => typeof e.manager === 'string' && e.manager !== '' || e.operation !== undefined).map((e) => ({
    manager: String(e.manager ?? ''),
    operation: e.operation === 'Apply' ? 'Apply' : 'Update',
    apiVersion: String(e.apiVersion ?? ''),
    time: String(e.time ?? ''),
    subresource: typeof e.subresource === 'string' && e.subresource ? e.subresource : undefined,
    fields: fromFieldsV1(e.fieldsV1),
  }));
}

export function writeManagers(managers: Manager[]): Json[] {
  return managers
    .filter((m) => m.fields.size > 0)
    .map((m) => {
      const e: JsonObject = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion, time: m.time, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(m.fields) };
      if (m.subresource) e.subresource = m.subresource;
      return e;
    });
}

function sameEntry(m: Manager, name: string, op: Manager['operation'], subresource: string | undefined, apiVersion?: string): boolean {
  return m.manager === name && m.operation === op && m.subresource === subresource && (apiVersion === undefined || m.apiVersion === apiVersion);
}

/** The identity the real server prints for a manager in conflict messages. */
function describe(m: Manager): string {
  const name = JSON.stringify(m.manager) + (m.subresource ? ` with subresource ${JSON.stringify(m.subresource)}` : '');
  if (m.operation !== 'Update') return name;
  return m.time ? `${name} using ${m.apiVersion} at ${m.time}` : `${name} using ${m.apiVersion}`;
}

function conflictError(conflicts: { manager: Manager; path: string }[]) {
  const causes: StatusCause[] = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${describe(c.manager)}`, field: c.path }));
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    return errors.applyConflict(`Apply failed with 1 conflict: conflict with ${describe(c.manager)}: ${c.path}`, causes);
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(describe(c.manager), [...(byManager.get(describe(c.manager)) ?? []), c.path]);
  const lines = [...byManager.keys()].sort().flatMap((m) => [`conflicts with ${m}:`, ...byManager.get(m)!.map((p) => `- ${p}`)]);
  return errors.applyConflict(`Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`, causes);
}

export interface ApplyRequest {
  /** The stored object, undefined when the apply creates it. */
  live: JsonObject | undefined;
  /** The applied configuration (already checked for apiVersion/kind/name). */
  applied: JsonObject;
  manager: string;
  force: boolean;
  apiVersion: string;
  now: string;
  fieldSet: FieldSetOptions;
  /** `status` when applied through the /status subresource. */
  subresource?: string;
}

/**
 * Server-side apply. Returns the new object with its managedFields (metadata the server
 * owns, such as uid or resourceVersion, is carried over from `live` unchanged).
 * Throws a 409 Conflict ApiError when another manager owns a field the apply would change.
 */
export function serverSideApply(req: ApplyRequest): JsonObject {
  const { live, applied, manager, now } = req;
  const appliedSet = fieldSetOf(applied, req.fieldSet);
  const managers = readManagers(live);
  const mine = managers.find((m) => sameEntry(m, manager, 'Apply', req.subresource));
  const others = managers.filter((m) => m !== mine);
  const base: JsonObject = live ? clone(live) : {};
  if (isObject(base.metadata)) delete base.metadata.managedFields;
  const merged = structuredMerge(base, stripNulls(applied)) as JsonObject;

  // Fields the applier set before and has now dropped are removed, unless someone else owns them.
  // Shortest paths first: a removed list item takes its fields along; the key fields of an item that stays, stay.
  const dropped = [...(mine?.fields ?? [])].filter((p) => !appliedSet.has(p)).map(parsePath);
  dropped.sort((a, b) => a.length - b.length);
  const removed: string[][] = [];
  for (const path of dropped) {
    if (removed.some((r) => isPrefix(r, path)) || isItemKey(path)) continue;
    const ownedElsewhere = others.some((m) => [...m.fields].some((q) => isPrefix(path, parsePath(q))));
    if (ownedElsewhere) continue;
    removeAt(merged, path);
    removed.push(path);
  }

  const conflicts: { manager: Manager; path: string; key: string }[] = [];
  if (live) {
    for (const key of appliedSet) {
      const path = parsePath(key);
      if (!isLeaf(applied, path)) continue;
      if (deepEqual(valueAt(live, path), valueAt(merged, path))) continue;
      for (const m of others) if (m.fields.has(key)) conflicts.push({ manager: m, path: pathString(path), key });
    }
  }
  if (conflicts.length && !req.force) {
    const allowed = allowedFromLastApplied(live!, manager, req.apiVersion, req.fieldSet);
    const remaining = conflicts.filter((c) => !allowed.has(c.key));
    if (remaining.length) throw conflictError(remaining);
  }
  for (const c of conflicts) c.manager.fields.delete(c.key);

  const entry: Manager = { manager, operation: 'Apply', apiVersion: req.apiVersion, time: now, subresource: req.subresource, fields: appliedSet };
  if (mine && sameFields(mine.fields, appliedSet) && mine.apiVersion === req.apiVersion) entry.time = mine.time;
  const next = managers.map((m) => (m === mine ? entry : m));
  if (!mine) next.push(entry);
  return withManagers(merged, next);
}

export interface UpdateRequest {
  old: JsonObject | undefined;
  updated: JsonObject;
  manager: string;
  apiVersion: string;
  now: string;
  subresource?: string;
  fieldSet: FieldSetOptions;
}

/** Ownership after an ordinary write (create, update, patch): the writer owns what it changed. */
export function recordUpdate(req: UpdateRequest): JsonObject {
  const { old, updated } = req;
  const oldSet = old ? fieldSetOf(old, req.fieldSet) : new Set<string>();
  const newSet = fieldSetOf(updated, req.fieldSet);
  const changed = new Set<string>();
  for (const key of newSet) {
    if (!oldSet.has(key)) changed.add(key);
    else {
      const path = parsePath(key);
      if (isLeaf(updated, path) && !deepEqual(valueAt(old!, path), valueAt(updated, path))) changed.add(key);
    }
  }
  const removed = [...oldSet].filter((k) => !newSet.has(k));
  // A client may rewrite managedFields itself (kubectl does, to migrate to server-side apply).
  const sent = isObject(updated.metadata) ? updated.metadata.managedFields : undefined;
  const oldFields = old && isObject(old.metadata) ? old.metadata.managedFields : undefined;
  const managers = sent !== undefined && !deepEqual(sent, oldFields ?? null) ? readManagers(updated) : readManagers(old);
  for (const m of managers) {
    for (const k of removed) m.fields.delete(k);
    if (!sameEntry(m, req.manager, 'Update', req.subresource, req.apiVersion)) for (const k of changed) m.fields.delete(k);
  }
  // Fields that no longer exist are owned by nobody (within what this write can change).
  for (const m of managers) for (const k of m.fields) if (!newSet.has(k) && inScope(k, req.fieldSet)) m.fields.delete(k);
  let mine = managers.find((m) => sameEntry(m, req.manager, 'Update', req.subresource, req.apiVersion));
  if (changed.size > 0) {
    if (!mine) managers.push((mine = { manager: req.manager, operation: 'Update', apiVersion: req.apiVersion, time: req.now, subresource: req.subresource, fields: new Set() }));
    for (const k of changed) mine.fields.add(k);
    mine.time = req.now;
  }
  return withManagers(updated, managers);
}

/** Whether a write with these options can touch the field at `key` (status vs. the rest). */
function inScope(key: string, opts: FieldSetOptions): boolean {
  const status = key.startsWith('["f:status"');
  return opts.status === 'only' ? status : opts.status === 'exclude' ? !status : true;
}

function withManagers(obj: JsonObject, managers: Manager[]): JsonObject {
  const out = clone(obj);
  const meta = isObject(out.metadata) ? out.metadata : (out.metadata = {});
  const list = writeManagers(managers);
  if (list.length) meta.managedFields = list;
  else delete meta.managedFields;
  return out;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The real server lets `kubectl apply --server-side` take over from client-side apply without
 * conflicts: fields in the last-applied annotation whose value is still live may be taken
 * (apimachinery managedfields lastAppliedManager). Only for the manager `kubectl`.
 */
function allowedFromLastApplied(live: JsonObject, manager: string, apiVersion: string, opts: FieldSetOptions): FieldSet {
  const allowed: FieldSet = new Set();
  const annotations = isObject(live.metadata) && isObject(live.metadata.annotations) ? live.metadata.annotations : {};
  const text = annotations[LAST_APPLIED];
  if (manager !== 'kubectl' || typeof text !== 'string' || text === '') return allowed;
  let last: Json;
  try {
    last = JSON.parse(text) as Json;
  } catch {
    return allowed;
  }
  if (!isObject(last) || last.apiVersion !== apiVersion) return allowed;
  for (const key of fieldSetOf(last, opts)) {
    const path = parsePath(key);
    const liveValue = valueAt(live, path);
    if (liveValue === undefined) continue;
    if (isLeaf(last, path) && !deepEqual(valueAt(last, path), liveValue)) continue;
    allowed.add(key);
  }
  return allowed;
}

/** Whether `path` is a key field of an associative list item, e.g. `.containers[name="x"].name`. */
function isItemKey(path: string[]): boolean {
  const parent = path[path.length - 2];
  const last = path[path.length - 1];
  if (!parent?.startsWith('k:') || !last?.startsWith('f:')) return false;
  return last.slice(2) in (JSON.parse(parent.slice(2)) as JsonObject);
}

function sameFields(a: FieldSet, b: FieldSet): boolean {
  return a.size === b.size && [...a].every((k) => b.has(k));
}

function stripNulls(v: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = isObject(x) ? stripNulls(x) : x;
  return out;
}
