// Expected results are what kustomize v5.5.0 (`kubectl kustomize`) did with the same operations.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KtsError } from '../../errors.js';
import type { JsonObject } from '../resource.js';
import { applyJson6902, parseJson6902 } from './json6902.js';
import { plain } from '../testing.js';

const deployment = (): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } } },
});

function containers(obj: JsonObject): string[] {
  const spec = ((obj.spec as JsonObject).template as JsonObject).spec as JsonObject;
  return (spec.containers as JsonObject[]).map((c) => String(c.name));
}

function errorOf(fn: () => unknown): KtsError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, KtsError);
    return e as KtsError;
  }
  throw new Error('expected an error');
}

test('a patch starting with [ is JSON: quoted numbers stay strings (PatchJson6902TransformerFromJsonFile)', () => {
  const ops = parseJson6902('[\n{"op": "add", "path": "/spec/replica", "value": "999"}\n]', 'jsonpatch.json');
  assert.equal(ops, [{ op: 'add', path: '/spec/replica', value: '999' }]);
  assert.is((applyJson6902(deployment(), ops).spec as JsonObject).replica, '999');
});

test('anything else is YAML, even in a .json file (PatchJson6902TransformerFromYamlFile)', () => {
  const ops = parseJson6902('\n- op: add\n  path: /spec/template/spec/containers/0/command\n  value: ["arg1", "arg2"]\n', 'jsonpatch.json');
  assert.equal(ops, [{ op: 'add', path: '/spec/template/spec/containers/0/command', value: ['arg1', 'arg2'] }]);
  assert.equal(parseJson6902('', 'empty.yaml'), []);
});

test('a patch that is not a list of operation maps is an error naming the file (BadPatchJson6902Transformer)', () => {
  const e = errorOf(() => parseJson6902('thisIsNotAPatch', 'kustomization.yaml'));
  assert.is(e.file, 'kustomization.yaml');
  assert.match(e.message, 'list of operations');
  assert.is(errorOf(() => parseJson6902('[1]', 'p.json')).field, '[0]');
  assert.match(errorOf(() => parseJson6902('[{"op": ', 'p.json')).message, 'invalid JSON patch');
});

test('add, replace, remove, move, copy and test apply in order', () => {
  const out = applyJson6902(deployment(), [
    { op: 'replace', path: '/spec/template/spec/containers/0/name', value: 'my-nginx' },
    { op: 'add', path: '/spec/template/spec/dnsPolicy', value: 'ClusterFirst' },
    { op: 'remove', path: '/spec/template/spec/containers/1' },
    { op: 'move', from: '/spec/template/spec/containers/0', path: '/spec/template/spec/containers/1' },
    { op: 'copy', from: '/metadata/name', path: '/metadata/labels' },
    { op: 'test', path: '/metadata/labels', value: 'web' },
  ]);
  assert.equal(containers(out), ['c', 'my-nginx']);
  assert.is((((out.spec as JsonObject).template as JsonObject).spec as JsonObject).dnsPolicy, 'ClusterFirst');
  assert.is((out.metadata as JsonObject).labels, 'web');
});

test('negative indexes count from the end, and - appends', () => {
  assert.equal(containers(applyJson6902(deployment(), [{ op: 'remove', path: '/spec/template/spec/containers/-1' }])), ['a', 'b']);
  assert.equal(containers(applyJson6902(deployment(), [{ op: 'add', path: '/spec/template/spec/containers/-1', value: { name: 'x' } }])), ['a', 'b', 'c', 'x']);
  assert.equal(containers(applyJson6902(deployment(), [{ op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'x' } }])), ['a', 'b', 'c', 'x']);
  assert.equal(containers(applyJson6902(deployment(), [{ op: 'replace', path: '/spec/template/spec/containers/-2/name', value: 'B' }])), ['a', 'B', 'c']);
});

test('replace of a missing map key adds it and add without a value sets null, as evanphx/json-patch does', () => {
  const out = applyJson6902(deployment(), [
    { op: 'replace', path: '/spec/replicas', value: 3 },
    { op: 'add', path: '/spec/paused' },
  ]);
  assert.equal((out.spec as JsonObject).replicas, 3);
  assert.equal((out.spec as JsonObject).paused, null);
});

test('YAML patches read scalars as YAML 1.1, like sigs.k8s.io/yaml', () => {
  const ops = parseJson6902('- op: add\n  path: /data\n  value: {a: yes, b: off, c: 0644, d: 0x1F, e: 1_000, f: 2001-12-14, g: "1:20", h: 1:20, i: ~}\n', 'p.yaml');
  assert.equal(plain(ops[0]!.value), { a: true, b: false, c: 420, d: 31, e: 1000, f: '2001-12-14', g: '1:20', h: '1:20', i: null });
  assert.is(errorOf(() => parseJson6902('- op: add\n  path: [\n', 'p.yaml')).file, 'p.yaml');
});

test('evanphx/json-patch leniencies: copy of a missing key, test for null, paths without the leading slash', () => {
  const out = applyJson6902(deployment(), [
    { op: 'copy', from: '/spec/missing', path: '/spec/copied' },
    { op: 'test', path: '/spec/absent', value: null },
    { op: 'add', path: 'spec/x', value: 1 },
  ]);
  assert.equal((out.spec as JsonObject).copied, null);
  assert.is(out.x, 1, 'the segment before the first slash is ignored');
  assert.match(errorOf(() => applyJson6902(deployment(), [{ op: 'add', path: 'x', value: 1 }])).message, 'does not exist');
  assert.match(errorOf(() => applyJson6902(deployment(), [{ op: 'remove', path: '' }])).message, 'does not exist');
  assert.match(errorOf(() => applyJson6902(deployment(), [{ op: 'move', from: '/spec', path: '/spec/template/x' }])).message, 'into itself');
  assert.match(errorOf(() => applyJson6902(deployment(), [{ op: 'move', from: '/spec/missing', path: '/spec/x' }])).message, 'does not exist');
});

test('a failing operation names the patch file, its index, op and path', () => {
  const cases: [string, string, string][] = [
    ['remove', '/spec/replicas', 'does not exist'],
    ['add', '/spec/x/y', 'parent of the path does not exist'],
    ['add', '/spec/template/spec/containers/4', 'out of range'],
    ['test', '/metadata/name', 'test failed'],
    ['frob', '/spec', "unknown op 'frob'"],
  ];
  for (const [op, path, reason] of cases) {
    const e = errorOf(() => applyJson6902(deployment(), [{ op: 'add', path: '/metadata/x', value: 1 }, { op, path, value: 'zz' }], { file: 'patch.yaml' }));
    assert.is(e.file, 'patch.yaml');
    assert.is(e.field, '[1]');
    assert.match(e.message, `operation 1 (${op} ${path})`);
    assert.match(e.message, reason);
  }
});

test('the target is not modified', () => {
  const target = deployment();
  const before = JSON.stringify(target);
  applyJson6902(target, [{ op: 'remove', path: '/spec/template/spec/containers/0' }]);
  assert.is(JSON.stringify(target), before);
});

test('replacing the whole document with a non-object is an error', () => {
  assert.match(errorOf(() => applyJson6902(deployment(), [{ op: 'replace', path: '', value: [1] }])).message, 'instead of a resource');
});

test.run();
