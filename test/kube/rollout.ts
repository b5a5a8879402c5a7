// What the controllers would write into a workload's status: a rollout that has completed,
// is still progressing (or stalled: it never moves on), has failed its progress deadline, or
// has not been observed yet. Jobs run, complete or fail.

import type { Json, JsonObject } from '../../src/kustomize/resource.js';
import { isObject } from './fieldset.js';

export type RolloutState = 'complete' | 'progressing' | 'failed' | 'pending';

export const ROLLOUT_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

function num(v: Json | undefined, dflt: number): number {
  return typeof v === 'number' ? v : dflt;
}

function condition(type: string, status: boolean, reason: string, message: string, now: string): JsonObject {
  return { type, status: status ? 'True' : 'False', lastUpdateTime: now, lastTransitionTime: now, reason, message };
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
    case 'Deployment': {
      const conditions = [
        condition('Available', done, done ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', done ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', now),
        state === 'failed'
          ? condition('Progressing', false, 'ProgressDeadlineExceeded', `ReplicaSet "${name}-5d4f8c7b9" has timed out progressing.`, now)
          : condition('Progressing', true, done ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', done ? `ReplicaSet "${name}-5d4f8c7b9" has successfully progressed.` : `ReplicaSet "${name}-5d4f8c7b9" is progressing.`, now),
      ];
      return done
        ? { observedGeneration: generation, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, conditions }
        : { observedGeneration: generation, replicas, updatedReplicas: 0, unavailableReplicas: replicas, conditions };
    }
    case 'StatefulSet':
      return done
        ? { observedGeneration: generation, replicas, readyReplicas: replicas, currentReplicas: replicas, updatedReplicas: replicas, availableReplicas: replicas, currentRevision: `${name}-7b9c6d5f4`, updateRevision: `${name}-7b9c6d5f4`, collisionCount: 0 }
        : { observedGeneration: generation, replicas, readyReplicas: 0, currentReplicas: replicas, updatedReplicas: 0, availableReplicas: 0, currentRevision: `${name}-6a8b5c4e3`, updateRevision: `${name}-7b9c6d5f4`, collisionCount: 0 };
    case 'DaemonSet':
      return done
        ? { observedGeneration: generation, currentNumberScheduled: nodes, desiredNumberScheduled: nodes, numberMisscheduled: 0, numberReady: nodes, updatedNumberScheduled: nodes, numberAvailable: nodes }
        : { observedGeneration: generation, currentNumberScheduled: nodes, desiredNumberScheduled: nodes, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberUnavailable: nodes };
    case 'Job': {
      const startTime = typeof old.startTime === 'string' ? old.startTime : now;
      if (done) {
        return {
          startTime,
          completionTime: now,
          succeeded: num(spec.completions, 1),
          conditions: [condition('SuccessCriteriaMet', true, 'CompletionsReached', 'Reached expected number of succeeded pods', now), condition('Complete', true, 'CompletionsReached', 'Reached expected number of succeeded pods', now)],
        };
      }
      if (state === 'failed') {
        return {
          startTime,
          failed: num(spec.backoffLimit, 6) + 1,
          conditions: [condition('FailureTarget', true, 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now), condition('Failed', true, 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now)],
        };
      }
      return { startTime, active: 1 };
    }
    default:
      return undefined;
  }
}
