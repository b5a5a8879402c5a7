import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { equal } from './testing.js';
import { KtsError } from '../errors.js';
import { parseObjects, parseResources } from './resources.js';
import { plain } from './testing.js';

test('lists are inlined, their items queued after the other documents of the file', () => {
  const text = 'kind: List\nitems:\n- {kind: ConfigMap, metadata: {name: a}}\n---\nkind: ConfigMap\nmetadata: {name: b}\n';
  equal(
    parseObjects(text, 'r.yaml').map((o) => (o.metadata as { name: string }).name),
    ['b', 'a'],
  );
});

test('a list kind without items is a resource; with no metadata it gets `metadata: {}` as in kustomize (checked with kubectl)', () => {
  equal(parseObjects('apiVersion: v1\nkind: FooList\nspec: {}\n', 'r.yaml'), [{ apiVersion: 'v1', kind: 'FooList', spec: {}, metadata: {} }]);
  equal(parseObjects('apiVersion: v1\nkind: FooList\nmetadata: null\n', 'r.yaml'), [{ apiVersion: 'v1', kind: 'FooList', metadata: null }]);
});

test('documents must be named objects', () => {
  assert.throws(() => parseObjects('- a\n', 'r.yaml'), (e: unknown) => e instanceof KtsError && e.file === 'r.yaml');
  assert.throws(() => parseObjects('kind: ConfigMap\nmetadata: {generateName: a-}\n', 'r.yaml'), /missing metadata.name in ConfigMap object/);
});

test('an input resource annotated needsHashSuffix: enabled gets a hash suffix, as kustomize gives it (checked with kubectl)', () => {
  const [plain, hashed] = parseResources(
    'kind: ConfigMap\nmetadata: {name: a}\n---\nkind: ConfigMap\nmetadata: {name: b, annotations: {internal.config.kubernetes.io/needsHashSuffix: enabled}}\n',
    'r.yaml',
  );
  assert.is(plain!.generator, undefined);
  equal(hashed!.generator, { behavior: 'create', hash: true });
});

test.run();
