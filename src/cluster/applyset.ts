// ApplySet membership (KEP-3659), written so that kubectl recognizes our sets: the parent is a
// Secret labeled with the set id, annotated with the tooling and the group-kinds/namespaces of its
// members; each member carries the part-of label. kubectl refuses to mutate a set whose tooling
// annotation names another tool, which is exactly the protection we want in both directions.
import { createHash } from 'node:crypto';
import type { JsonObject } from '../kustomize/resource.js';
import { branchSlug, isDnsLabel } from '../env/slug.js';

export const LABEL_ID = 'applyset.kubernetes.io/id';
export const LABEL_PART_OF = 'applyset.kubernetes.io/part-of';
export const ANNOTATION_TOOLING = 'applyset.kubernetes.io/tooling';
export const ANNOTATION_GROUP_KINDS = 'applyset.kubernetes.io/contains-group-kinds';
export const ANNOTATION_NAMESPACES = 'applyset.kubernetes.io/additional-namespaces';
export const TOOLING_NAME = 'kts';
/** Field manager of the parent object (kubectl uses `<tool>-applyset`). */
export const PARENT_FIELD_MANAGER = 'kts-applyset';

export interface ApplySetParent {
  name: string;
  namespace: string;
  /** Always a core Secret, kubectl's default parent type. */
  kind: 'Secret';
  id: string;
}

/** kubectl's ApplySet.ID(): base64url(sha256(name.namespace.kind.group)), unpadded, in `applyset-%s-v1`. */
export function applySetId(name: string, namespace: string, kind: string, group: string): string {
  const hash = createHash('sha256').update([name, namespace, kind, group].join('.')).digest('base64url');
  return `applyset-${hash}-v1`;
}

/** A DNS label standing for `s` (itself when it is one, else an injective slug with a hash). */
const label = (s: string) => (isDnsLabel(s) ? s : branchSlug(s));

/**
 * The parent of app `app`'s environment `env` in `namespace`: Secret `kts-applyset.<app>.<env>`
 * (dots cannot occur in either part, so two apps or environments never share a parent; a name
 * that is not a DNS label is replaced by its slug, never used raw).
 */
export function parentFor(app: string, env: string, namespace: string): ApplySetParent {
  const name = `kts-applyset.${label(app)}.${label(env)}`;
  return { name, namespace, kind: 'Secret', id: applySetId(name, namespace, 'Secret', '') };
}

/** `Kind` for the core group, `Kind.group` otherwise (Go's schema.GroupKind.String()). */
export function groupKind(group: string, kind: string): string {
  return group ? `${kind}.${group}` : kind;
}

export function parseGroupKind(gk: string): { group: string; kind: string } {
  const dot = gk.indexOf('.');
  return dot < 0 ? { group: '', kind: gk } : { kind: gk.slice(0, dot), group: gk.slice(dot + 1) };
}

function splitList(value: string | undefined): string[] {
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** What a live parent says about its members. */
export interface ParentState {
  tooling?: string;
  id?: string;
  groupKinds: string[];
  namespaces: string[];
}

export function readParent(obj: JsonObject, parent: ApplySetParent): ParentState {
  const meta = (obj.metadata ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string> };
  const ann = meta.annotations ?? {};
  const namespaces = splitList(ann[ANNOTATION_NAMESPACES]);
  return {
    tooling: ann[ANNOTATION_TOOLING],
    id: meta.labels?.[LABEL_ID],
    groupKinds: splitList(ann[ANNOTATION_GROUP_KINDS]),
    namespaces: [...new Set([parent.namespace, ...namespaces])].sort(),
  };
}

/** Why we must not touch an existing parent, or undefined when it is ours. */
export function parentConflict(state: ParentState, parent: ApplySetParent): string | undefined {
  if (!state.tooling) return `ApplySet parent Secret ${parent.namespace}/${parent.name} exists without the ${ANNOTATION_TOOLING} annotation`;
  const tool = state.tooling.includes('/') ? state.tooling.slice(0, state.tooling.lastIndexOf('/')) : state.tooling;
  if (tool !== TOOLING_NAME) return `ApplySet parent Secret ${parent.namespace}/${parent.name} is managed by tooling "${tool}", not "${TOOLING_NAME}"`;
  if (state.id !== parent.id) return `ApplySet parent Secret ${parent.namespace}/${parent.name} has label ${LABEL_ID}=${state.id ?? '(none)'}, expected ${parent.id}`;
  return undefined;
}

/** The parent object to server-side apply, listing `groupKinds` and the members' `namespaces`. */
export function parentObject(parent: ApplySetParent, toolingVersion: string, groupKinds: Iterable<string>, namespaces: Iterable<string>, record: Record<string, string> = {}): JsonObject {
  const additional = [...new Set(namespaces)].filter((ns) => ns && ns !== parent.namespace).sort();
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: parent.name,
      namespace: parent.namespace,
      labels: { [LABEL_ID]: parent.id },
      annotations: {
        ...record,
        [ANNOTATION_TOOLING]: `${TOOLING_NAME}/v${toolingVersion}`,
        [ANNOTATION_GROUP_KINDS]: [...new Set(groupKinds)].sort().join(','),
        [ANNOTATION_NAMESPACES]: additional.join(','),
      },
    },
  };
}

/** A copy of `obj` labeled as a member of the set. */
export function withMemberLabel(obj: JsonObject, parent: ApplySetParent): JsonObject {
  const meta = (obj.metadata ?? {}) as JsonObject;
  const labels = (meta.labels ?? {}) as JsonObject;
  return { ...obj, metadata: { ...meta, labels: { ...labels, [LABEL_PART_OF]: parent.id } } };
}

export function isMember(obj: JsonObject, parent: ApplySetParent): boolean {
  const labels = ((obj.metadata ?? {}) as { labels?: Record<string, string> }).labels;
  return labels?.[LABEL_PART_OF] === parent.id;
}
