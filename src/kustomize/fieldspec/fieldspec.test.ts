import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { equal } from '../testing.js';
import { parse } from 'yaml';
import type { JsonObject } from '../resource.js';
import { applyFieldSpec, FieldSpecError, gvkSelects, sortByGvk, mergeFieldSpecs, parseFieldSpecs, splitPath } from './fieldspec.js';

const obj = (text: string): JsonObject => parse(text) as JsonObject;
const setX = () => 'x';

test('splitPath keeps escaped slashes inside an element', () => {
  equal(splitPath('metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret'), [
    'metadata',
    'annotations',
    'nginx.ingress.kubernetes.io/auth-secret',
  ]);
  equal(splitPath('spec/containers[]/image'), ['spec', 'containers[]', 'image']);
});

test('gvkSelects treats empty selector parts as wildcards', () => {
  const gvk = { group: 'apps', version: 'v1', kind: 'Deployment' };
  assert.ok(gvkSelects({ kind: 'Deployment' }, gvk));
  assert.ok(gvkSelects({}, gvk));
  assert.not.ok(gvkSelects({ group: 'batch', kind: 'Deployment' }, gvk));
  assert.not.ok(gvkSelects({ version: 'v2' }, gvk));
});

test('walks lists implicitly and sets every leaf it reaches', () => {
  const o = obj(`
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
      - name: a
        env: [{name: A, valueFrom: {configMapKeyRef: {name: cm}}}, {name: B, value: x}]
      - name: b
`);
  const seen: unknown[] = [];
  applyFieldSpec(o, { path: 'spec/template/spec/containers/env/valueFrom/configMapKeyRef/name', kind: 'Deployment' }, (v) => {
    seen.push(v);
    return 'cm2';
  });
  equal(seen, ['cm']);
  assert.is(((o as any).spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef.name), 'cm2');
  assert.is((o as any).spec.template.spec.containers[1].env, undefined, 'nothing created without create');
});

test('skips objects whose gvk the spec does not select', () => {
  const o = obj('apiVersion: v1\nkind: Service\nmetadata: {name: s}');
  applyFieldSpec(o, { path: 'metadata/name', kind: 'Deployment' }, setX);
  assert.is((o as any).metadata.name, 's');
});

test('create makes intermediate maps and the leaf of the requested kind', () => {
  const o = obj('apiVersion: apps/v1\nkind: Deployment\nspec: {}');
  applyFieldSpec(o, { path: 'spec/template/metadata/labels', create: true }, (v) => ({ ...(v as object), a: 'b' }), 'map');
  equal((o as any).spec.template, { metadata: { labels: { a: 'b' } } });
  const p = obj('kind: ConfigMap');
  applyFieldSpec(p, { path: 'metadata/namespace', create: true }, () => 'ns', 'scalar');
  equal((p as any).metadata, { namespace: 'ns' });
});

test('without a create kind nothing is created even when the spec says create', () => {
  const o = obj('kind: Deployment\nspec: {}');
  applyFieldSpec(o, { path: 'spec/template/spec/containers[]/image', create: true }, setX);
  equal((o as any).spec, {});
});

test('list fields ([]) are never created, but a null one becomes an empty list', () => {
  const o = obj('kind: Deployment\nspec:\n  containers:\n  initContainers: null');
  applyFieldSpec(o, { path: 'spec/containers[]/image', create: true }, setX, 'scalar');
  applyFieldSpec(o, { path: 'spec/initContainers[]/image' }, setX);
  applyFieldSpec(o, { path: 'spec/ephemeral[]/image', create: true }, setX, 'scalar');
  equal((o as any).spec, { containers: [], initContainers: [] });
});

test('null intermediate fields stop the walk unless the spec creates them', () => {
  const o = obj('kind: Deployment\nspec:\n  template:');
  applyFieldSpec(o, { path: 'spec/template/metadata/labels' }, setX, 'map');
  assert.is((o as any).spec.template, null);
  applyFieldSpec(o, { path: 'spec/template/metadata/labels', create: true }, (v) => ({ ...(v as object), k: 'v' }), 'map');
  equal((o as any).spec.template, { metadata: { labels: { k: 'v' } } });
});

test('a scalar in the middle of a path is an error', () => {
  const o = obj('kind: Deployment\nspec: oops');
  assert.throws(() => applyFieldSpec(o, { path: 'spec/template/x' }, setX), (e: unknown) => e instanceof FieldSpecError);
});

test('parseFieldSpecs validates and mergeFieldSpecs drops duplicates but rejects create conflicts', () => {
  const specs = parseFieldSpecs([{ path: 'a/b', kind: 'K', create: true }, { path: 'c' }], 'k.yaml', 'fieldSpecs');
  equal(specs, [{ path: 'a/b', kind: 'K', create: true }, { path: 'c' }]);
  // decoded as Go does: unknown keys ignored, keys matched case-insensitively
  equal(parseFieldSpecs([{ Path: 'a', KIND: 'K', name: 'ignored' }], 'k.yaml', 'fieldSpecs'), [{ path: 'a', kind: 'K' }]);
  assert.throws(() => parseFieldSpecs([{ path: 'a', create: 'yes' }], 'k.yaml', 'fieldSpecs'), /'create' must be true or false/);
  equal(mergeFieldSpecs(specs, [{ path: 'c' }, { path: 'd' }]).map((f) => f.path), ['a/b', 'c', 'd']);
  assert.throws(() => mergeFieldSpecs(specs, [{ path: 'c', create: true }]), /conflicting/);
});

test('mergeFieldSpecs: an incoming spec is dropped when its gvk selects an existing one on the same path, not the reverse', () => {
  const narrow = { path: 'metadata/name', kind: 'Foo' };
  const wide = { path: 'metadata/name' };
  equal(mergeFieldSpecs([narrow], [wide]), [narrow]);
  equal(mergeFieldSpecs([wide], [narrow]), [wide, narrow]);
  equal(mergeFieldSpecs([{ path: 'p', kind: 'Job', group: 'batch' }], [{ path: 'p', group: 'batch' }]), [{ path: 'p', kind: 'Job', group: 'batch' }]);
  equal(mergeFieldSpecs([{ path: 'p', group: 'apps' }], [{ path: 'p', group: 'batch' }]).length, 2);
  assert.throws(() => mergeFieldSpecs([narrow], [{ ...wide, create: true }]), /conflicting fieldspecs/);
});

test('sortByGvk orders as kustomize Gvk.IsLessThan: ranked kinds, then group_version_kind with empty parts last', () => {
  const order = [{ kind: 'Namespace' }, { group: 'apps', kind: 'Deployment' }, { kind: 'Deployment' }, { kind: 'Foo' }, {}, { kind: 'MutatingWebhookConfiguration' }];
  for (const shuffled of [[...order].reverse(), [order[3]!, order[0]!, order[5]!, order[1]!, order[4]!, order[2]!]]) {
    sortByGvk(shuffled);
    equal(shuffled, order);
  }
  // Go's sort is unstable: equal gvks keep the order its pdqsort leaves them in, as kustomize's do
  const same = Array.from({ length: 20 }, (_, i) => ({ kind: 'Foo', path: String(i) }));
  sortByGvk(same);
  equal(same.map((x) => x.path), Array.from({ length: 20 }, (_, i) => String(i)));
});

test.run();
