import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { equal } from './testing.js';
import { KtsError } from '../errors.js';
import { parseObjects, parseResources } from './resources.js';
import { plain } from './testing.js';
import { idOf } from './resource.js';

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

test('a number, boolean or timestamp name is accepted; its id is the YAML text, its value stays a number or time (checked with kubectl)', () => {
  for (const [text, id, value] of [['12', '12', 12], ['.5', '.5', 0.5], ['-0', '-0', -0], ['0x1F', '0x1F', 31], ['true', 'true', true], ['2001-12-14', '2001-12-14', '2001-12-14T00:00:00Z']] as const) {
    for (const doc of [`kind: ConfigMap\nmetadata:\n  name: ${text}\n`, `x: &a 1\nkind: ConfigMap\nmetadata:\n  name: ${text}\n`]) {
      const [obj] = parseObjects(doc, 'r.yaml');
      assert.is(idOf(obj!).name, id);
      assert.is((obj!.metadata as { name: unknown }).name, value);
    }
  }
  // the text is the id only while the name holds the value read from it
  const [renamed] = parseObjects('kind: ConfigMap\nmetadata:\n  name: 2001-12-14\n', 'r.yaml');
  (renamed!.metadata as { name: unknown }).name = '2001-12-14T00:00:00Z-x';
  assert.is(idOf(renamed!).name, '2001-12-14T00:00:00Z-x');
  assert.throws(() => parseObjects('kind: ConfigMap\nmetadata:\n  name: null\n', 'r.yaml'), /missing metadata.name/);
});

test('a number or boolean kind is accepted as its text and printed as written; null or a collection is no kind (checked with kubectl)', () => {
  for (const [text, id, value] of [['12', '12', 12], ['0x1F', '31', 31], ['true', 'true', true], ['1.5', '1.5', 1.5]] as const) {
    const [obj] = parseObjects(`apiVersion: v1\nkind: ${text}\nmetadata:\n  name: a\n`, 'r.yaml');
    assert.is(idOf(obj!).kind, id);
    assert.is(obj!.kind, value);
  }
  for (const kind of ['~', '[a]', '{}', '""']) assert.throws(() => parseObjects(`kind: ${kind}\nmetadata:\n  name: a\n`, 'r.yaml'), /missing kind in object/);
});

test.run();
