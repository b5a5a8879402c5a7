// What the kubelet would report for a pod: each container ready, starting, stuck pulling its image,
// crash-looping, or terminated, as tests choose per image (or per workload through its rollout
// state). Timestamps are the pod's start time, so re-computing a status changes nothing.

import type { Json, JsonObject } from '../../src/kustomize/resource.js';
import { isObject } from './fieldset.js';

/** How a container behaves. `ready` runs and passes readiness; `starting` stays ContainerCreating. */
export type PodBehaviour =
  | 'ready'
  | 'starting'
  | 'ImagePullBackOff'
  | 'ErrImagePull'
  | 'CrashLoopBackOff'
  | 'CreateContainerConfigError'
  | 'succeeded'
  | 'failed'
  | { waiting: string; message?: string };

/** Which containers a behaviour applies to: by image (exact, or without the tag/digest), namespace, and owning workload name. */
export interface PodMatch {
  image?: string;
  namespace?: string;
  /** The Deployment or Job that owns the pod. */
  workload?: string;
}

function obj(v: Json | undefined): JsonObject {
  return isObject(v) ? v : {};
}

export function imageMatches(pattern: string, image: string): boolean {
  return image === pattern || image.replace(/@.*$/, '').replace(/:[^/:]+$/, '') === pattern;
}

interface ContainerState {
  ready: boolean;
  /** The container has started at least once (Running or CrashLoopBackOff). */
  started: boolean;
  state: JsonObject;
  lastState?: JsonObject;
  restartCount: number;
  terminated?: 'ok' | 'error';
  pending: boolean;
}

function containerState(b: PodBehaviour, image: string, container: string, pod: string, since: string): ContainerState {
  const waiting = (reason: string, message: string | undefined, pending: boolean): ContainerState => ({
    ready: false,
    started: !pending,
    state: { waiting: message === undefined ? { reason } : { reason, message } },
    restartCount: 0,
    pending,
  });
  if (typeof b === 'object') return waiting(b.waiting, b.message, true);
  switch (b) {
    case 'ready':
      return { ready: true, started: true, state: { running: { startedAt: since } }, restartCount: 0, pending: false };
    case 'starting':
      return waiting('ContainerCreating', undefined, true);
    case 'ImagePullBackOff':
      return waiting('ImagePullBackOff', `Back-off pulling image "${image}"`, true);
    case 'ErrImagePull':
      return waiting('ErrImagePull', `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`, true);
    case 'CreateContainerConfigError':
      return waiting('CreateContainerConfigError', 'secret "missing" not found', true);
    case 'CrashLoopBackOff':
      return {
        ready: false,
        started: true,
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${container} pod=${pod}` } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: since, finishedAt: since } },
        restartCount: 5,
        pending: false,
      };
    case 'succeeded':
      return { ready: false, started: false, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: since, finishedAt: since } }, restartCount: 0, terminated: 'ok', pending: false };
    case 'failed':
      return { ready: false, started: false, state: { terminated: { exitCode: 1, reason: 'Error', startedAt: since, finishedAt: since } }, restartCount: 0, terminated: 'error', pending: false };
  }
}

function condition(type: string, status: boolean, since: string, reason?: string, message?: string): JsonObject {
  const c: JsonObject = { type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: since };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

/** The pod's status given each container's behaviour (`behaviourOf(image)`). */
export function podStatus(pod: JsonObject, behaviourOf: (image: string) => PodBehaviour, since: string, index: number): JsonObject {
  const name = String(obj(pod.metadata).name);
  const cs = (Array.isArray(obj(pod.spec).containers) ? (obj(pod.spec).containers as Json[]) : []).filter(isObject);
  const states = cs.map((c) => ({ c, s: containerState(behaviourOf(String(c.image)), String(c.image), String(c.name), `${name}_${String(obj(pod.metadata).namespace)}(${String(obj(pod.metadata).uid)})`, since) }));
  const phase = states.every((x) => x.s.terminated === 'ok')
    ? 'Succeeded'
    : states.some((x) => x.s.terminated === 'error') && states.every((x) => x.s.terminated)
      ? 'Failed'
      : states.some((x) => x.s.pending) && !states.some((x) => x.s.started)
        ? 'Pending'
        : 'Running';
  const ready = states.length > 0 && states.every((x) => x.s.ready);
  const unready = states.filter((x) => !x.s.ready).map((x) => String(x.c.name));
  const why = ready ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  return {
    phase,
    conditions: [
      condition('Initialized', true, since),
      condition('Ready', ready, since, ready ? undefined : terminal ? 'PodCompleted' : 'ContainersNotReady', ready || terminal ? undefined : why),
      condition('ContainersReady', ready, since, ready ? undefined : terminal ? 'PodCompleted' : 'ContainersNotReady', ready || terminal ? undefined : why),
      condition('PodScheduled', true, since),
    ],
    hostIP: '10.0.0.10',
    podIP: `10.244.0.${(index % 250) + 2}`,
    startTime: since,
    containerStatuses: states.map(({ c, s }) => {
      const st: JsonObject = { name: c.name!, image: c.image!, imageID: s.pending ? '' : `docker.io/library/${String(c.image)}@sha256:${'0'.repeat(64)}`, ready: s.ready, restartCount: s.restartCount, started: s.started, state: s.state };
      if (s.lastState) st.lastState = s.lastState;
      return st;
    }),
    qosClass: 'BestEffort',
  };
}

export function isPodReady(pod: JsonObject): boolean {
  const conditions = Array.isArray(obj(pod.status).conditions) ? (obj(pod.status).conditions as Json[]).filter(isObject) : [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

export function podPhase(pod: JsonObject): string | undefined {
  const p = obj(pod.status).phase;
  return typeof p === 'string' ? p : undefined;
}
