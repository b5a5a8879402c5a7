// The controllers of Deployments and Jobs, as kube-controller-manager runs them: a Deployment
// gets a ReplicaSet per pod template (`web-<hash>`, rolling update with maxSurge/maxUnavailable),
// a ReplicaSet gets pods (admitted like any pod: a LimitRange or ResourceQuota refusal becomes the
// ReplicaSet's `ReplicaFailure` condition, copied to the Deployment), a Job gets pods until one
// succeeds or its backoff limit is spent. Pods behave as the tests say (pods.ts); everything
// runs synchronously within the write that caused it, so the server stays deterministic.

import { createHash } from 'node:crypto';
import type { Json, JsonObject } from '../../src/kustomize/resource.js';
import { clone, deepEqual, isObject } from './fieldset.js';
import { imageMatches, isPodReady, type PodBehaviour, type PodMatch, podPhase, podStatus } from './pods.js';
import type { RolloutState } from './rollout.js';
import { ApiError } from './status.js';

/** What the controllers need of the cluster state. */
export interface ControllerHost {
  /** Stored objects of a built-in kind in a namespace (copies). */
  list(kind: string, namespace: string): JsonObject[];
  find(kind: string, namespace: string, name: string): JsonObject | undefined;
  /** Creates as the controller manager; throws ApiError (e.g. 403 from admission). */
  create(kind: string, namespace: string, obj: JsonObject): JsonObject;
  /** Replaces the spec as the controller manager. */
  updateSpec(kind: string, namespace: string, name: string, spec: JsonObject): void;
  writeStatus(kind: string, namespace: string, name: string, status: JsonObject, manager: string): void;
  delete(kind: string, namespace: string, name: string): void;
  rolloutState(kind: string, namespace: string, name: string): RolloutState;
  /** Being deleted, or gone: nothing is recreated there. */
  terminating(namespace: string): boolean;
  /** Recomputes the namespace's ResourceQuota usage. */
  refreshQuotas(namespace: string): void;
  later(ms: number, fn: () => void): void;
  now(): string;
}

function obj(v: Json | undefined): JsonObject {
  return isObject(v) ? v : {};
}

function meta(o: JsonObject): JsonObject {
  return obj(o.metadata);
}

function num(v: Json | undefined, dflt: number): number {
  return typeof v === 'number' ? v : dflt;
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A deterministic short name suffix, like the controllers' (pod-template-hash, generateName). */
function safeString(input: string, length: number): string {
  const h = createHash('sha256').update(input).digest();
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[h[i]! % ALPHABET.length];
  return s;
}

function ownedBy(o: JsonObject, owner: JsonObject): boolean {
  const refs = meta(o).ownerReferences;
  return Array.isArray(refs) && refs.some((r) => isObject(r) && r.uid === meta(owner).uid);
}

function ownerRef(owner: JsonObject, apiVersion: string, kind: string): JsonObject {
  return { apiVersion, kind, name: meta(owner).name!, uid: meta(owner).uid!, controller: true, blockOwnerDeletion: true };
}

function owner(o: JsonObject): { kind: string; name: string } | undefined {
  const refs = meta(o).ownerReferences;
  const r = Array.isArray(refs) ? refs.find((x) => isObject(x) && x.controller === true) : undefined;
  return isObject(r) ? { kind: String(r.kind), name: String(r.name) } : undefined;
}

/** `25%` of `total` (rounded up for surge, down for unavailability), or an absolute number. */
function scaled(v: Json | undefined, total: number, dflt: string, roundUp: boolean): number {
  const x = v ?? dflt;
  if (typeof x === 'number') return x;
  const pct = /^(\d+)%$/.exec(String(x));
  if (!pct) return Number(x) || 0;
  const f = (Number(pct[1]) * total) / 100;
  return roundUp ? Math.ceil(f) : Math.floor(f);
}

/** Keeps a condition's times while its status (and for the other times its reason and message) stays, so an unchanged status writes nothing. */
function keepTimes(next: JsonObject[], old: Json | undefined): JsonObject[] {
  const before = Array.isArray(old) ? old.filter(isObject) : [];
  return next.map((c) => {
    const o = before.find((b) => b.type === c.type);
    if (!o || o.status !== c.status) return c;
    const out: JsonObject = { ...c, lastTransitionTime: o.lastTransitionTime ?? c.lastTransitionTime! };
    if (o.reason === c.reason && o.message === c.message) for (const k of ['lastUpdateTime', 'lastProbeTime']) if (k in c && o[k] !== undefined) out[k] = o[k]!;
    return out;
  });
}

export class Controllers {
  private rules: { match: PodMatch; behaviour: PodBehaviour }[] = [];
  /** Deployments (uid/generation) whose progress deadline has passed. */
  private expired = new Set<string>();
  private deadlines = new Set<string>();
  private created = 0;
  /** Set while a controller runs: the writes it makes do not trigger controllers again. */
  private busy = false;
  private touched = new Set<string>();

  constructor(
    private host: ControllerHost,
    private opts: { progressDeadlineMs?: number },
  ) {}

  /** Runs `fn` as the controller manager unless it already runs; then the quota controller catches up. */
  private run(namespace: string, fn: () => void): void {
    this.touched.add(namespace);
    if (this.busy) return;
    this.busy = true;
    try {
      if (!this.host.terminating(namespace)) fn();
      for (const ns of this.touched) if (!this.host.terminating(ns)) this.host.refreshQuotas(ns);
    } finally {
      this.touched.clear();
      this.busy = false;
    }
  }

  /** An API write of a namespaced object (not one made by a controller). */
  written(kind: string, namespace: string, name: string, specChanged: boolean, created: boolean): void {
    this.run(namespace, () => {
      if (kind === 'Deployment' && specChanged) this.deployment(namespace, name);
      else if (kind === 'ReplicaSet' && specChanged) this.replicaSetAndOwner(namespace, name);
      else if (kind === 'Job' && specChanged) this.job(namespace, name);
      else if (kind === 'Pod' && created) {
        const pod = this.host.find('Pod', namespace, name);
        if (pod) this.refreshPod(pod);
      } else if (kind === 'ResourceQuota' || kind === 'LimitRange') this.retry(namespace);
    });
  }

  /** An object is gone: a ReplicaSet replaces its pods, a Job reacts. */
  deleted(kind: string, gone: JsonObject): void {
    const namespace = String(meta(gone).namespace);
    const o = owner(gone);
    if (kind !== 'Pod' || !o) return;
    this.run(namespace, () => {
      if (o.kind === 'ReplicaSet') this.replicaSetAndOwner(namespace, o.name);
      else if (o.kind === 'Job') this.job(namespace, o.name);
    });
  }

  /** After quotas or limits changed: refused pods are tried again. */
  private retry(namespace: string): void {
    for (const rs of this.host.list('ReplicaSet', namespace)) this.replicaSetAndOwner(namespace, String(meta(rs).name));
    for (const j of this.host.list('Job', namespace)) this.job(namespace, String(meta(j).name));
  }

  private replicaSetAndOwner(namespace: string, name: string): void {
    this.replicaSet(namespace, name);
    const rs = this.host.find('ReplicaSet', namespace, name);
    const o = rs && owner(rs);
    if (o?.kind === 'Deployment') this.deployment(namespace, o.name);
  }

  /** Pods of `match` behave so from now on (the latest matching rule wins); running pods follow. */
  setPodBehaviour(match: PodMatch, behaviour: PodBehaviour, namespaces: string[]): void {
    this.rules.push({ match, behaviour });
    this.resync(namespaces);
  }

  /** Re-evaluates every live pod and workload (after a rule or a rollout state changed). */
  resync(namespaces: string[]): void {
    for (const ns of namespaces) {
      this.run(ns, () => {
        for (const pod of this.host.list('Pod', ns)) this.refreshPod(pod);
        for (const rs of this.host.list('ReplicaSet', ns)) this.replicaSet(ns, String(meta(rs).name));
        for (const d of this.host.list('Deployment', ns)) this.deployment(ns, String(meta(d).name));
        for (const j of this.host.list('Job', ns)) this.job(ns, String(meta(j).name));
      });
    }
  }

  /** Ends a Job's running pods (succeeded or failed) and lets the Job controller react. */
  finishJob(namespace: string, name: string, succeeded: boolean): void {
    this.run(namespace, () => {
      const job = this.host.find('Job', namespace, name);
      if (!job) return;
      for (const pod of this.host.list('Pod', namespace).filter((p) => ownedBy(p, job))) {
        const phase = podPhase(pod);
        if (phase === 'Succeeded' || phase === 'Failed') continue;
        this.writePod(pod, () => (succeeded ? 'succeeded' : 'failed'));
      }
      this.job(namespace, name);
    });
  }

  // Pods -------------------------------------------------------------------------------------

  private rule(pod: JsonObject, image: string): PodBehaviour | undefined {
    const ns = String(meta(pod).namespace);
    const workload = this.workloadOf(pod);
    for (const r of [...this.rules].reverse()) {
      const m = r.match;
      if (m.namespace !== undefined && m.namespace !== ns) continue;
      if (m.image !== undefined && !imageMatches(m.image, image)) continue;
      if (m.workload !== undefined && m.workload !== workload?.name) continue;
      return r.behaviour;
    }
    return undefined;
  }

  private behaviour(pod: JsonObject, image: string): PodBehaviour {
    const rule = this.rule(pod, image);
    if (rule) return rule;
    const ns = String(meta(pod).namespace);
    const workload = this.workloadOf(pod);
    if (!workload) return 'ready';
    const state = this.host.rolloutState(workload.kind, ns, workload.name);
    if (workload.kind === 'Job') return state === 'complete' ? 'succeeded' : state === 'failed' ? 'failed' : 'ready';
    return state === 'complete' ? 'ready' : 'starting';
  }

  /** The Deployment (through its ReplicaSet) or Job a pod belongs to. */
  private workloadOf(pod: JsonObject): { kind: string; name: string } | undefined {
    const o = owner(pod);
    if (!o) return undefined;
    if (o.kind !== 'ReplicaSet') return o;
    const rs = this.host.find('ReplicaSet', String(meta(pod).namespace), o.name);
    const d = rs && owner(rs);
    return d?.kind === 'Deployment' ? d : o;
  }

  private writePod(pod: JsonObject, behaviourOf: (image: string) => PodBehaviour): void {
    const since = String(obj(pod.status).startTime ?? meta(pod).creationTimestamp ?? this.host.now());
    const status = podStatus(pod, behaviourOf, since, this.created);
    if (!deepEqual(status, pod.status)) this.host.writeStatus('Pod', String(meta(pod).namespace), String(meta(pod).name), status, 'kubelet');
  }

  /** A pod follows the rules that match it; without one, a ready pod stays ready whatever its workload's rollout state. */
  private refreshPod(pod: JsonObject): void {
    const phase = podPhase(pod);
    if (phase === 'Succeeded' || phase === 'Failed' || meta(pod).deletionTimestamp) return;
    const images = (Array.isArray(obj(pod.spec).containers) ? (obj(pod.spec).containers as Json[]) : []).filter(isObject).map((c) => String(c.image));
    if (isPodReady(pod) && images.every((i) => this.rule(pod, i) === undefined)) return;
    this.writePod(pod, (image) => this.behaviour(pod, image));
  }

  /** Creates a pod from a template; returns the refusal message when admission refused it. */
  private createPod(namespace: string, prefix: string, template: JsonObject, ref: JsonObject): string | undefined {
    const tm = obj(template.metadata);
    const body: JsonObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { generateName: prefix, namespace, labels: clone(obj(tm.labels)), ownerReferences: [ref] },
      spec: clone(obj(template.spec)),
    };
    if (isObject(tm.annotations)) meta(body).annotations = clone(tm.annotations);
    try {
      this.created++;
      const pod = this.host.create('Pod', namespace, body);
      this.refreshPod(pod);
      return undefined;
    } catch (e) {
      if (e instanceof ApiError) return e.message;
      throw e;
    }
  }

  // ReplicaSets ------------------------------------------------------------------------------

  /** Creates or deletes pods to match spec.replicas; writes the status. */
  private replicaSet(namespace: string, name: string): void {
    const rs = this.host.find('ReplicaSet', namespace, name);
    if (!rs || meta(rs).deletionTimestamp) return;
    const spec = obj(rs.spec);
    const want = num(spec.replicas, 1);
    const live = () => this.host.list('Pod', namespace).filter((p) => ownedBy(p, rs) && !meta(p).deletionTimestamp && podPhase(p) !== 'Failed' && podPhase(p) !== 'Succeeded');
    let pods = live();
    let failure: string | undefined;
    for (let i = pods.length; i < want && !failure; i++) failure = this.createPod(namespace, `${name}-`, obj(spec.template), ownerRef(rs, 'apps/v1', 'ReplicaSet'));
    pods = live();
    if (pods.length > want) {
      // Unready pods go first, then the newest.
      const order = [...pods].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || String(meta(b).creationTimestamp).localeCompare(String(meta(a).creationTimestamp)));
      for (const p of order.slice(0, pods.length - want)) this.host.delete('Pod', namespace, String(meta(p).name));
      pods = live();
    }
    const ready = pods.filter(isPodReady).length;
    const now = this.host.now();
    const conditions = failure ? [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: now, reason: 'FailedCreate', message: failure }] : [];
    const status: JsonObject = { replicas: pods.length, fullyLabeledReplicas: pods.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: num(meta(rs).generation, 1) };
    if (conditions.length) status.conditions = keepTimes(conditions, obj(rs.status).conditions);
    if (!deepEqual(status, obj(rs.status))) this.host.writeStatus('ReplicaSet', namespace, name, status, 'kube-controller-manager');
  }

  private scale(rs: JsonObject, replicas: number): void {
    const namespace = String(meta(rs).namespace);
    const name = String(meta(rs).name);
    if (num(obj(rs.spec).replicas, 1) !== replicas) this.host.updateSpec('ReplicaSet', namespace, name, { ...obj(rs.spec), replicas });
    this.replicaSet(namespace, name);
  }

  // Deployments ------------------------------------------------------------------------------

  private deployment(namespace: string, name: string): void {
    const d = this.host.find('Deployment', namespace, name);
    if (!d || meta(d).deletionTimestamp) return;
    const state = this.host.rolloutState('Deployment', namespace, name);
    const generation = num(meta(d).generation, 1);
    if (state === 'pending') return;
    const spec = obj(d.spec);
    const replicas = num(spec.replicas, 1);
    const template = obj(spec.template);
    const hash = safeString(JSON.stringify(template), 10);
    const rsName = `${name}-${hash}`;
    const owned = () => this.host.list('ReplicaSet', namespace).filter((rs) => ownedBy(rs, d));
    let all = owned();
    if (!all.some((rs) => meta(rs).name === rsName)) {
      const revision = Math.max(0, ...all.map((rs) => Number(obj(meta(rs).annotations)['deployment.kubernetes.io/revision'] ?? 0))) + 1;
      const labels = { ...obj(obj(template.metadata).labels), 'pod-template-hash': hash };
      const selector = clone(obj(spec.selector));
      selector.matchLabels = { ...obj(selector.matchLabels), 'pod-template-hash': hash };
      this.host.create('ReplicaSet', namespace, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: rsName, namespace, labels, annotations: { 'deployment.kubernetes.io/revision': String(revision) }, ownerReferences: [ownerRef(d, 'apps/v1', 'Deployment')] },
        spec: { replicas: 0, selector, template: { ...clone(template), metadata: { ...clone(obj(template.metadata)), labels } } },
      });
      all = owned();
    }
    const strategy = obj(spec.strategy);
    const rolling = obj(strategy.rollingUpdate);
    const recreate = strategy.type === 'Recreate';
    const maxSurge = recreate ? 0 : scaled(rolling.maxSurge, replicas, '25%', true);
    const maxUnavailable = recreate ? replicas : scaled(rolling.maxUnavailable, replicas, '25%', false);
    // Step the rolling update until nothing moves (pods get ready synchronously, or never).
    for (let step = 0; step < 4 * replicas + 8; step++) {
      all = owned();
      const fresh = all.find((rs) => meta(rs).name === rsName)!;
      const olds = all.filter((rs) => rs !== fresh);
      const size = (rs: JsonObject) => num(obj(rs.spec).replicas, 0);
      const readyOf = (rs: JsonObject) => num(obj(rs.status).readyReplicas, 0);
      const total = all.reduce((s, rs) => s + size(rs), 0);
      if (recreate && olds.some((rs) => size(rs) > 0)) {
        for (const rs of olds) this.scale(rs, 0);
        continue;
      }
      if (size(fresh) > replicas) {
        this.scale(fresh, replicas);
        continue;
      }
      const up = Math.min(replicas - size(fresh), replicas + maxSurge - total);
      if (up > 0) {
        this.scale(fresh, size(fresh) + up);
        continue;
      }
      const minAvailable = replicas - maxUnavailable;
      const freshUnavailable = size(fresh) - readyOf(fresh);
      let down = total - minAvailable - freshUnavailable;
      let moved = false;
      for (const rs of olds) {
        if (down <= 0) break;
        const cut = Math.min(size(rs), down);
        if (cut <= 0) continue;
        this.scale(rs, size(rs) - cut);
        down -= cut;
        moved = true;
      }
      if (!moved) break;
    }
    all = owned();
    const fresh = all.find((rs) => meta(rs).name === rsName)!;
    this.deploymentStatus(d, fresh, all, replicas, maxUnavailable, state, generation);
  }

  private deploymentStatus(d: JsonObject, fresh: JsonObject, all: JsonObject[], replicas: number, maxUnavailable: number, state: RolloutState, generation: number): void {
    const namespace = String(meta(d).namespace);
    const name = String(meta(d).name);
    const st = (rs: JsonObject, k: string) => num(obj(rs.status)[k], 0);
    const current = all.reduce((s, rs) => s + st(rs, 'replicas'), 0);
    const updated = st(fresh, 'replicas');
    const ready = all.reduce((s, rs) => s + st(rs, 'readyReplicas'), 0);
    const complete = updated === replicas && st(fresh, 'readyReplicas') === replicas && current === replicas;
    const key = `${String(meta(d).uid)}/${generation}`;
    if (!complete && state === 'failed') this.expired.add(key);
    if (!complete && !this.expired.has(key) && !this.deadlines.has(key)) {
      this.deadlines.add(key);
      const ms = this.opts.progressDeadlineMs ?? num(obj(d.spec).progressDeadlineSeconds, 600) * 1000;
      this.host.later(ms, () => {
        this.expired.add(key);
        this.run(namespace, () => this.deployment(namespace, name));
      });
    }
    const now = this.host.now();
    const rsName = String(meta(fresh).name);
    const cond = (type: string, status: boolean, reason: string, message: string): JsonObject => ({ type, status: status ? 'True' : 'False', lastUpdateTime: now, lastTransitionTime: now, reason, message });
    const available = ready >= replicas - maxUnavailable;
    const conditions = [
      cond('Available', available, available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', available ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.'),
      complete
        ? cond('Progressing', true, 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`)
        : this.expired.has(key)
          ? cond('Progressing', false, 'ProgressDeadlineExceeded', `ReplicaSet "${rsName}" has timed out progressing.`)
          : cond('Progressing', true, 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`),
    ];
    const failure = all.flatMap((rs) => (Array.isArray(obj(rs.status).conditions) ? (obj(rs.status).conditions as Json[]).filter(isObject) : [])).find((c) => c.type === 'ReplicaFailure');
    if (failure) conditions.push(cond('ReplicaFailure', true, String(failure.reason), String(failure.message)));
    const status: JsonObject = { observedGeneration: generation, replicas: current, updatedReplicas: updated, readyReplicas: ready, availableReplicas: ready };
    if (replicas - ready > 0) status.unavailableReplicas = replicas - ready;
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'] as const) if (status[k] === 0) delete status[k];
    status.conditions = keepTimes(conditions, obj(d.status).conditions);
    if (!deepEqual(status, obj(d.status))) this.host.writeStatus('Deployment', namespace, name, status, 'kube-controller-manager');
  }

  // Jobs -------------------------------------------------------------------------------------

  private job(namespace: string, name: string): void {
    const job = this.host.find('Job', namespace, name);
    if (!job || meta(job).deletionTimestamp) return;
    const state = this.host.rolloutState('Job', namespace, name);
    if (state === 'pending') return;
    const spec = obj(job.spec);
    const completions = num(spec.completions, 1);
    const backoffLimit = num(spec.backoffLimit, 6);
    const uid = String(meta(job).uid);
    const template = clone(obj(spec.template));
    const labels = { ...obj(obj(template.metadata).labels), 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
    template.metadata = { ...obj(template.metadata), labels };
    const count = () => {
      const pods = this.host.list('Pod', namespace).filter((p) => ownedBy(p, job));
      return {
        succeeded: pods.filter((p) => podPhase(p) === 'Succeeded').length,
        failed: pods.filter((p) => podPhase(p) === 'Failed').length,
        active: pods.filter((p) => podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed' && !meta(p).deletionTimestamp),
      };
    };
    let c = count();
    const finished = (x: typeof c) => x.succeeded >= completions || x.failed > backoffLimit;
    while (!finished(c) && c.active.length === 0) {
      if (this.createPod(namespace, `${name}-`, template, ownerRef(job, 'batch/v1', 'Job'))) break;
      c = count();
    }
    const old = obj(job.status);
    const now = this.host.now();
    const startTime = typeof old.startTime === 'string' ? old.startTime : now;
    const cond = (type: string, reason: string, message: string): JsonObject => ({ type, status: 'True', lastProbeTime: now, lastTransitionTime: now, reason, message });
    const status: JsonObject = { startTime };
    if (c.active.length) status.active = c.active.length;
    if (c.succeeded) status.succeeded = c.succeeded;
    if (c.failed) status.failed = c.failed;
    status.ready = c.active.filter(isPodReady).length;
    if (c.succeeded >= completions) {
      status.completionTime = typeof old.completionTime === 'string' ? old.completionTime : now;
      status.conditions = [cond('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'), cond('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods')];
    } else if (c.failed > backoffLimit) {
      status.conditions = [cond('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'), cond('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')];
    }
    if (Array.isArray(status.conditions)) status.conditions = keepTimes(status.conditions as JsonObject[], old.conditions);
    if (!deepEqual(status, old)) this.host.writeStatus('Job', namespace, name, status, 'kube-controller-manager');
  }
}
