import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { effectiveNamespace, isClusterScoped } from './scope.js';

test('cluster scope is decided by apiVersion and kind, as in kustomize built-in OpenAPI data', () => {
  assert.ok(isClusterScoped({ group: '', version: 'v1', kind: 'Namespace' }));
  assert.ok(isClusterScoped({ group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass' }));
  assert.ok(isClusterScoped({ group: 'rbac.authorization.k8s.io', version: 'v1beta1', kind: 'ClusterRole' }));
  assert.not.ok(isClusterScoped({ group: 'example.com', version: 'v1', kind: 'Namespace' }), 'unknown types are namespaced');
  assert.not.ok(isClusterScoped({ group: 'admissionregistration.k8s.io', version: 'v1', kind: 'ValidatingAdmissionPolicy' }));
  assert.not.ok(isClusterScoped({ group: 'apps', version: 'v1', kind: 'Deployment' }));
});

test('without a version, the kind alone decides', () => {
  assert.ok(isClusterScoped('ClusterRole'));
  assert.ok(isClusterScoped({ kind: 'PersistentVolume' }));
  assert.not.ok(isClusterScoped('ConfigMap'));
});

test('effective namespace: empty for cluster-scoped, default when unset', () => {
  assert.is(effectiveNamespace({ version: 'v1', kind: 'ConfigMap', namespace: '' }), 'default');
  assert.is(effectiveNamespace({ version: 'v1', kind: 'ConfigMap', namespace: 'x' }), 'x');
  assert.is(effectiveNamespace({ version: 'v1', kind: 'Node', namespace: 'x' }), '');
});

test.run();
