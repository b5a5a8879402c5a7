import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { equal } from '../testing.js';
import type { JsonObject } from '../resource.js';
import { lookupCreate, lookupPath, matchPaths, pathSplitter, slotValue, splitFieldPath, splitVarFieldPath } from './path.js';

test('splitFieldPath keeps [k=v] whole and unwraps bracketed map keys (kyaml SmarterPathSplitter)', () => {
  const cases: [string, string[]][] = [
    ['spec.replicas', ['spec', 'replicas']],
    ['spec.data.[name=first].key', ['spec', 'data', '[name=first]', 'key']],
    ['spec.data.[.name=.first].key', ['spec', 'data', '[.name=.first]', 'key']],
    ['spec.data.[name=f.i.r.s.t.].key', ['spec', 'data', '[name=f.i.r.s.t.]', 'key']],
    ['spec\\.replicas', ['spec.replicas']],
    ['spec.data.[name=f.i.[r.s.t..key', ['spec', 'data', '[name=f.i.[r.s.t..key']],
    ['metadata.annotations.[a.b.c/d.e.f-g.]', ['metadata', 'annotations', 'a.b.c/d.e.f-g.']],
    ['metadata.[annotations]', ['metadata', '[annotations]']],
  ];
  for (const [path, want] of cases) equal(splitFieldPath(path), want, path);
  equal(pathSplitter('metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret', '/'), ['metadata', 'annotations', 'nginx.ingress.kubernetes.io/auth-secret']);
  equal(splitVarFieldPath('spec.ports[0].port'), ['spec', 'ports', '0', 'port']);
});

const DOC: JsonObject = { spec: { ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }], args: ['-jar', 'x'], n: null } };

test('lookupPath: indexes, last element, exact [k=v] and [=v], nulls read as missing', () => {
  assert.is(lookupPath(DOC, ['spec', 'ports', '1', 'port']), 443);
  assert.is(lookupPath(DOC, ['spec', 'ports', '-', 'name']), 'https');
  assert.is(lookupPath(DOC, ['spec', 'ports', '[port=80]', 'name']), 'http');
  assert.is(lookupPath(DOC, ['spec', 'ports', '[name=htt]', 'port']), undefined);
  assert.is(lookupPath(DOC, ['spec', 'args', '[=-jar]']), '-jar');
  assert.is(lookupPath(DOC, ['spec', 'ports', '5']), undefined);
  assert.is(lookupPath(DOC, ['spec', 'n', 'x']), undefined);
  assert.is(lookupPath(DOC, ['spec', 'n']), null);
  assert.throws(() => lookupPath(DOC, ['spec', 'ports', 'name']), /expected MappingNode but got SequenceNode/);
  assert.throws(() => lookupPath(DOC, ['spec', 'ports', '-1']), /cannot be negative/);
});

test('matchPaths: regex elements, wildcards, and create', () => {
  const doc = structuredClone(DOC);
  equal(matchPaths(doc, ['spec', 'ports', '[name=http]', 'port']).map(slotValue), [80, 443]);
  equal(matchPaths(doc, ['spec', 'ports', '[name=^http$]', 'port']).map(slotValue), [80]);
  equal(matchPaths(doc, ['spec', 'ports', '*', 'name']).map(slotValue), ['http', 'https']);
  equal(matchPaths(doc, ['spec', 'missing']), []);
  const created = matchPaths(doc, ['spec', 'ports', '[name=grpc]', 'port'], 'scalar');
  assert.is(created.length, 1);
  equal((doc.spec as JsonObject).ports, [{ name: 'http', port: 80 }, { name: 'https', port: 443 }, { name: 'grpc', port: null }]);
  assert.ok(created[0]!.created);
});

test('lookupCreate: exact [k=v], creates what is missing, stops at an index out of range', () => {
  const doc = structuredClone(DOC);
  const slot = lookupCreate(doc, ['spec', 'ports', '[name=htt]', 'port'], 'scalar');
  assert.ok(slot?.created);
  equal(((doc.spec as JsonObject).ports as JsonObject[])[2], { name: 'htt', port: null });
  assert.is(lookupCreate(doc, ['spec', 'args', '7'], 'scalar'), undefined);
  assert.is(slotValue(lookupCreate(doc, ['spec', 'ports', '0', 'port'], 'scalar')!), 80);
});

test.run();
