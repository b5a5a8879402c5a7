import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { equal } from './testing.js';
import { KtsError } from '../errors.js';
import { absorb, ResMap, resIdString } from './resmap.js';
import { newResource, type JsonObject, type Resource } from './resource.js';

const cm = (name: string, extra: JsonObject = {}): Resource => newResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, ...extra });

test('appending a resource whose id is taken is kustomize conflict error', () => {
  const rm = new ResMap([cm('a'), cm('b')]);
  assert.throws(() => rm.append(cm('a')), (e: unknown) => e instanceof KtsError && e.message === 'may not add resource with an already registered id: ConfigMap.v1.[noGrp]/a.[noNs]');
  // unset and `default` namespaces are the same namespace
  assert.throws(() => rm.append(newResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'default' } })), /already registered/);
  rm.append(newResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'other' } }));
  assert.is(rm.size, 3);
});

test('lookups by any id find renamed resources; the index follows list changes', () => {
  const r = cm('old');
  const rm = new ResMap([r]);
  r.previous.push({ group: '', version: 'v1', kind: 'ConfigMap', namespace: '', name: 'old' });
  (r.obj.metadata as JsonObject).name = 'p-old';
  rm.invalidate();
  assert.is(rm.getByAnyId({ group: '', version: 'v1', kind: 'ConfigMap', namespace: '', name: 'old' })[0], r);
  assert.is(rm.getByCurrentId({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'p-old' }), r);
  assert.is(rm.getByCurrentId({ group: '', version: 'v1', kind: 'ConfigMap', namespace: '', name: 'old' }), undefined);
});

test('lookups by name find current and earlier names in list order, and follow renames after invalidate', () => {
  const a = cm('a');
  const b = cm('b');
  const rm = new ResMap([a, b]);
  assert.equal(rm.getByAnyName('b'), [b]);
  b.previous.push({ group: '', version: 'v1', kind: 'ConfigMap', namespace: '', name: 'b' });
  (b.obj.metadata as JsonObject).name = 'a';
  rm.invalidate();
  assert.equal(rm.getByAnyName('a'), [a, b]);
  assert.equal(rm.getByAnyName('b'), [b]);
  assert.equal(rm.getByAnyName('toString'), []);
  rm.append(cm('c'));
  assert.equal(rm.getByAnyName('c').length, 1);
});

test('replace keeps every lookup right, whether the ids stay (the indexes swap the object) or change', () => {
  const [a, b] = [cm('a'), cm('b')];
  const rm = new ResMap([a, b]);
  const id = (name: string) => ({ group: '', version: 'v1', kind: 'ConfigMap', namespace: '', name });
  assert.is(rm.getByAnyId(id('b'))[0], b);
  assert.equal(rm.getByAnyName('b'), [b]);
  const b2 = cm('b', { data: { k: 'v' } });
  rm.replace(b, b2);
  assert.equal(rm.resources(), [a, b2]);
  assert.equal(rm.getByAnyId(id('b')), [b2]);
  assert.is(rm.getByCurrentId(id('b')), b2);
  assert.equal(rm.getByAnyName('b'), [b2]);
  const c = cm('c');
  c.previous.push(id('b'));
  rm.replace(b2, c);
  assert.equal(rm.getByAnyId(id('b')), [c]);
  assert.is(rm.getByCurrentId(id('b')), undefined);
  assert.is(rm.getByCurrentId(id('c')), c);
  assert.equal(rm.getByAnyName('c'), [c]);
});

test('generator behaviors: create appends, merge and replace fold into the existing resource in place', () => {
  const gen = (name: string, behavior: 'create' | 'merge' | 'replace', data: JsonObject, hash = true): Resource => ({
    ...cm(name, { data }),
    generator: { behavior, hash },
  });
  const base = gen('c', 'create', { a: '1', b: '1' });
  (base.obj.metadata as JsonObject).labels = { from: 'base' };
  const rm = new ResMap([cm('first'), base, cm('last')]);
  absorb(rm, gen('c', 'merge', { b: '2', c: '2' }));
  equal(rm.resources()[1]!.obj.data, { a: '1', b: '2', c: '2' });
  equal((rm.resources()[1]!.obj.metadata as JsonObject).labels, { from: 'base' });
  absorb(rm, gen('c', 'replace', { z: '9' }, false));
  equal(rm.resources()[1]!.obj.data, { z: '9' });
  assert.is(rm.resources()[1]!.generator!.hash, false);
  assert.is(rm.size, 3);
  assert.throws(() => absorb(rm, gen('c', 'create', {})), /behavior must be merge or replace/);
  assert.throws(() => absorb(rm, gen('missing', 'merge', {})), /does not exist; cannot merge or replace/);
});

test('merge and replace read the old labels, annotations and data as text, as kyaml does: 12 is "12", a map "", a null "" in data and its text in labels (checked with kubectl)', () => {
  const old = cm('c', { data: { a: null, c: 12, d: true, f: { x: 1 }, h: 's' }, binaryData: { z: null } });
  (old.obj.metadata as JsonObject).labels = { n: 12, m: null };
  (old.obj.metadata as JsonObject).annotations = { t: true };
  const rm = new ResMap([old]);
  absorb(rm, { ...cm('c', { data: { X: 'bar' } }), generator: { behavior: 'merge', hash: false } });
  const merged = rm.resources()[0]!.obj;
  equal(merged.data, { a: '', c: '12', d: 'true', f: '', h: 's', X: 'bar' });
  equal(merged.binaryData, { z: '' });
  equal((merged.metadata as JsonObject).labels, { n: '12', m: 'null' });
  absorb(rm, { ...cm('c', { data: { Y: '1' } }), generator: { behavior: 'replace', hash: false } });
  equal(rm.resources()[0]!.obj.data, { Y: '1' });
  equal((rm.resources()[0]!.obj.metadata as JsonObject).annotations, { t: 'true' });
});

test('resIdString prints ids as kustomize messages do', () => {
  assert.is(resIdString({ group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'ns', name: 'd' }), 'Deployment.v1.apps/d.ns');
});

// Speed is measured by `npm run bench` (gen-tree scaling), never by a timed test.
test('appends and lookups interleave: 20,000 resources, each found by id and by name', () => {
  const rm = new ResMap();
  for (let i = 0; i < 20000; i++) {
    rm.append(cm(`c${i}`));
    if (i % 1000 === 0) assert.is(rm.getByAnyId({ group: '', version: 'v1', kind: 'ConfigMap', namespace: '', name: `c${i}` }).length, 1);
  }
  for (let i = 0; i < 20000; i++) {
    assert.is(rm.getByAnyId({ group: '', version: 'v1', kind: 'ConfigMap', namespace: '', name: `c${i}` }).length, 1);
    assert.is(rm.getByAnyName(`c${i}`).length, 1);
  }
});

test.run();
