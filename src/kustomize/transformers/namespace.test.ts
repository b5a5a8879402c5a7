import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultTransformerConfig } from '../fieldspec/defaults.js';
import { transformNamespace } from './namespace.js';
import { resources } from './testing.js';

const rbac = { group: 'rbac.authorization.k8s.io' };

test('namespaced resources get the namespace, cluster-scoped kinds do not; previous ids are recorded', () => {
  const rs = resources(`
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
---
apiVersion: v1
kind: Service
metadata: {name: svc, namespace: other}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cr}
---
apiVersion: v1
kind: Namespace
metadata: {name: ns1}
`);
  transformNamespace(rs, { namespace: 'test', fieldSpecs: defaultTransformerConfig().nameSpace });
  assert.equal(
    rs.map((r) => (r.obj.metadata as any).namespace),
    ['test', 'test', undefined, undefined],
  );
  assert.is((rs[3]!.obj.metadata as any).name, 'test', 'a v1 Namespace is renamed by the default config');
  assert.is(rs[1]!.previous[0]!.namespace, 'other');
});

test('a Namespace of another apiVersion keeps its name and, being an unknown type, is namespaced', () => {
  const rs = resources('apiVersion: example.com/v1\nkind: Namespace\nmetadata: {name: keep}');
  transformNamespace(rs, { namespace: 'test', fieldSpecs: defaultTransformerConfig().nameSpace });
  assert.equal(rs[0]!.obj.metadata, { name: 'keep', namespace: 'test' });
});

test('unsetOnly fills only empty namespaces', () => {
  const rs = resources(`
kind: ConfigMap
metadata: {name: a}
---
kind: ConfigMap
metadata: {name: b, namespace: keep}
---
kind: ConfigMap
metadata: {name: c, namespace: ""}
`);
  transformNamespace(rs, { namespace: 'test', fieldSpecs: [], unsetOnly: true });
  assert.equal(rs.map((r) => (r.obj.metadata as any).namespace), ['test', 'keep', 'test']);
});

const binding = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
subjects:
- {kind: ServiceAccount, name: default, namespace: system}
- {kind: ServiceAccount, name: other, namespace: system}
- {kind: User, name: default}
`;

test('role binding subjects: defaultOnly (the default), allServiceAccounts and none', () => {
  const subjectNs = (mode?: 'defaultOnly' | 'allServiceAccounts' | 'none') => {
    const rs = resources(binding);
    transformNamespace(rs, {
      namespace: 'test',
      fieldSpecs: [{ path: 'subjects/namespace', kind: 'ClusterRoleBinding', ...rbac }],
      setRoleBindingSubjects: mode,
    });
    return (rs[0]!.obj.subjects as any[]).map((s) => s.namespace);
  };
  assert.equal(subjectNs(), ['test', 'system', 'test']);
  assert.equal(subjectNs('allServiceAccounts'), ['test', 'test', undefined]);
  assert.equal(subjectNs('none'), ['system', 'system', undefined]);
  assert.throws(() => subjectNs('bogus' as 'none'), /invalid value "bogus" for setRoleBindingSubjects/);
});

test('field specs that reach a list are an error', () => {
  const rs = resources(binding);
  assert.throws(
    () => transformNamespace(rs, { namespace: 'test', fieldSpecs: [{ path: 'subjects', kind: 'ClusterRoleBinding', ...rbac }] }),
    /namespace field specs must target scalar nodes/,
  );
});

test('extra namespace fields are set where the config points', () => {
  const rs = resources(`
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1.example}
spec: {service: {name: svc}}
`);
  transformNamespace(rs, { namespace: 'test', fieldSpecs: defaultTransformerConfig().nameSpace });
  assert.equal((rs[0]!.obj.spec as any).service, { name: 'svc', namespace: 'test' });
  assert.is((rs[0]!.obj.metadata as any).namespace, undefined);
});

test('two resources ending up with the same id is a conflict', () => {
  const rs = resources('kind: ConfigMap\nmetadata: {name: a, namespace: x}\n---\nkind: ConfigMap\nmetadata: {name: a, namespace: y}');
  assert.throws(() => transformNamespace(rs, { namespace: 'z', fieldSpecs: [] }), /ID conflict/);
  // with unsetOnly, an unset namespace filled with 'default' meets an explicit 'default'
  const ds = resources('kind: ConfigMap\nmetadata: {name: a}\n---\nkind: ConfigMap\nmetadata: {name: a, namespace: default}');
  assert.throws(() => transformNamespace(ds, { namespace: 'default', fieldSpecs: [], unsetOnly: true }), /ID conflict/);
});

test.run();
