// Executes an apply: discover scopes, plan (pure), then in order: check the ApplySet parent,
// list the set's live members, apply stage by stage (CRDs Established before the rest, the parent
// widened before any member changes), prune, narrow the parent, and optionally wait for rollouts.
// A failure stops before the next stage and leaves the parent as a superset, so simply re-running
// the same apply finishes the job.
import { KtsError } from '../errors.js';
import { bigintAsNumber } from '../kustomize/json.js';
import { formatId, type JsonObject, type ResId, type Resource } from '../kustomize/resource.js';
import { apiError, classifyError, immutableFields, isStatus } from './apierror.js';
import {
  isMember,
  LABEL_PART_OF,
  PARENT_FIELD_MANAGER,
  parentConflict,
  parentFor,
  parentObject,
  parseGroupKind,
  readParent,
  type ApplySetParent,
} from './applyset.js';
import type { KubeClient } from './client.js';
import { mapLimit, sleep } from './limit.js';
import { kindKey, kindsToDiscover, memberKey, planApply, planPrune, soleNamespace, type ApplyPlan, type PlannedObject, type Scope } from './plan.js';
import type { Action, ApplyReport, ObjectResult, Progress, WaitResult } from './report.js';
import { crdStatus, isWaitable, rolloutStatus, type RolloutState } from './rollout.js';
import { diagnose } from './diagnose.js';
import { recordRevision } from './revision.js';

export const FIELD_MANAGER = 'kts';

export interface ApplyRequest {
  /** The application (kts.yaml `app`): with env and namespace, it names the ApplySet. */
  app: string;
  env: string;
  resources: Resource[];
  /** The environment's namespace; the ApplySet parent lives there (default: the render's only namespace, else the kubeconfig context's). */
  namespace?: string;
  /** Where the resources come from when not from a render of the checkout (`--from-repo`), for the first progress line. */
  source?: string;
  dryRun?: boolean;
  force?: boolean;
  /** Take over existing objects that are not members of the set (refused otherwise). */
  adopt?: boolean;
  /** A namespace the caller proved ours (env up's preview): the render's Namespace object of it is not adopted. */
  ownedNamespace?: string;
  /** Annotations recording this build (commit, build) on the ApplySet parent, once for the whole set. */
  record?: Record<string, string>;
  /** Delete and recreate members whose update the server refuses because a field is immutable (members' Jobs always are). */
  recreateImmutable?: boolean;
  prune?: boolean;
  allowEmpty?: boolean;
  wait?: boolean;
  /** Limit for --wait and for CRDs to become Established. */
  timeoutMs?: number;
  concurrency?: number;
  toolingVersion: string;
  progress: Progress;
}

export interface ApplyOutcome {
  report: ApplyReport;
  /** Set when the apply, prune or wait failed; the report says how far it got. */
  error?: KtsError;
}

/** Prune with nothing rendered would delete the whole set: refused unless explicitly allowed. */
export function checkEmptyRender(count: number, prune: boolean, allowEmpty: boolean, env: string): void {
  if (prune && count === 0 && !allowEmpty) {
    throw new KtsError('apply-empty', `the render of '${env}' is empty: refusing to prune every object of its set (pass --allow-empty if that is really intended)`);
  }
}

export async function discoverScopes(client: KubeClient, resources: Resource[], concurrency: number): Promise<Map<string, Scope>> {
  const kinds = kindsToDiscover(resources);
  const scopes = await mapLimit(kinds, concurrency, async (k) => {
    try {
      return await client.scope(k.apiVersion, k.kind);
    } catch (e) {
      throw apiError(e, `discovery of ${k.apiVersion} ${k.kind}`, client.server);
    }
  });
  const out = new Map<string, Scope>();
  kinds.forEach((k, i) => {
    if (scopes[i]) out.set(kindKey(k.apiVersion, k.kind), scopes[i]!);
  });
  return out;
}

/** Every live object labeled as a member of the set, across the group-kinds and namespaces it may use. */
export async function listMembers(client: KubeClient, plan: ApplyPlan, groupKinds: string[], namespaces: string[], concurrency: number): Promise<JsonObject[]> {
  const versionOf = new Map<string, string>();
  for (const stage of plan.stages) {
    for (const o of stage.objects) versionOf.set(`${o.id.group}|${o.id.kind}`, String(o.obj.apiVersion));
  }
  const selector = `${LABEL_PART_OF}=${plan.parent.id}`;
  const lists = await mapLimit(groupKinds, concurrency, async (gk) => {
    const { group, kind } = parseGroupKind(gk);
    try {
      const version = versionOf.get(`${group}|${kind}`) ?? (await client.preferredVersion(group).then((v) => v && (group ? `${group}/${v}` : v)));
      if (!version) return [];
      const scope = await client.scope(version, kind);
      if (!scope) return [];
      if (scope === 'Cluster') return await client.list(version, kind, undefined, selector);
      const perNs = await mapLimit(namespaces, concurrency, (ns) => client.list(version, kind, ns, selector).catch((e) => (isStatus(e, 404) ? [] : Promise.reject(e))));
      return perNs.flat();
    } catch (e) {
      throw apiError(e, `listing members of ApplySet ${plan.parent.id} (${gk})`, client.server);
    }
  });
  return lists.flat();
}

function resourceVersion(obj: JsonObject | undefined): string | undefined {
  const rv = (obj?.metadata as JsonObject | undefined)?.resourceVersion;
  return typeof rv === 'string' ? rv : undefined;
}

/** Equal apart from what the server and controllers maintain (status, versions, managedFields). */
function sameContent(a: JsonObject, b: JsonObject): boolean {
  const strip = (o: JsonObject) => {
    const { managedFields: _m, resourceVersion: _r, generation: _g, ...meta } = (o.metadata ?? {}) as JsonObject;
    const { status: _s, ...rest } = o;
    return canonical({ ...rest, metadata: meta });
  };
  return strip(a) === strip(b);
}

/** JSON with object keys sorted, so that key order does not matter. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v, bigintAsNumber) ?? 'null';
}

const apiVersionOf = (id: ResId) => (id.group ? `${id.group}/${id.version}` : id.version);
const keyOf = (id: ResId) => `${id.group}|${id.kind}|${id.namespace}|${id.name}`;

async function waitFor(
  targets: { id: ResId }[],
  check: (obj: JsonObject) => RolloutState,
  client: KubeClient,
  timeoutMs: number,
  concurrency: number,
  progress: Progress,
  label: string,
  explain?: (obj: JsonObject) => Promise<string[]>,
): Promise<{ results: WaitResult[]; error?: KtsError }> {
  const results = new Map<string, WaitResult>(targets.map((t) => [keyOf(t.id), { id: t.id, done: false, message: 'not checked yet' }]));
  const live = new Map<string, JsonObject>();
  /** Why the given objects are stuck: a short block of progress lines, kept in the report; the first reason for the error line. */
  const reasons = async (stuck: { id: ResId }[]): Promise<string> => {
    if (!explain) return '';
    const found: string[] = [];
    for (const t of stuck) {
      const obj = live.get(keyOf(t.id));
      const lines = obj ? await explain(obj).catch(() => []) : [];
      if (!lines.length) continue;
      results.get(keyOf(t.id))!.reasons = lines;
      progress.info(`${formatId(t.id)}:`);
      for (const line of lines) progress.info(`  ${line}`);
      found.push(lines[0]!);
    }
    return found.length ? `; ${found[0]}` : '';
  };
  const deadline = Date.now() + timeoutMs;
  let pending = targets;
  let interval = 100;
  const timeoutText = `${Math.round(timeoutMs / 100) / 10}s`;
  for (;;) {
    let states: RolloutState[];
    try {
      states = await mapLimit(pending, concurrency, async (t) => {
        try {
          const obj = await client.get(apiVersionOf(t.id), t.id.kind, t.id.name, t.id.namespace || undefined);
          if (obj) live.set(keyOf(t.id), obj);
          return obj ? check(obj) : { done: false, failed: 'the object no longer exists', message: 'deleted' };
        } catch (e) {
          throw apiError(e, formatId(t.id), client.server);
        }
      });
    } catch (e) {
      return { results: [...results.values()], error: e as KtsError };
    }
    pending.forEach((t, i) => results.set(keyOf(t.id), { id: t.id, ...states[i]! }));
    const failed = pending.find((_, i) => states[i]!.failed);
    if (failed) {
      const s = results.get(keyOf(failed.id))!;
      const why = await reasons([failed]);
      return { results: [...results.values()], error: new KtsError(`${label.toLowerCase()}-failed`, `${formatId(failed.id)}: ${label} failed: ${s.failed}${why}`) };
    }
    for (const [i, t] of pending.entries()) if (states[i]!.done) progress.info(`${formatId(t.id)} ${states[i]!.message}`);
    pending = pending.filter((_, i) => !states[i]!.done);
    if (pending.length === 0) return { results: [...results.values()] };
    progress.status(`waiting for ${pending.length} ${label}(s): ${pending.map((t) => `${t.id.name}: ${results.get(keyOf(t.id))!.message}`).join('; ')}`);
    if (Date.now() >= deadline) {
      const what = pending.map((t) => `${formatId(t.id)}: ${results.get(keyOf(t.id))!.message}`).join('; ');
      const why = await reasons(pending);
      return { results: [...results.values()], error: new KtsError(`${label.toLowerCase()}-timeout`, `timed out after ${timeoutText} waiting for ${pending.length} ${label}(s): ${what}${why}`) };
    }
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
    interval = Math.min(2000, Math.round(interval * 1.5));
  }
}

/**
 * Planned objects that exist in the cluster without being members of the set: someone else's, or
 * made by hand. One list per kind and namespace, not one request per object.
 */
async function foreignObjects(client: KubeClient, plan: ApplyPlan, members: Map<string, JsonObject>, ownedNamespace: string | undefined, concurrency: number): Promise<ResId[]> {
  const candidates = plan.stages.flatMap((s) => s.objects).filter((o) => !members.has(keyOf(o.id)) && !(o.id.kind === 'Namespace' && !o.id.group && o.id.name === ownedNamespace));
  const groups = new Map<string, PlannedObject[]>();
  for (const o of candidates) {
    const k = `${String(o.obj.apiVersion)}|${o.id.kind}|${o.id.namespace}`;
    groups.set(k, [...(groups.get(k) ?? []), o]);
  }
  const found = await mapLimit([...groups.values()], concurrency, async (objs) => {
    const { id, obj } = objs[0]!;
    try {
      const existing = await client.list(String(obj.apiVersion), id.kind, id.namespace || undefined);
      const names = new Set(existing.map((e) => String((e.metadata as JsonObject | undefined)?.name)));
      return objs.filter((o) => names.has(o.id.name)).map((o) => o.id);
    } catch (e) {
      // A namespace or CRD this apply creates: nothing of that kind exists there yet.
      if (isStatus(e, 404)) return [];
      throw apiError(e, `listing existing ${String(obj.apiVersion)} ${id.kind}`, client.server);
    }
  });
  return found.flat();
}

/** The ApplySet parent of a request: in the environment's namespace, else the render's only one, else the context's. */
export function parentOf(client: KubeClient, req: Pick<ApplyRequest, 'app' | 'env' | 'namespace' | 'resources'>): ApplySetParent {
  return parentFor(req.app, req.env, req.namespace || soleNamespace(req.resources) || client.contextNamespace);
}

export async function applyEnvironment(client: KubeClient, req: ApplyRequest): Promise<ApplyOutcome> {
  const dryRun = req.dryRun ?? false;
  const concurrency = req.concurrency ?? 16;
  const timeoutMs = req.timeoutMs ?? 5 * 60_000;
  const { progress } = req;
  checkEmptyRender(req.resources.length, req.prune ?? false, req.allowEmpty ?? false, req.env);

  const parent = parentOf(client, req);
  const parentNamespace = parent.namespace;
  const scopes = await discoverScopes(client, req.resources, concurrency);
  const plan = planApply(req.resources, { parent, defaultNamespace: parentNamespace, scopes });

  const report: ApplyReport = {
    env: req.env,
    dryRun,
    applySet: { id: parent.id, parent: `secrets/${parent.name} -n ${parent.namespace}` },
    objects: [],
    pruned: [],
    waited: [],
    retries: 0,
    ok: false,
  };
  const finish = (error?: KtsError): ApplyOutcome => {
    report.retries = client.retries;
    report.ok = !error;
    if (error) report.error = error.message;
    return { report, error };
  };

  // Refuse before changing anything if the parent belongs to someone else.
  let liveParent: JsonObject | undefined;
  try {
    liveParent = await client.get('v1', 'Secret', parent.name, parent.namespace);
  } catch (e) {
    throw apiError(e, `ApplySet parent Secret ${parent.namespace}/${parent.name}`, client.server);
  }
  const previous = liveParent ? readParent(liveParent, parent) : undefined;
  if (previous) {
    const conflict = parentConflict(previous, parent);
    if (conflict) throw new KtsError('applyset-foreign', `${conflict}; refusing to apply`);
  }
  progress.info(`${req.env}: applying ${plan.count} objects${req.source ? ` from ${req.source}` : ''} to ${client.server}${dryRun ? ' (server dry run)' : ''}; ApplySet ${parent.id} (Secret ${parent.namespace}/${parent.name})`);
  const allGroupKinds = [...new Set([...(previous?.groupKinds ?? []), ...plan.groupKinds])].sort();
  const allNamespaces = [...new Set([...(previous?.namespaces ?? []), ...plan.namespaces, parent.namespace])].sort();
  const live = await listMembers(client, plan, allGroupKinds, allNamespaces, concurrency);
  const liveByKey = new Map(live.map((o) => [memberKey(o), o]));
  if (!req.adopt) {
    const foreign = await foreignObjects(client, plan, liveByKey, req.ownedNamespace, concurrency);
    if (foreign.length) {
      const names = foreign.slice(0, 3).map(formatId).join(', ') + (foreign.length > 3 ? `, … (${foreign.length} in all)` : '');
      throw new KtsError('apply-adopt', `${foreign.length} object(s) of the render exist but were not created by this ApplySet (${names}); refusing to take them over (pass --adopt if they are really this environment's)`);
    }
  }

  const applied = new Set<string>();
  const pendingNamespaces = new Set<string>();
  const pendingKinds = new Set<string>();
  const applyOne = async (p: PlannedObject): Promise<ObjectResult> => {
    const key = keyOf(p.id);
    try {
      const { obj, created } = await client.apply(p.obj, { fieldManager: FIELD_MANAGER, force: req.force, dryRun });
      applied.add(key);
      const before = liveByKey.get(key);
      let action: Action = 'configured';
      if (created) action = 'created';
      // Controllers bump resourceVersion with status writes, so a moved version alone proves nothing.
      else if (before && (resourceVersion(before) === resourceVersion(obj) || sameContent(before, obj))) action = 'unchanged';
      if (dryRun && created) {
        if (p.id.kind === 'Namespace' && !p.id.group) pendingNamespaces.add(p.id.name);
        if (p.id.kind === 'CustomResourceDefinition') {
          const spec = (p.obj.spec ?? {}) as { group?: string; names?: { kind?: string } };
          pendingKinds.add(`${spec.group}|${spec.names?.kind}`);
        }
      }
      return { id: p.id, action };
    } catch (e) {
      // A server dry run cannot validate objects whose namespace or CRD only this apply would create.
      if (dryRun && (pendingNamespaces.has(p.id.namespace) || pendingKinds.has(`${p.id.group}|${p.id.kind}`))) {
        applied.add(key);
        const why = pendingNamespaces.has(p.id.namespace) ? `namespace ${p.id.namespace}` : `its CRD`;
        return { id: p.id, action: 'created', note: `not validated by the server: ${why} is only created by this apply` };
      }
      const immutable = immutableFields(e);
      if (immutable) return recreate(p, immutable);
      return { id: p.id, action: 'failed', note: classifyError(e, client.server).detail };
    }
  };

  /**
   * An update the server refuses (immutable fields): delete and create again, but only our own
   * members. A Job is run-to-completion and recreated whenever its template changes (a new build's
   * image); anything else only with --recreate-immutable.
   */
  const recreate = async (p: PlannedObject, fields: string[]): Promise<ObjectResult> => {
    const key = keyOf(p.id);
    const why = `${fields.join(', ')} cannot change`;
    const live = liveByKey.get(key);
    const allowed = req.recreateImmutable || (p.id.kind === 'Job' && p.id.group === 'batch');
    if (!allowed || !live || !isMember(live, parent)) {
      const hint = !allowed ? 're-run with --recreate-immutable to delete and recreate it' : 'not recreated: it is not a member of this ApplySet';
      return { id: p.id, action: 'failed', note: `field is immutable: ${fields.join(', ')}; ${hint}` };
    }
    if (dryRun) {
      applied.add(key);
      return { id: p.id, action: 'created', note: `would be deleted and recreated: ${why}` };
    }
    try {
      const apiVersion = String(p.obj.apiVersion);
      await client.delete(apiVersion, p.id.kind, p.id.name, p.id.namespace || undefined);
      const deadline = Date.now() + timeoutMs;
      for (let interval = 50; await client.get(apiVersion, p.id.kind, p.id.name, p.id.namespace || undefined); interval = Math.min(1000, interval * 2)) {
        if (Date.now() >= deadline) return { id: p.id, action: 'failed', note: `deleted to recreate it (${why}) but still present after the timeout` };
        await sleep(interval);
      }
      await client.apply(p.obj, { fieldManager: FIELD_MANAGER, force: req.force });
      applied.add(key);
      return { id: p.id, action: 'created', note: `recreated: ${why}` };
    } catch (e) {
      return { id: p.id, action: 'failed', note: `recreating (${why}): ${classifyError(e, client.server).detail}` };
    }
  };

  const writeParent = async (groupKinds: string[], namespaces: string[]): Promise<void> => {
    if (dryRun) return;
    const obj = parentObject(parent, req.toolingVersion, groupKinds, namespaces, req.record);
    try {
      await client.apply(obj, { fieldManager: PARENT_FIELD_MANAGER });
    } catch (e) {
      if (!isStatus(e, 409)) throw apiError(e, `ApplySet parent Secret ${parent.namespace}/${parent.name}`, client.server);
      // Like kubectl: the parent's fields are ours by definition, take them back.
      await client.apply(obj, { fieldManager: PARENT_FIELD_MANAGER, force: true }).catch((e2) => {
        throw apiError(e2, `ApplySet parent Secret ${parent.namespace}/${parent.name}`, client.server);
      });
    }
  };

  let parentWidened = false;
  for (const stage of plan.stages) {
    if (!parentWidened && stage.name !== 'namespaces') {
      try {
        await writeParent(allGroupKinds, allNamespaces);
      } catch (e) {
        return finish(e as KtsError);
      }
      parentWidened = true;
    }
    const results = await mapLimit(stage.objects, concurrency, applyOne);
    for (const r of results) {
      report.objects.push(r);
      progress.object(r, dryRun);
    }
    const failed = results.filter((r) => r.action === 'failed');
    if (failed.length) {
      const first = failed[0]!;
      return finish(
        new KtsError(
          failed.some((f) => f.note?.startsWith('conflict:')) ? 'apply-conflict' : 'apply-failed',
          `${failed.length} of ${results.length} objects in stage '${stage.name}' failed (first: ${formatId(first.id)}: ${first.note}); later stages were not applied, re-run to continue`,
        ),
      );
    }
    if (stage.name === 'namespaces' && plan.crds.length && !dryRun) {
      const crds = plan.crds.map((c) => ({ id: { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', namespace: '', name: c.name } }));
      const { error } = await waitFor(crds, crdStatus, client, Math.min(timeoutMs, 60_000), concurrency, progress, 'CRD');
      if (error) return finish(error);
    }
  }
  if (!parentWidened) {
    try {
      await writeParent(allGroupKinds, allNamespaces);
    } catch (e) {
      return finish(e as KtsError);
    }
  }

  if (req.prune) {
    const doomed = planPrune(live, applied, parent);
    const results = await mapLimit(doomed, concurrency, async (item): Promise<ObjectResult> => {
      try {
        const existed = await client.delete(apiVersionOf(item.id), item.id.kind, item.id.name, item.id.namespace || undefined, { dryRun });
        return { id: item.id, action: 'pruned', ...(existed ? {} : { note: 'already gone' }) };
      } catch (e) {
        return { id: item.id, action: 'failed', note: `prune: ${classifyError(e, client.server).detail}` };
      }
    });
    for (const r of results) {
      (r.action === 'pruned' ? report.pruned : report.objects).push(r);
      progress.object(r, dryRun);
    }
    const failed = results.filter((r) => r.action === 'failed');
    if (failed.length) {
      return finish(new KtsError('prune-failed', `${failed.length} objects could not be pruned (first: ${formatId(failed[0]!.id)}: ${failed[0]!.note}); re-run to retry`));
    }
    try {
      await writeParent(plan.groupKinds, [...plan.namespaces, parent.namespace]);
    } catch (e) {
      return finish(e as KtsError);
    }
  }

  if (req.wait) {
    const targets = plan.stages.flatMap((s) => s.objects).filter((o) => isWaitable(o.id.group, o.id.kind));
    if (dryRun) progress.warn('--wait has nothing to wait for in a server dry run');
    else if (targets.length) {
      const explain = (obj: JsonObject) => diagnose(client, obj);
      const { results, error } = await waitFor(targets, rolloutStatus, client, timeoutMs, concurrency, progress, 'rollout', explain);
      report.waited = results;
      if (error) return finish(error);
    }
  }
  if (!dryRun) await recordRevision(client, parent, plan.stages.flatMap((s) => s.objects.map((o) => o.obj)), (line) => progress.warn(line), req.record);
  return finish();
}
