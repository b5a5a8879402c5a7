import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { removeBuildAnnotations } from './metadata.js';
import { newResource, type Json, type JsonObject } from './resource.js';

const meta = (obj: JsonObject) => obj.metadata as JsonObject;

test('build annotations that came with the input are dropped, as kustomize does at the end of a build (checked with kubectl)', () => {
  const r = newResource({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'c',
      annotations: {
        'config.kubernetes.io/index': '3',
        'internal.config.kubernetes.io/path': 'p.yaml',
        'internal.config.kubernetes.io/previousNames': 'x',
        'config.kubernetes.io/origin': 'path: stale',
        'alpha.config.kubernetes.io/transformations': 'x',
        'kustomize.config.k8s.io/id': '3',
        port: 8080,
      },
    },
  });
  removeBuildAnnotations([r], { origin: false, transformations: false });
  assert.equal(meta(r.obj).annotations, { 'kustomize.config.k8s.io/id': '3', port: '8080' });
});

test('origin and transformations annotations stay when buildMetadata asks for them', () => {
  const r = newResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { 'config.kubernetes.io/origin': 'o', 'alpha.config.kubernetes.io/transformations': 't' } } });
  removeBuildAnnotations([r], { origin: true, transformations: true });
  assert.equal(Object.keys(meta(r.obj).annotations as JsonObject), ['config.kubernetes.io/origin', 'alpha.config.kubernetes.io/transformations']);
});

test('annotations that are empty, null, emptied or not a map disappear; list and map values read as "" (checked with kubectl)', () => {
  const empties: Json[] = [{}, null, { 'config.kubernetes.io/path': 'p' }, 'str', ['a'], 5];
  const rs = empties.map((annotations) => newResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations } }));
  removeBuildAnnotations(rs, { origin: false, transformations: false });
  for (const r of rs) assert.equal(meta(r.obj), { name: 'c' });
});

test('annotation values that are lists or maps read as ""', () => {
  const r = newResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { a: [1], b: { c: 'd' }, n: null } } });
  removeBuildAnnotations([r], { origin: false, transformations: false });
  assert.equal(meta(r.obj).annotations, { a: '', b: '', n: '' });
});

test.run();
