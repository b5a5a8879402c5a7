// How a workload's rollout goes (per object, or server-wide): complete, progressing (stalled: it
// never moves on), failed (a Deployment's progress deadline passes at once, a Job's pods fail),
// or pending (the controller has not observed the generation). Deployments and Jobs run their
// pods in workloads.ts; here is the status StatefulSets and DaemonSets get without pods.

import type { Json, JsonObject } from '../../src/kustomize/resource.js';
import { isObject } from './fieldset.js';

export type RolloutState = 'complete' | 'progressing' | 'failed' | 'pending';

export const ROLLOUT_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

function num(v: Json | undefined, dflt: number): number {
  return typeof v === 'number' ? v : dflt;
}

/** The status a controller would report for `obj` in `state`, or undefined for kinds without rollouts. */
export function rolloutStatus(obj: JsonObject, state: RolloutState, now: string, nodes = 1): JsonObject | undefined {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const spec = isObject(obj.spec) ? obj.spec : {};
  const name = String(meta.name ?? '');
  const generation = num(meta.generation, 1);
  const old = isObject(obj.status) ? obj.status : {};
  if (state === 'pending') return { ...old, observedGeneration: Math.min(num(old.observedGeneration, 0), generation - 1) };
  const done = state === 'complete';
  const replicas = num(spec.replicas, 1);
  switch (obj.kind) {
    case 'StatefulSet':
      return done
        ? { observedGeneration: generation, replicas, readyReplicas: replicas, currentReplicas: replicas, updatedReplicas: replicas, availableReplicas: replicas, currentRevision: `${name}-7b9c6d5f4`, updateRevision: `${name}-7b9c6d5f4`, collisionCount: 0 }
        : { observedGeneration: generation, replicas, readyReplicas: 0, currentReplicas: replicas, updatedReplicas: 0, availableReplicas: 0, currentRevision: `${name}-6a8b5c4e3`, updateRevision: `${name}-7b9c6d5f4`, collisionCount: 0 };
    case 'DaemonSet':
      return done
        ? { observedGeneration: generation, currentNumberScheduled: nodes, desiredNumberScheduled: nodes, numberMisscheduled: 0, numberReady: nodes, updatedNumberScheduled: nodes, numberAvailable: nodes }
        : { observedGeneration: generation, currentNumberScheduled: nodes, desiredNumberScheduled: nodes, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberUnavailable: nodes };
    default:
      return undefined;
  }
}
