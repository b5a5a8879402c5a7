import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonObject } from '../kustomize/resource.js';
import { controllerProblems, podProblems, summarize } from './diagnose.js';

const pod = (name: string, status: JsonObject): JsonObject => ({ kind: 'Pod', metadata: { name }, status });
const pulling: JsonObject = {
  phase: 'Pending',
  containerStatuses: [
    { name: 'web', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "reg/shop/web:3.11-abc"' } } },
    { name: 'nginx', state: { running: {} } },
  ],
};

test('pods: waiting reasons with their message, CrashLoopBackOff with the last exit code, failed init containers, scheduling and eviction', () => {
  assert.equal(podProblems(pod('a', pulling)), ['container web: ImagePullBackOff: Back-off pulling image "reg/shop/web:3.11-abc"']);
  assert.equal(podProblems(pod('b', { containerStatuses: [{ name: 'web', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s' } }, lastState: { terminated: { exitCode: 2, reason: 'Error' } } }] })), [
    'container web: CrashLoopBackOff (last exit code 2, Error): back-off 20s',
  ]);
  assert.equal(podProblems(pod('c', { initContainerStatuses: [{ name: 'migrate', state: { terminated: { exitCode: 1, reason: 'Error', message: 'relation\n missing' } } }] })), [
    'container migrate: Error (exit code 1): relation missing',
  ]);
  assert.equal(podProblems(pod('d', { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient memory.' }] })), [
    'Unschedulable: 0/3 nodes are available: 3 Insufficient memory.',
  ]);
  assert.equal(podProblems(pod('e', { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' })), ['Evicted: The node was low on resource: memory.']);
  assert.equal(podProblems(pod('f', { containerStatuses: [{ name: 'web', state: { waiting: { reason: 'ContainerCreating' } } }, { name: 'ok', state: { terminated: { exitCode: 0 } } }] })), []);
});

test('controllers: a ReplicaSet refused by admission (ReplicaFailure/FailedCreate), a failed Job', () => {
  const rs: JsonObject = {
    kind: 'ReplicaSet',
    metadata: { name: 'web-6f7d' },
    status: { conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-6f7d-x" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi' }] },
  };
  assert.equal(controllerProblems(rs), ['ReplicaFailure (FailedCreate): pods "web-6f7d-x" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi']);
  assert.equal(controllerProblems({ status: { conditions: [{ type: 'Failed', status: 'False' }, { type: 'Progressing', status: 'True' }] } }), []);
});

test('summarize: one line per problem, pods with the same problem folded, at most a few lines', () => {
  const lines = summarize([], [pod('web-1', pulling), pod('web-2', pulling), pod('web-3', pulling)]);
  assert.equal(lines, ['pod web-1 (and 2 more): container web: ImagePullBackOff: Back-off pulling image "reg/shop/web:3.11-abc"']);
  const many = Array.from({ length: 9 }, (_, i) => pod(`p${i}`, { phase: 'Failed', reason: `R${i}` }));
  const cut = summarize([], many);
  assert.is(cut.length, 7);
  assert.is(cut[6], '… and 3 more');
});

test.run();
