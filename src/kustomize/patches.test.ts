import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { equal, plain } from './testing.js';
import { KtsError } from '../errors.js';
import { Loader } from './loader.js';
import { applyPatchTransformer, json6902Transformer, loadPatchTransformer, strategicMergeTransformer } from './patches.js';
import { ResMap } from './resmap.js';
import { newResource, type JsonObject } from './resource.js';

const ref = { file: 'kustomization.yaml', field: 'patches[0]' };
const fail = (m: string): never => {
  throw new KtsError('plugin-config', m, ref);
};
const ldr = (files: Record<string, string> = {}): Loader => {
  const d = mkdtempSync(join(tmpdir(), 'kts-patch-'));
  for (const [n, c] of Object.entries(files)) writeFileSync(join(d, n), c);
  return Loader.at(d);
};
const cm = (name: string, data: JsonObject = {}) => newResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
const map = () => new ResMap([cm('a', { k: '1' }), cm('b', { k: '1' }), newResource({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a', labels: { app: 'x' } } })]);
const data = (rm: ResMap) => rm.resources().map((r) => r.obj.data ?? null);
const opts = { allowNameChange: false, allowKindChange: false };

test('an untargeted strategic-merge patch applies to the resource with its id, found by any previous name', () => {
  const rm = map();
  rm.resources()[1]!.previous.push({ group: '', version: 'v1', kind: 'ConfigMap', namespace: '', name: 'b' });
  (rm.resources()[1]!.obj.metadata as JsonObject).name = 'p-b';
  rm.invalidate();
  const p = loadPatchTransformer({ path: '', patch: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  k: "2"\n', options: opts }, ldr(), fail, ref);
  applyPatchTransformer(rm, p);
  equal(data(rm), [{ k: '1' }, { k: '2' }, null]);
  assert.is((rm.resources()[1]!.obj.metadata as JsonObject).name, 'p-b');
});

test("a strategic-merge patch's plain null annotation deletes it, a quoted \"null\" sets it (checked with kubectl)", () => {
  const rm = new ResMap([newResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', annotations: { a: 'x', b: 'x', c: 'x' } } })]);
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    a: null\n    b: ~\n    n: 1.50\n    q: "null"\n    t: \'~\'\n';
  applyPatchTransformer(rm, loadPatchTransformer({ path: '', patch: text, options: opts }, ldr(), fail, ref));
  assert.equal(plain((rm.resources()[0]!.obj.metadata as JsonObject).annotations), { c: 'x', n: '1.50', q: 'null', t: '~' });
  const flow = new ResMap([newResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', annotations: { a: 'x', b: 'x', e: 'x' } } })]);
  const flowText = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: {a: "null", b: null, e: NULL}\n';
  applyPatchTransformer(flow, loadPatchTransformer({ path: '', patch: flowText, options: opts }, ldr(), fail, ref));
  assert.equal(plain((flow.resources()[0]!.obj.metadata as JsonObject).annotations), { a: 'null' });
});

test('a repeated key in a strategic-merge patch is accepted and the first one wins, as in kustomize (checked with kubectl)', () => {
  for (const data of ['data:\n  k: {a: 1}\n  j: x\n  k: "2"\n', 'data: {k: {a: 1}, j: x, k: "2"}\nz: &q 1\n']) {
    const rm = new ResMap([cm('a', { b: '0' })]);
    applyPatchTransformer(rm, loadPatchTransformer({ path: '', patch: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n${data}`, options: opts }, ldr(), fail, ref));
    assert.equal(plain(rm.resources()[0]!.obj.data), { b: '0', k: { a: 1 }, j: 'x' });
  }
});

test('a patch whose id matches nothing is an error', () => {
  const p = loadPatchTransformer({ path: '', patch: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: zz\n', options: opts }, ldr(), fail, ref);
  assert.throws(() => applyPatchTransformer(map(), p), /no matches for Id ConfigMap\.v1\.\[noGrp\]\/zz\.\[noNs\]/);
});

test('a target selects the resources; JSON patches need one', () => {
  const rm = map();
  const sm = loadPatchTransformer({ path: '', patch: 'kind: X\nmetadata:\n  name: any\ndata:\n  k: "3"\n', target: { kind: 'ConfigMap' }, options: opts }, ldr(), fail, ref);
  applyPatchTransformer(rm, sm);
  equal(data(rm), [{ k: '3' }, { k: '3' }, null]);
  const json = loadPatchTransformer({ path: 'p.yaml', patch: '', target: { labelSelector: 'app=x' }, options: opts }, ldr({ 'p.yaml': '- op: add\n  path: /spec\n  value: {replicas: 2}\n' }), fail, ref);
  applyPatchTransformer(rm, json);
  equal(rm.resources()[2]!.obj.spec, { replicas: 2 });
  // a JSON patch stores the previous id (kustomize does, so name references follow a renaming patch)
  assert.is(rm.resources()[2]!.previous.length, 1);
  const untargeted = loadPatchTransformer({ path: '', patch: '[{"op": "remove", "path": "/data"}]', options: opts }, ldr(), fail, ref);
  assert.throws(() => applyPatchTransformer(rm, untargeted), /must specify a target for JSON patch/);
});

test('config errors: neither or both of patch and path; text that is no patch', () => {
  assert.throws(() => loadPatchTransformer({ path: '', patch: '  ', options: opts }, ldr(), fail, ref), /must specify one of patch and path/);
  assert.throws(() => loadPatchTransformer({ path: 'p.yaml', patch: 'x: 1', options: opts }, ldr(), fail, ref), /can't be set at the same time/);
  assert.throws(() => loadPatchTransformer({ path: '', patch: 'thisIsNotAPatch', options: opts }, ldr(), fail, ref), /unable to parse SM or JSON patch/);
  assert.throws(() => loadPatchTransformer({ path: 'missing.yaml', patch: '', options: opts }, ldr(), fail, ref), (e: unknown) => e instanceof KtsError && /missing\.yaml/.test(e.message));
});

test('a deleting patch removes the resource; more documents after it in one entry are refused (kustomize crashes)', () => {
  const rm = map();
  const del = '$patch: delete\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';
  applyPatchTransformer(rm, loadPatchTransformer({ path: '', patch: del, options: opts }, ldr(), fail, ref));
  assert.is(rm.size, 2);
  const two = `${del}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n`;
  assert.throws(() => applyPatchTransformer(map(), loadPatchTransformer({ path: '', patch: two, options: opts }, ldr(), fail, ref)), /may not hold further patches/);
  // the legacy patchesStrategicMerge field has no such problem
  const rm2 = map();
  strategicMergeTransformer([two], '', ldr(), fail, ref)(rm2);
  assert.is(rm2.size, 2);
});

test('a patchesStrategicMerge entry that reads as no document (empty, a comment) is skipped; one that is no YAML map is a file (checked with kubectl)', () => {
  const patch = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: "2"\n';
  const rm = map();
  strategicMergeTransformer(['', '# nothing', 'p.yaml', patch], '', ldr({ 'p.yaml': patch.replace('"2"', '"3"') }), fail, ref)(rm);
  equal(data(rm), [{ k: '2' }, { k: '1' }, null]);
  assert.throws(() => strategicMergeTransformer([''], '', ldr(), fail, ref), /patch appears to be empty; files=\[\]/);
});

test('allowNameChange renames and remembers the old id', () => {
  const rm = map();
  const p = loadPatchTransformer({ path: '', patch: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\n', target: { name: 'b', kind: 'ConfigMap' }, options: { allowNameChange: true } }, ldr(), fail, ref);
  applyPatchTransformer(rm, p);
  assert.is((rm.resources()[1]!.obj.metadata as JsonObject).name, 'new');
  assert.is(rm.getByAnyId({ group: '', version: 'v1', kind: 'ConfigMap', namespace: '', name: 'b' })[0], rm.resources()[1]);
});

test('legacy PatchJson6902Transformer validates its config', () => {
  assert.throws(() => json6902Transformer({ path: '', jsonOp: '[]' }, ldr(), fail, ref), /must specify a target/);
  assert.throws(() => json6902Transformer({ target: { name: 'a' }, path: '', jsonOp: '' }, ldr(), fail, ref), /empty file path and empty jsonOp/);
  assert.throws(() => json6902Transformer({ target: { name: 'a' }, path: '', jsonOp: 'thisIsNotAPatch' }, ldr(), fail, ref), /decoding/);
});

test.run();
