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

test.run();
