import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { transformPrefixSuffix } from './prefixsuffix.js';
import { resources } from './testing.js';

const input = `
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
---
apiVersion: v1
kind: Namespace
metadata: {name: ns}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crd}
`;
const names = (rs: ReturnType<typeof resources>) => rs.map((r) => (r.obj.metadata as any).name);

test('prefix and suffix names, skipping Namespaces and CRDs, recording the change', () => {
  const rs = resources(input);
  transformPrefixSuffix(rs, { prefix: 'a-', fieldSpecs: [{ path: 'metadata/name' }] });
  transformPrefixSuffix(rs, { suffix: '-z', fieldSpecs: [{ path: 'metadata/name' }] });
  assert.equal(names(rs), ['a-cm-z', 'ns', 'crd']);
  assert.equal(rs[0]!.previous.map((id) => id.name), ['cm', 'a-cm']);
  assert.equal(rs[0]!.namePrefixes, ['a-']);
  assert.equal(rs[0]!.nameSuffixes, ['-z']);
  assert.equal(rs[1]!.previous, []);
});

test('legacy PrefixSuffixTransformer does both at once; gvk-limited specs select by original kind', () => {
  const rs = resources(input);
  transformPrefixSuffix(rs, { prefix: 'p-', suffix: '-s', fieldSpecs: [{ path: 'metadata/name', kind: 'ConfigMap' }] });
  assert.equal(names(rs), ['p-cm-s', 'ns', 'crd']);
  assert.equal(rs[0]!.previous.length, 1);
});

test('empty prefix leaves names and ids alone', () => {
  const rs = resources(input);
  transformPrefixSuffix(rs, { prefix: '', fieldSpecs: [{ path: 'metadata/name' }] });
  assert.equal(names(rs), ['cm', 'ns', 'crd']);
  assert.equal(rs[0]!.previous, []);
  assert.is(rs[0]!.namePrefixes, undefined);
});

test('other name fields get the prefix without renaming the resource', () => {
  const rs = resources('kind: Thing\nmetadata: {name: t}\nspec: {ref: other}');
  transformPrefixSuffix(rs, { prefix: 'x-', fieldSpecs: [{ path: 'spec/ref', kind: 'Thing' }] });
  assert.equal(rs[0]!.obj.spec, { ref: 'x-other' });
  assert.is((rs[0]!.obj.metadata as any).name, 't');
  assert.equal(rs[0]!.previous, []);
});

test.run();
