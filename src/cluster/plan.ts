// The apply plan is pure data computed from the render and what discovery told us about scopes:
// ordered stages of labeled objects, the ApplySet bookkeeping, and the CRDs to wait for. The prune
// plan is computed from the live members after the apply. Nothing here does I/O.
import { KtsError } from '../errors.js';
import { formatId, idOf, splitApiVersion, type JsonObject, type ResId, type Resource } from '../kustomize/resource.js';
import { groupKind, isMember, LABEL_PART_OF, withMemberLabel, type ApplySetParent } from './applyset.js';
import { pruneRank, STAGE_ORDER, stageOf, type StageName } from './stages.js';

export type Scope = 'Namespaced' | 'Cluster';

export interface PlannedObject {
  id: ResId;
  /** The object to send: namespace resolved, member label added. */
  obj: JsonObject;
}

export interface PlannedStage {
  name: StageName;
  objects: PlannedObject[];
}

export interface CrdWait {
  /** The CRD's metadata.name, `<plural>.<group>`. */
  name: string;
  group: string;
  kind: string;
}

export interface ApplyPlan {
  parent: ApplySetParent;
  stages: PlannedStage[];
  /** Group-kinds of every member (`Kind` or `Kind.group`), sorted. */
  groupKinds: string[];
  /** Namespaces holding members, sorted. */
  namespaces: string[];
  /** CRDs in the render, to wait for before their custom resources are applied. */
  crds: CrdWait[];
  count: number;
}

/** `apiVersion|kind`, the unit discovery answers for. */
export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}|${kind}`;
}

interface CrdInfo {
  group: string;
  kind: string;
  scope: Scope;
  name: string;
}

function crdsIn(resources: Resource[]): CrdInfo[] {
  const out: CrdInfo[] = [];
  for (const r of resources) {
    if (r.obj.kind !== 'CustomResourceDefinition') continue;
    const spec = (r.obj.spec ?? {}) as { group?: string; scope?: string; names?: { kind?: string } };
    const name = idOf(r.obj).name;
    if (spec.group && spec.names?.kind) {
      out.push({ group: spec.group, kind: spec.names.kind, scope: spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced', name });
    }
  }
  return out;
}

/** The apiVersion/kind pairs whose scope only the server can tell (not defined by a CRD in the render). */
export function kindsToDiscover(resources: Resource[]): { apiVersion: string; kind: string }[] {
  const defined = new Set(crdsIn(resources).map((c) => `${c.group}|${c.kind}`));
  const seen = new Map<string, { apiVersion: string; kind: string }>();
  for (const r of resources) {
    const apiVersion = String(r.obj.apiVersion ?? '');
    const kind = String(r.obj.kind ?? '');
    if (defined.has(`${splitApiVersion(apiVersion).group}|${kind}`)) continue;
    seen.set(kindKey(apiVersion, kind), { apiVersion, kind });
  }
  return [...seen.values()];
}

/** The one namespace a render uses (its Namespace object or its objects' namespace), if there is exactly one. */
export function soleNamespace(resources: Resource[]): string | undefined {
  const names = new Set<string>();
  for (const r of resources) {
    const id = idOf(r.obj);
    if (id.kind === 'Namespace' && !id.group) names.add(id.name);
    else if (id.namespace) names.add(id.namespace);
  }
  return names.size === 1 ? [...names][0] : undefined;
}

export interface PlanOptions {
  parent: ApplySetParent;
  /** Namespace for namespaced objects that have none (the environment's, else the kubeconfig context's). */
  defaultNamespace: string;
  /** Scopes the server reported, by kindKey(); kinds of CRDs in the render need no entry. */
  scopes: Map<string, Scope>;
}

function checkShape(r: Resource, index: number): ResId {
  const id = idOf(r.obj);
  const where = { field: `resources[${index}]` };
  if (!r.obj.apiVersion || typeof r.obj.apiVersion !== 'string') throw new KtsError('apply-invalid', `${id.kind || 'object'} ${id.name}: missing apiVersion`, where);
  if (!id.kind) throw new KtsError('apply-invalid', `object ${id.name}: missing kind`, where);
  if (!id.name) throw new KtsError('apply-invalid', `${formatId(id)}: missing metadata.name`, where);
  return id;
}

export function planApply(resources: Resource[], opts: PlanOptions): ApplyPlan {
  const crdScopes = new Map(crdsIn(resources).map((c) => [`${c.group}|${c.kind}`, c.scope]));
  const byStage = new Map<StageName, PlannedObject[]>();
  const seen = new Map<string, ResId>();
  const groupKinds = new Set<string>();
  const namespaces = new Set<string>();

  resources.forEach((r, i) => {
    const id = checkShape(r, i);
    const scope = crdScopes.get(`${id.group}|${id.kind}`) ?? opts.scopes.get(kindKey(String(r.obj.apiVersion), id.kind));
    if (!scope) {
      throw new KtsError('apply-unknown-kind', `${formatId(id)}: the cluster does not serve ${String(r.obj.apiVersion)} ${id.kind} and no CRD in the render defines it`);
    }
    const namespace = scope === 'Namespaced' ? id.namespace || opts.defaultNamespace : '';
    const resolved: ResId = { ...id, namespace };
    const key = `${id.group}|${id.kind}|${namespace}|${id.name}`;
    const dup = seen.get(key);
    if (dup) throw new KtsError('apply-duplicate', `${formatId(resolved)} appears twice in the render`);
    seen.set(key, resolved);

    const labels = ((r.obj.metadata as JsonObject | undefined)?.labels ?? {}) as Record<string, unknown>;
    if (LABEL_PART_OF in labels && labels[LABEL_PART_OF] !== opts.parent.id) {
      throw new KtsError('apply-applyset-label', `${formatId(resolved)}: label ${LABEL_PART_OF} is already set to another ApplySet (${String(labels[LABEL_PART_OF])})`);
    }
    const meta = { ...((r.obj.metadata ?? {}) as JsonObject) };
    if (namespace) meta.namespace = namespace;
    else delete meta.namespace;
    const obj = withMemberLabel({ ...r.obj, metadata: meta }, opts.parent);

    const stage = stageOf(id.kind);
    if (!byStage.has(stage)) byStage.set(stage, []);
    byStage.get(stage)!.push({ id: resolved, obj });
    groupKinds.add(groupKind(id.group, id.kind));
    if (namespace) namespaces.add(namespace);
  });

  const stages = STAGE_ORDER.filter((s) => byStage.has(s)).map((name) => ({ name, objects: byStage.get(name)! }));
  return {
    parent: opts.parent,
    stages,
    groupKinds: [...groupKinds].sort(),
    namespaces: [...namespaces].sort(),
    crds: crdsIn(resources).map(({ name, group, kind }) => ({ name, group, kind })),
    count: resources.length,
  };
}

/** Group/kind/namespace/name: membership does not depend on the version an object was listed with. */
export function memberKey(obj: JsonObject): string {
  const id = idOf(obj);
  return `${id.group}|${id.kind}|${id.namespace}|${id.name}`;
}

/** Namespaces no kts command ever deletes. */
export const PROTECTED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

export interface PruneItem {
  id: ResId;
  uid?: string;
}

/**
 * The live members of the set that this apply did not (re)apply, in delete order. Only objects that
 * carry our part-of label qualify, whatever the listing returned.
 */
export function planPrune(live: JsonObject[], applied: Set<string>, parent: ApplySetParent): PruneItem[] {
  const out: PruneItem[] = [];
  const seen = new Set<string>();
  for (const obj of live) {
    if (!isMember(obj, parent)) continue;
    const id = idOf(obj);
    // Deleting the parent's own namespace would delete the set's record with it.
    if (id.kind === 'Namespace' && !id.group && (id.name === parent.namespace || PROTECTED_NAMESPACES.has(id.name))) continue;
    const key = memberKey(obj);
    if (applied.has(key) || seen.has(key)) continue;
    seen.add(key);
    const meta = (obj.metadata ?? {}) as { uid?: string };
    out.push({ id, uid: meta.uid });
  }
  return out.sort((a, b) => pruneRank(a.id.kind) - pruneRank(b.id.kind) || formatId(a.id).localeCompare(formatId(b.id)));
}
