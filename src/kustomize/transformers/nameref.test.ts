import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultTransformerConfig } from '../fieldspec/defaults.js';
import { transformNamespace } from './namespace.js';
import { fixNameReferences } from './nameref.js';
import { transformPrefixSuffix } from './prefixsuffix.js';
import { rename } from './ids.js';
import { resources } from './testing.js';
import type { Resource } from '../resource.js';

const tc = defaultTransformerConfig();
const prefix = (rs: Resource[], p: string) => transformPrefixSuffix(rs, { prefix: p, fieldSpecs: tc.namePrefix });
const byName = (rs: Resource[], name: string) => rs.find((r) => (r.obj.metadata as any).name === name)!.obj as any;

test('references to renamed ConfigMaps, Secrets, ServiceAccounts and Services are rewritten', () => {
  const rs = resources(`
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
---
apiVersion: v1
kind: Secret
metadata: {name: sec}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      serviceAccountName: sa
      volumes: [{name: v, configMap: {name: cm}}, {name: w, secret: {secretName: sec}}]
      containers:
      - name: c
        envFrom: [{configMapRef: {name: cm}}, {secretRef: {name: unrelated}}]
        env: [{name: E, valueFrom: {secretKeyRef: {name: sec, key: k}}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ing}
spec:
  tls: [{secretName: sec}]
  rules: [{http: {paths: [{backend: {service: {name: web}}}]}}]
`);
  prefix(rs, 'p-');
  fixNameReferences(rs, tc.nameReference);
  const d = byName(rs, 'p-web').spec.template.spec;
  assert.is(d.serviceAccountName, 'p-sa');
  assert.equal(d.volumes, [{ name: 'v', configMap: { name: 'p-cm' } }, { name: 'w', secret: { secretName: 'p-sec' } }]);
  assert.equal(d.containers[0].envFrom, [{ configMapRef: { name: 'p-cm' } }, { secretRef: { name: 'unrelated' } }]);
  assert.is(d.containers[0].env[0].valueFrom.secretKeyRef.name, 'p-sec');
  const ing = byName(rs, 'p-ing');
  assert.is(ing.spec.tls[0].secretName, 'p-sec');
  assert.is(ing.spec.rules[0].http.paths[0].backend.service.name, 'web', 'no Service named web exists');
});

test('roleRef follows the kind it names; subjects get name and namespace', () => {
  const rs = resources(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: bot, namespace: old}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects: [{kind: ServiceAccount, name: bot, namespace: old}]
`);
  // rename the ClusterRole only, and move the ServiceAccount
  transformPrefixSuffix(rs, { prefix: 'c-', fieldSpecs: [{ path: 'metadata/name', kind: 'ClusterRole' }] });
  transformNamespace([rs[2]!], { namespace: 'new', fieldSpecs: [] });
  fixNameReferences(rs, tc.nameReference);
  const rb = rs[3]!.obj as any;
  assert.is(rb.roleRef.name, 'c-reader');
  assert.equal(rb.subjects, [{ kind: 'ServiceAccount', name: 'bot', namespace: 'new' }]);
});

test('a RoleBinding ServiceAccount subject whose namespace key holds no string is an error; an absent key is not', () => {
  const rbac = (subject: string) =>
    resources(`
apiVersion: v1
kind: ServiceAccount
metadata: {name: test}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: test}
subjects:
- ${subject}
roleRef: {kind: Role, name: test, apiGroup: rbac.authorization.k8s.io}
`);
  // kustomize v5.5.0 (checked with kubectl kustomize): Invalid Input: namespace is blank for resource ...
  for (const bad of ['{kind: ServiceAccount, name: test, namespace: }', '{kind: ServiceAccount, name: test, namespace: [a]}']) {
    assert.throws(
      () => fixNameReferences(rbac(bad), tc.nameReference),
      /Invalid Input: namespace is blank for resource "RoleBinding\.v1\.rbac\.authorization\.k8s\.io\/test\.\[noNs\]"/,
    );
  }
  for (const ok of ['{kind: ServiceAccount, name: test}', '{kind: User, name: test, namespace: }']) {
    const rs = rbac(ok);
    fixNameReferences(rs, tc.nameReference);
    assert.is((rs[1]!.obj as any).subjects[0].name, 'test');
  }
});

test("an Ingress tls secretName is rewritten twice, as kustomize's defaults list it twice (checked with kubectl kustomize)", () => {
  const rs = resources(`
apiVersion: v1
kind: Secret
metadata: {name: sec}
---
apiVersion: v1
kind: Secret
metadata: {name: p-sec}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ing}
spec:
  tls: [{secretName: sec}, {secretName: p-sec}]
`);
  prefix(rs, 'p-');
  fixNameReferences(rs, tc.nameReference);
  assert.equal((rs[2]!.obj as any).spec.tls, [{ secretName: 'p-p-sec' }, { secretName: 'p-p-sec' }]);
});

test('candidates in another namespace are not used', () => {
  const rs = resources(`
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: a}
---
apiVersion: v1
kind: Pod
metadata: {name: pod, namespace: b}
spec: {volumes: [{name: v, configMap: {name: cm}}]}
`);
  prefix(rs, 'x-');
  fixNameReferences(rs, tc.nameReference);
  assert.is((rs[1]!.obj.spec as any).volumes[0].configMap.name, 'cm');
});

test('ambiguity is resolved by matching prefixes; otherwise it is an error', () => {
  const base = `
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
---
apiVersion: v1
kind: Pod
metadata: {name: pod}
spec: {volumes: [{name: v, configMap: {name: cm}}]}
`;
  // two layers renamed cm differently; the pod shares its layer's prefix with one of them
  const a = resources(base);
  prefix(a, 'a-');
  const b = resources(base.split('---')[0]!.replace('{name: cm}', '{name: cm, namespace: default}'));
  prefix(b, 'b-');
  const rs = [...a, ...b];
  fixNameReferences(rs, tc.nameReference);
  assert.is((rs[1]!.obj.spec as any).volumes[0].configMap.name, 'a-cm');

  // same prefixes, different new names (e.g. hashes), seen from a cluster-scoped referrer
  const two = resources(`
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: x}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: y}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cr}
rules: [{resourceNames: [cm]}]
`);
  rename(two[0]!, { name: 'cm-h1' });
  rename(two[1]!, { name: 'cm-h2' });
  assert.throws(() => fixNameReferences(two, tc.nameReference), /found multiple possible referrals/);
  // identical new names are not ambiguous
  (two[1]!.obj.metadata as any).name = 'cm-h1';
  fixNameReferences(two, tc.nameReference);
  assert.equal((two[2]!.obj.rules as any)[0].resourceNames, ['cm-h1']);
});

test('list fields of names (rules/resourceNames) are rewritten element-wise', () => {
  const rs = resources(`
apiVersion: v1
kind: Secret
metadata: {name: s}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r}
rules: [{resourceNames: [s, other], verbs: [get]}]
`);
  prefix(rs, 'p-');
  fixNameReferences(rs, tc.nameReference);
  assert.equal((rs[1]!.obj.rules as any)[0].resourceNames, ['p-s', 'other']);
});

test('a map reference without a name field is a configuration error', () => {
  const rs = resources(`
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
subjects: [{kind: ServiceAccount}]
`);
  prefix(rs, 'p-');
  assert.throws(() => fixNameReferences(rs, tc.nameReference), /no 'name' field/);
});

test.run();
