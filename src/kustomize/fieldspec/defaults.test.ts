import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultTransformerConfig } from './defaults.js';

test('defaults carry kustomize field specs', () => {
  const tc = defaultTransformerConfig();
  assert.equal(tc.namePrefix, [{ path: 'metadata/name' }]);
  assert.ok(tc.commonLabels.some((f) => f.path === 'spec/selector' && f.kind === 'Service' && f.create));
  assert.ok(tc.templateLabels.some((f) => f.path === 'spec/template/metadata/labels' && f.kind === 'Deployment'));
  const secret = tc.nameReference.find((r) => r.kind === 'Secret')!;
  assert.ok(secret.fieldSpecs.some((f) => f.path === 'spec/template/spec/imagePullSecrets/name' && f.kind === 'Deployment'));
  assert.ok(secret.fieldSpecs.some((f) => f.path === 'spec/imagePullSecrets/name' && f.kind === 'Pod' && f.version === 'v1'));
  const cm = tc.nameReference.find((r) => r.kind === 'ConfigMap')!;
  assert.ok(cm.fieldSpecs.some((f) => f.path === 'spec/jobTemplate/spec/template/spec/volumes/configMap/name' && f.kind === 'CronJob'));
  assert.not.ok(cm.fieldSpecs.some((f) => f.path.includes('imagePullSecrets')));
  // a fresh copy each time: mutating one does not leak into the next
  tc.namePrefix.push({ path: 'x' });
  assert.is(defaultTransformerConfig().namePrefix.length, 1);
});

test('every default field spec has a path, and name references name their referred kind', () => {
  const tc = defaultTransformerConfig();
  for (const list of [tc.namePrefix, tc.nameSuffix, tc.nameSpace, tc.commonLabels, tc.templateLabels, tc.commonAnnotations, tc.varReference, tc.images, tc.replicas]) {
    for (const fs of list) assert.ok(fs.path.length > 0);
  }
  for (const ref of tc.nameReference) {
    assert.ok(ref.kind, 'referred kind');
    assert.ok(ref.fieldSpecs.length > 0);
  }
  assert.equal(tc.labels, []);
});

test('defaults are sorted as kustomize v5.5.0 loads them, Go sort instability included', () => {
  const tc = defaultTransformerConfig();
  // order of the Deployment entries in the config kubectl kustomize v5.5.0 prints in a merge error
  const dep = tc.varReference.filter((f) => f.kind === 'Deployment').map((f) => f.path.replace('spec/template/', ''));
  assert.equal(dep, [
    'spec/initContainers/volumeMounts/mountPath',
    'spec/initContainers/env/value',
    'spec/initContainers/command',
    'spec/initContainers/args',
    'spec/containers/volumeMounts/mountPath',
    'spec/containers/env/value',
    'spec/volumes/nfs/server',
    'metadata/annotations',
    'spec/containers/command',
    'spec/containers/args',
  ]);
  assert.equal(tc.images.map((f) => f.path).slice(0, 2), ['spec/containers[]/image', 'spec/initContainers[]/image']);
  assert.equal(tc.replicas.map((f) => f.kind), ['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);
  assert.equal(tc.commonLabels.at(-1), { path: 'metadata/labels', create: true });
});

test('name reference referrers keep kustomize order, its duplicate included (they are never sorted or deduplicated)', () => {
  const tc = defaultTransformerConfig();
  const cm = tc.nameReference.find((r) => r.kind === 'ConfigMap')!;
  const cron = cm.fieldSpecs.filter((f) => f.kind === 'CronJob').map((f) => f.path.replace('spec/jobTemplate/spec/template/spec/', ''));
  assert.equal(cron.slice(0, 3), ['volumes/configMap/name', 'volumes/projected/sources/configMap/name', 'containers/env/valueFrom/configMapKeyRef/name']);
  const secret = tc.nameReference.find((r) => r.kind === 'Secret')!;
  assert.is(secret.fieldSpecs.filter((f) => f.kind === 'Ingress' && f.path === 'spec/tls/secretName').length, 2);
  assert.equal(
    tc.nameReference.map((r) => r.kind),
    ['StorageClass', 'ServiceAccount', 'Role', 'ClusterRole', 'ConfigMap', 'Secret', 'Service', 'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'ValidatingAdmissionPolicy', 'IngressClass', 'ReplicaSet', 'ReplicationController'],
  );
});

test.run();
