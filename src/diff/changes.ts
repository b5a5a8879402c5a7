import { idOf, jsonEqual, type JsonObject, type ResId } from '../kustomize/resource.js';

// A diff is data first: the list of per-object changes between two sets of manifests, matched
// by group/kind/namespace/name (not version: the cluster may answer in another version).
// Formatting for a terminal, markdown or JSON happens afterwards.

export type Action = 'added' | 'changed' | 'removed' | 'unchanged';

export interface Change {
  id: ResId;
  action: Action;
  before?: JsonObject;
  after?: JsonObject;
}

export interface DiffSummary {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
}

const matchKey = (id: ResId): string => `${id.group}|${id.kind}|${id.namespace}|${id.name}`;

/** Order of the report: by kind, then namespace, then name, so that equal inputs give equal reports. */
function compareIds(a: ResId, b: ResId): number {
  return a.kind.localeCompare(b.kind) || a.group.localeCompare(b.group) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
}

/**
 * Pairs `before` and `after` objects by id. Maps compare regardless of key order (a re-ordered
 * but equal map is unchanged); lists compare in order (a re-ordered list is a change).
 */
export function computeChanges(before: JsonObject[], after: JsonObject[]): Change[] {
  const old = new Map<string, JsonObject>();
  for (const obj of before) old.set(matchKey(idOf(obj)), obj);
  const changes: Change[] = [];
  for (const obj of after) {
    const id = idOf(obj);
    const key = matchKey(id);
    const prev = old.get(key);
    old.delete(key);
    if (!prev) changes.push({ id, action: 'added', after: obj });
    else changes.push({ id, action: jsonEqual(prev, obj) ? 'unchanged' : 'changed', before: prev, after: obj });
  }
  for (const obj of old.values()) changes.push({ id: idOf(obj), action: 'removed', before: obj });
  return changes.sort((a, b) => compareIds(a.id, b.id));
}

export function summarize(changes: Change[]): DiffSummary {
  const s: DiffSummary = { added: 0, changed: 0, removed: 0, unchanged: 0 };
  for (const c of changes) s[c.action]++;
  return s;
}

export const hasDifferences = (changes: Change[]): boolean => changes.some((c) => c.action !== 'unchanged');
