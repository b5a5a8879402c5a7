// Why a rollout does not finish, from what the controllers and the kubelet report: the waiting or
// terminated state of the pods' containers (ImagePullBackOff, CrashLoopBackOff with the last exit
// code), pods that cannot be scheduled or were evicted, and a ReplicaSet's ReplicaFailure condition
// (FailedCreate: quota or LimitRange admission refusing the pods). Pure functions over the objects,
// plus one fetch of the workload's ReplicaSets and pods. Messages are the cluster's, never object data.
import type { JsonObject } from '../kustomize/resource.js';
import type { KubeClient } from './client.js';

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

/** Waiting reasons that are simply progress, not a problem. */
const NORMAL_WAITING = new Set(['ContainerCreating', 'PodInitializing']);
const MAX_LINES = 6;

const obj = (v: unknown): JsonObject => (v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : {});
const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const nameOf = (o: JsonObject) => String(obj(o.metadata).name ?? '');
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** What is wrong with one pod, one line per problem (without the pod's name). */
export function podProblems(pod: JsonObject): string[] {
  const status = obj(pod.status);
  const out: string[] = [];
  if (status.phase === 'Failed' && str(status.reason)) out.push(`${status.reason}${str(status.message) ? `: ${oneLine(String(status.message))}` : ''}`);
  const scheduled = list(status.conditions).find((c) => c.type === 'PodScheduled') as Condition | undefined;
  if (scheduled?.status === 'False' && scheduled.reason) out.push(`${scheduled.reason}${scheduled.message ? `: ${oneLine(scheduled.message)}` : ''}`);
  for (const c of [...list(status.initContainerStatuses), ...list(status.containerStatuses)]) {
    const state = obj(c.state);
    const waiting = obj(state.waiting);
    const terminated = obj(state.terminated);
    const last = obj(obj(c.lastState).terminated);
    const who = `container ${String(c.name ?? '?')}`;
    const reason = str(waiting.reason);
    if (reason && !NORMAL_WAITING.has(reason)) {
      const exit = reason === 'CrashLoopBackOff' && typeof last.exitCode === 'number' ? ` (last exit code ${last.exitCode}${str(last.reason) ? `, ${last.reason}` : ''})` : '';
      out.push(`${who}: ${reason}${exit}${str(waiting.message) ? `: ${oneLine(String(waiting.message))}` : ''}`);
    } else if (typeof terminated.exitCode === 'number' && terminated.exitCode !== 0) {
      out.push(`${who}: ${str(terminated.reason) ?? 'Error'} (exit code ${terminated.exitCode})${str(terminated.message) ? `: ${oneLine(String(terminated.message))}` : ''}`);
    }
  }
  return out;
}

/** A controller's failure conditions (a ReplicaSet's ReplicaFailure, a Job's Failed), as lines. */
export function controllerProblems(controller: JsonObject): string[] {
  return (list(obj(controller.status).conditions) as Condition[])
    .filter((c) => c.status === 'True' && (c.type === 'ReplicaFailure' || c.type === 'Failed'))
    .map((c) => `${c.type}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${oneLine(c.message)}` : ''}`);
}

/**
 * Lines `<kind> <name>: <problem>`, pods with the same problem folded into one line naming the
 * first and how many; at most a few lines.
 */
export function summarize(controllers: JsonObject[], pods: JsonObject[]): string[] {
  const lines: string[] = [];
  for (const c of controllers) for (const p of controllerProblems(c)) lines.push(`${String(c.kind ?? 'ReplicaSet')} ${nameOf(c)}: ${p}`);
  const byProblem = new Map<string, string[]>();
  for (const pod of pods) {
    for (const p of podProblems(pod)) byProblem.set(p, [...(byProblem.get(p) ?? []), nameOf(pod)]);
  }
  for (const [problem, names] of byProblem) lines.push(`pod ${names[0]}${names.length > 1 ? ` (and ${names.length - 1} more)` : ''}: ${problem}`);
  return lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES), `… and ${lines.length - MAX_LINES} more`] : lines;
}

function selectorOf(workload: JsonObject): string | undefined {
  const labels = obj(obj(obj(workload.spec).selector).matchLabels);
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? parts.join(',') : undefined;
}

const ownedBy = (o: JsonObject, uid: unknown) => list(obj(o.metadata).ownerReferences).some((r) => r.uid === uid);
const revision = (rs: JsonObject) => Number(obj(obj(rs.metadata).annotations)['deployment.kubernetes.io/revision'] ?? 0);

/** Why `workload` (a Deployment, StatefulSet, DaemonSet or Job, as read live) is not rolled out. */
export async function diagnose(client: KubeClient, workload: JsonObject): Promise<string[]> {
  const meta = obj(workload.metadata);
  const namespace = str(meta.namespace);
  const selector = selectorOf(workload);
  if (!namespace || !selector) return [];
  const pods = await client.list('v1', 'Pod', namespace, selector);
  if (workload.kind !== 'Deployment') return summarize([], pods.filter((p) => ownedBy(p, meta.uid)));
  // A Deployment's pods belong to its ReplicaSets: the newest one is the rollout in question.
  const sets = (await client.list('apps/v1', 'ReplicaSet', namespace, selector)).filter((rs) => ownedBy(rs, meta.uid));
  const newest = sets.sort((a, b) => revision(b) - revision(a))[0];
  if (!newest) return [];
  return summarize([{ ...newest, kind: 'ReplicaSet' }], pods.filter((p) => ownedBy(p, obj(newest.metadata).uid)));
}
