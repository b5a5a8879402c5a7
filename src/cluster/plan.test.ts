import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newResource, type JsonObject } from '../kustomize/resource.js';
import { KtsError } from '../errors.js';
import { LABEL_PART_OF, parentFor, withMemberLabel } from './applyset.js';
import { kindKey, kindsToDiscover, planApply, planPrune, soleNamespace, type Scope } from './plan.js';

const parent = parentFor('shop', 'ci', 'ci-main');
const obj = (apiVersion: string, kind: string, name: string, namespace?: string, extra: JsonObject = {}): JsonObject => ({
  apiVersion,
  kind,
  metadata: namespace ? { name, namespace } : { name },
  ...extra,
});
const scopes = new Map<string, Scope>([
  [kindKey('v1', 'Namespace'), 'Cluster'],
  [kindKey('v1', 'ConfigMap'), 'Namespaced'],
  [kindKey('v1', 'Service'), 'Namespaced'],
  [kindKey('v1', 'ResourceQuota'), 'Namespaced'],
  [kindKey('apps/v1', 'Deployment'), 'Namespaced'],
  [kindKey('rbac.authorization.k8s.io/v1', 'ClusterRole'), 'Cluster'],
  [kindKey('networking.k8s.io/v1', 'Ingress'), 'Namespaced'],
  [kindKey('apiextensions.k8s.io/v1', 'CustomResourceDefinition'), 'Cluster'],
]);
const crd = obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com', undefined, {
  spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' }, versions: [{ name: 'v1', served: true, storage: true }] },
});

test('objects are staged in dependency order and labeled as members', () => {
  const resources = [
    obj('apps/v1', 'Deployment', 'web', 'ci-main'),
    obj('networking.k8s.io/v1', 'Ingress', 'web', 'ci-main'),
    obj('v1', 'Service', 'web', 'ci-main'),
    obj('example.com/v1', 'Widget', 'w', 'ci-main'),
    obj('v1', 'ConfigMap', 'cfg', 'ci-main'),
    obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader'),
    obj('v1', 'ResourceQuota', 'quota', 'ci-main'),
    crd,
    obj('v1', 'Namespace', 'ci-main'),
  ].map(newResource);
  const plan = planApply(resources, { parent, defaultNamespace: 'ci-main', scopes });
  assert.equal(
    plan.stages.map((s) => [s.name, s.objects.map((o) => `${o.id.kind}/${o.id.name}`)]),
    [
      ['namespaces', ['CustomResourceDefinition/widgets.example.com', 'Namespace/ci-main']],
      ['policy', ['ClusterRole/reader', 'ResourceQuota/quota']],
      ['config', ['ConfigMap/cfg']],
      ['services', ['Service/web']],
      ['workloads', ['Deployment/web']],
      ['other', ['Ingress/web', 'Widget/w']],
    ],
  );
  for (const o of plan.stages.flatMap((s) => s.objects)) {
    assert.is((o.obj.metadata as { labels: Record<string, string> }).labels[LABEL_PART_OF], parent.id);
  }
  assert.equal(plan.groupKinds, ['ClusterRole.rbac.authorization.k8s.io', 'ConfigMap', 'CustomResourceDefinition.apiextensions.k8s.io', 'Deployment.apps', 'Ingress.networking.k8s.io', 'Namespace', 'ResourceQuota', 'Service', 'Widget.example.com']);
  assert.equal(plan.namespaces, ['ci-main']);
  assert.equal(plan.crds, [{ name: 'widgets.example.com', group: 'example.com', kind: 'Widget' }]);
  assert.is(plan.count, 9);
});

test('a custom kind named like an Object.prototype member is staged and applied like any other', () => {
  const kinds = ['constructor', 'toString', '__proto__'];
  const served = new Map(kinds.map((k) => [kindKey('example.com/v1', k), 'Namespaced' as Scope]));
  const plan = planApply(kinds.map((k) => newResource(obj('example.com/v1', k, 'x', 'ci-main'))), { parent, defaultNamespace: 'ci-main', scopes: served });
  assert.equal(plan.stages.map((s) => [s.name, s.objects.map((o) => o.id.kind)]), [['other', kinds]]);
});

test('kinds defined by a CRD in the render are not sent to discovery', () => {
  const kinds = kindsToDiscover([crd, obj('example.com/v1', 'Widget', 'w'), obj('v1', 'ConfigMap', 'a'), obj('v1', 'ConfigMap', 'b')].map(newResource));
  assert.equal(kinds, [
    { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' },
    { apiVersion: 'v1', kind: 'ConfigMap' },
  ]);
});

test('namespaced objects without a namespace get the default; cluster-scoped ones lose theirs', () => {
  const plan = planApply([obj('v1', 'ConfigMap', 'cfg'), obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'r', 'oops')].map(newResource), {
    parent,
    defaultNamespace: 'dflt',
    scopes,
  });
  const all = plan.stages.flatMap((s) => s.objects);
  assert.is(all.find((o) => o.id.kind === 'ConfigMap')!.id.namespace, 'dflt');
  assert.is((all.find((o) => o.id.kind === 'ConfigMap')!.obj.metadata as JsonObject).namespace, 'dflt');
  assert.not.ok('namespace' in (all.find((o) => o.id.kind === 'ClusterRole')!.obj.metadata as JsonObject));
});

test('unknown kinds, duplicates, missing names and foreign set labels are errors', () => {
  const plan = (objs: JsonObject[]) => () => planApply(objs.map(newResource), { parent, defaultNamespace: 'ns', scopes });
  assert.throws(plan([obj('example.com/v1', 'Gadget', 'g', 'ns')]), (e: KtsError) => e.code === 'apply-unknown-kind' && /no CRD in the render defines it/.test(e.message));
  assert.throws(plan([obj('v1', 'ConfigMap', 'a', 'ns'), obj('v1', 'ConfigMap', 'a')]), (e: KtsError) => e.code === 'apply-duplicate' && /v1 ConfigMap ns\/a appears twice/.test(e.message));
  assert.throws(plan([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }]), (e: KtsError) => /missing metadata.name/.test(e.message));
  const foreign = withMemberLabel(obj('v1', 'ConfigMap', 'a', 'ns'), parentFor('shop', 'other', 'ns'));
  assert.throws(plan([foreign]), (e: KtsError) => e.code === 'apply-applyset-label');
  assert.not.throws(plan([withMemberLabel(obj('v1', 'ConfigMap', 'a', 'ns'), parent)]));
});

test('soleNamespace finds the one namespace of a render', () => {
  assert.is(soleNamespace([obj('v1', 'Namespace', 'shop'), obj('v1', 'ConfigMap', 'a', 'shop')].map(newResource)), 'shop');
  assert.is(soleNamespace([obj('v1', 'ConfigMap', 'a', 'x'), obj('v1', 'ConfigMap', 'b', 'y')].map(newResource)), undefined);
  assert.is(soleNamespace([obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'r')].map(newResource)), undefined);
});

test('prune deletes only members that were not applied, workloads first and namespaces last', () => {
  const member = (o: JsonObject, uid: string) => {
    const m = withMemberLabel(o, parent);
    (m.metadata as JsonObject).uid = uid;
    return m;
  };
  const live = [
    member(obj('v1', 'Namespace', 'old-ns'), 'u0'),
    member(obj('v1', 'ConfigMap', 'kept', 'ci-main'), 'u1'),
    member(obj('v1', 'ConfigMap', 'gone', 'ci-main'), 'u2'),
    member(obj('apps/v1', 'Deployment', 'gone', 'ci-main'), 'u3'),
    obj('v1', 'ConfigMap', 'not-a-member', 'ci-main'),
    withMemberLabel(obj('v1', 'ConfigMap', 'other-set', 'ci-main'), parentFor('shop', 'other', 'ci-main')),
    member(obj('v1', 'Namespace', 'ci-main'), 'u4'),
    member(obj('v1', 'Namespace', 'kube-system'), 'u5'),
  ];
  const doomed = planPrune(live, new Set(['|ConfigMap|ci-main|kept']), parent);
  assert.equal(
    doomed.map((d) => `${d.id.kind}/${d.id.name}`),
    ['Deployment/gone', 'ConfigMap/gone', 'Namespace/old-ns'],
  );
  assert.equal(doomed.map((d) => d.uid), ['u3', 'u2', 'u0']);
});

test.run();
