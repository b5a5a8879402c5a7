// Rollout status of one live object, with kubectl's `rollout status` semantics: pure functions over
// the object's spec/status, so that the waiting loop only fetches and reports.
import type { JsonObject } from '../kustomize/resource.js';

export interface RolloutState {
  done: boolean;
  /** Set when the rollout failed for good: the condition that says so. */
  failed?: string;
  /** What we are waiting for, or what finished. */
  message: string;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

const WAITABLE = new Set(['apps|Deployment', 'apps|StatefulSet', 'apps|DaemonSet', 'batch|Job']);

/** Whether `--wait` watches this kind. */
export function isWaitable(group: string, kind: string): boolean {
  return WAITABLE.has(`${group}|${kind}`);
}

function num(v: unknown, dflt = 0): number {
  return typeof v === 'number' ? v : dflt;
}

function conditions(status: JsonObject): Condition[] {
  return Array.isArray(status.conditions) ? (status.conditions as Condition[]) : [];
}

function condition(status: JsonObject, type: string): Condition | undefined {
  return conditions(status).find((c) => c.type === type);
}

function describeCondition(c: Condition): string {
  return `condition ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`;
}

function parts(obj: JsonObject) {
  const meta = (obj.metadata ?? {}) as JsonObject;
  const spec = (obj.spec ?? {}) as JsonObject;
  const status = (obj.status ?? {}) as JsonObject;
  return { generation: num(meta.generation), spec, status, observed: num(status.observedGeneration) };
}

function deployment(obj: JsonObject): RolloutState {
  const { generation, spec, status, observed } = parts(obj);
  if (generation > observed || (generation === 0 && status.observedGeneration === undefined)) {
    return { done: false, message: 'waiting for the spec update to be observed' };
  }
  const progressing = condition(status, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { done: false, failed: describeCondition(progressing), message: 'exceeded its progress deadline' };
  }
  const replicas = num(spec.replicas, 1);
  const updated = num(status.updatedReplicas);
  if (updated < replicas) return { done: false, message: `${updated} of ${replicas} new replicas updated` };
  if (num(status.replicas) > updated) return { done: false, message: `${num(status.replicas) - updated} old replicas pending termination` };
  const available = num(status.availableReplicas);
  if (available < updated) {
    const avail = condition(status, 'Available');
    const why = avail && avail.status !== 'True' ? ` (${describeCondition(avail)})` : '';
    return { done: false, message: `${available} of ${updated} updated replicas available${why}` };
  }
  return { done: true, message: `rolled out (${available} of ${replicas} available)` };
}

function statefulSet(obj: JsonObject): RolloutState {
  const { generation, spec, status, observed } = parts(obj);
  const strategy = (spec.updateStrategy ?? {}) as JsonObject;
  if (strategy.type === 'OnDelete') return { done: true, message: 'OnDelete update strategy: not waited for' };
  if (observed === 0 || generation > observed) return { done: false, message: 'waiting for the spec update to be observed' };
  const replicas = num(spec.replicas, 1);
  const ready = num(status.readyReplicas);
  if (ready < replicas) return { done: false, message: `${ready} of ${replicas} pods ready` };
  const rolling = strategy.rollingUpdate as JsonObject | undefined;
  if (rolling && typeof rolling.partition === 'number') {
    const want = replicas - rolling.partition;
    if (num(status.updatedReplicas) < want) return { done: false, message: `partitioned rollout: ${num(status.updatedReplicas)} of ${want} new pods updated` };
    return { done: true, message: `partitioned rollout complete (${want} new pods)` };
  }
  if (status.updateRevision !== status.currentRevision) {
    return { done: false, message: `rolling update in progress (${num(status.updatedReplicas)} of ${replicas} pods at revision ${String(status.updateRevision)})` };
  }
  return { done: true, message: `rolled out (${ready} of ${replicas} ready)` };
}

function daemonSet(obj: JsonObject): RolloutState {
  const { generation, spec, status, observed } = parts(obj);
  const strategy = (spec.updateStrategy ?? {}) as JsonObject;
  if (strategy.type === 'OnDelete') return { done: true, message: 'OnDelete update strategy: not waited for' };
  if (generation > observed || status.observedGeneration === undefined) return { done: false, message: 'waiting for the spec update to be observed' };
  const desired = num(status.desiredNumberScheduled);
  const updated = num(status.updatedNumberScheduled);
  if (updated < desired) return { done: false, message: `${updated} of ${desired} new pods updated` };
  const available = num(status.numberAvailable);
  if (available < desired) return { done: false, message: `${available} of ${desired} updated pods available` };
  return { done: true, message: `rolled out (${available} of ${desired} available)` };
}

function job(obj: JsonObject): RolloutState {
  const { spec, status } = parts(obj);
  const failed = condition(status, 'Failed');
  if (failed?.status === 'True') return { done: false, failed: describeCondition(failed), message: 'failed' };
  const complete = condition(status, 'Complete');
  if (complete?.status === 'True') return { done: true, message: `complete (${num(status.succeeded)} succeeded)` };
  const completions = num(spec.completions, 1);
  return { done: false, message: `${num(status.succeeded)} of ${completions} completions succeeded, ${num(status.active)} active` };
}

export function rolloutStatus(obj: JsonObject): RolloutState {
  switch (obj.kind) {
    case 'Deployment':
      return deployment(obj);
    case 'StatefulSet':
      return statefulSet(obj);
    case 'DaemonSet':
      return daemonSet(obj);
    case 'Job':
      return job(obj);
    default:
      return { done: true, message: 'nothing to wait for' };
  }
}

/** CRD readiness: Established=True, or the NamesAccepted=False condition that prevents it. */
export function crdStatus(obj: JsonObject): RolloutState {
  const status = (obj.status ?? {}) as JsonObject;
  const names = condition(status, 'NamesAccepted');
  if (names?.status === 'False') return { done: false, failed: describeCondition(names), message: 'names not accepted' };
  const established = condition(status, 'Established');
  if (established?.status === 'True') return { done: true, message: 'established' };
  return { done: false, message: 'waiting to be established' };
}
