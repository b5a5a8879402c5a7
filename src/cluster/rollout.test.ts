import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonObject } from '../kustomize/resource.js';
import { crdStatus, isWaitable, rolloutStatus } from './rollout.js';

const deploy = (spec: JsonObject, status: JsonObject, generation = 2): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', generation },
  spec,
  status,
});

test('a Deployment is done when updated, old replicas gone and all available', () => {
  assert.equal(rolloutStatus(deploy({ replicas: 2 }, { observedGeneration: 1 })).message, 'waiting for the spec update to be observed');
  assert.is(rolloutStatus(deploy({ replicas: 2 }, { observedGeneration: 2, updatedReplicas: 1, replicas: 2 })).message, '1 of 2 new replicas updated');
  assert.is(rolloutStatus(deploy({ replicas: 2 }, { observedGeneration: 2, updatedReplicas: 2, replicas: 3 })).message, '1 old replicas pending termination');
  const unavailable = rolloutStatus(
    deploy({ replicas: 2 }, {
      observedGeneration: 2,
      updatedReplicas: 2,
      replicas: 2,
      availableReplicas: 1,
      conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }],
    }),
  );
  assert.not.ok(unavailable.done);
  assert.match(unavailable.message, /1 of 2 updated replicas available \(condition Available=False \(MinimumReplicasUnavailable\)\)/);
  const done = rolloutStatus(deploy({ replicas: 2 }, { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 }));
  assert.ok(done.done);
  assert.is(done.failed, undefined);
});

test('a Deployment past its progress deadline has failed, naming the condition', () => {
  const s = rolloutStatus(
    deploy({ replicas: 1 }, {
      observedGeneration: 2,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }],
    }),
  );
  assert.not.ok(s.done);
  assert.is(s.failed, 'condition Progressing=False (ProgressDeadlineExceeded): ReplicaSet "web-1" has timed out progressing.');
});

test('StatefulSets wait for ready pods and the update revision; partitions and OnDelete are honoured', () => {
  const sts = (spec: JsonObject, status: JsonObject): JsonObject => ({ kind: 'StatefulSet', metadata: { generation: 1 }, spec, status });
  assert.is(rolloutStatus(sts({ replicas: 3 }, { observedGeneration: 1, readyReplicas: 2 })).message, '2 of 3 pods ready');
  assert.not.ok(rolloutStatus(sts({ replicas: 1 }, { observedGeneration: 1, readyReplicas: 1, currentRevision: 'a', updateRevision: 'b' })).done);
  assert.ok(rolloutStatus(sts({ replicas: 1 }, { observedGeneration: 1, readyReplicas: 1, currentRevision: 'b', updateRevision: 'b' })).done);
  const partitioned = { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } };
  assert.not.ok(rolloutStatus(sts(partitioned, { observedGeneration: 1, readyReplicas: 3, updatedReplicas: 0 })).done);
  assert.ok(rolloutStatus(sts(partitioned, { observedGeneration: 1, readyReplicas: 3, updatedReplicas: 1 })).done);
  assert.ok(rolloutStatus(sts({ updateStrategy: { type: 'OnDelete' } }, {})).done);
});

test('DaemonSets wait for updated and available pods on every node', () => {
  const ds = (status: JsonObject): JsonObject => ({ kind: 'DaemonSet', metadata: { generation: 1 }, spec: {}, status });
  assert.is(rolloutStatus(ds({ observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 1 })).message, '1 of 3 new pods updated');
  assert.is(rolloutStatus(ds({ observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 })).message, '2 of 3 updated pods available');
  assert.ok(rolloutStatus(ds({ observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 })).done);
});

test('Jobs are done when Complete and failed when Failed', () => {
  const job = (status: JsonObject): JsonObject => ({ kind: 'Job', metadata: {}, spec: { completions: 2 }, status });
  assert.is(rolloutStatus(job({ succeeded: 1, active: 1 })).message, '1 of 2 completions succeeded, 1 active');
  assert.ok(rolloutStatus(job({ succeeded: 2, conditions: [{ type: 'Complete', status: 'True' }] })).done);
  assert.is(rolloutStatus(job({ conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] })).failed, 'condition Failed=True (BackoffLimitExceeded): Job has reached the specified backoff limit');
});

test('only rollout kinds are waited for; CRDs need Established', () => {
  assert.ok(isWaitable('apps', 'Deployment'));
  assert.ok(isWaitable('batch', 'Job'));
  assert.not.ok(isWaitable('', 'Service'));
  assert.not.ok(isWaitable('batch', 'CronJob'));
  assert.not.ok(crdStatus({ status: {} }).done);
  assert.ok(crdStatus({ status: { conditions: [{ type: 'Established', status: 'True' }] } }).done);
  assert.match(crdStatus({ status: { conditions: [{ type: 'NamesAccepted', status: 'False', reason: 'MultipleNamesNotAllowed' }] } }).failed ?? '', /NamesAccepted=False/);
});

test.run();
