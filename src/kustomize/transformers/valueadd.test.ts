import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { equal } from '../testing.js';
import { newResource, type JsonObject } from '../resource.js';
import { parseYamlDocuments } from '../yaml/parse.js';
import { applyValueAdd, insertPathPart, parseValueAdd } from './valueadd.js';
import { plain } from '../testing.js';

const RESOURCES = `
apiVersion: iam.cnrm.cloud.google.com/v1beta1
kind: IAMPolicyMember
metadata: {name: iap-tunnel-red}
spec:
  resourceRef: {external: projects/data, kind: Project}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: not-important}
spec:
  template:
    spec:
      containers: [{name: istio-proxy, image: docker.io/istio/proxyv2}]
`;

const ctx = (files: Record<string, string> = {}) => ({
  file: 'transformer.yaml',
  field: 'transformers[0]',
  rootName: 'overlay',
  read: (p: string) => ({ text: files[p]!, file: p }),
});

test('insertPathPart: kyaml filesys table', () => {
  const cases: [string, number, string][] = [
    ['', 5, 'PEACH'],
    ['/', 0, '/PEACH'],
    ['pie', 0, 'PEACH/pie'],
    ['/pie', -1, '/PEACH/pie'],
    ['raw', 1, 'raw/PEACH'],
    ['/raw', 9, '/raw/PEACH'],
    ['a/nice/warm/pie', 3, 'a/nice/warm/PEACH/pie'],
    ['/a/nice/warm/pie', 3, '/a/nice/warm/PEACH/pie'],
  ];
  for (const [path, pos, want] of cases) assert.is(insertPathPart(path, pos, 'PEACH'), want, `${path} @${pos}`);
});

test('targets from targetFilePath: namespace for all, a file-path insert for one kind (kustomize plugin test)', () => {
  const cfg = parseValueAdd(
    { apiVersion: 'builtin', kind: 'ValueAddTransformer', value: 'area-51', targetFilePath: 'targets.yaml' },
    ctx({ 'targets.yaml': 'targets:\n- fieldPath: metadata/namespace\n- selector: {kind: IAMPolicyMember}\n  fieldPath: spec/resourceRef/external\n  filePathPosition: 2\n' }),
  );
  const res = parseYamlDocuments(RESOURCES, 'r.yaml').map((o) => newResource(o as JsonObject));
  applyValueAdd(res, cfg);
  equal(res[0]!.obj.metadata, { name: 'iap-tunnel-red', namespace: 'area-51' });
  equal((res[0]!.obj.spec as JsonObject).resourceRef, { external: 'projects/area-51/data', kind: 'Project' });
  equal(res[1]!.obj.metadata, { name: 'not-important', namespace: 'area-51' });
});

test('creates missing fields, replaces scalars, refuses maps; the value defaults to the directory name', () => {
  const cfg = parseValueAdd({ value: '  ', targets: [{ selector: { kind: 'Deployment' }, fieldPath: 'spec/template/spec/containers/[name=istio-proxy]/env\\/x' }, { fieldPath: 'metadata/labels/team' }] }, ctx());
  assert.is(cfg.value, 'overlay');
  const res = parseYamlDocuments(RESOURCES, 'r.yaml').map((o) => newResource(o as JsonObject));
  applyValueAdd(res, cfg);
  const c = ((res[1]!.obj.spec as JsonObject).template as JsonObject).spec as { containers: JsonObject[] };
  equal(c.containers[0], { name: 'istio-proxy', image: 'docker.io/istio/proxyv2', 'env/x': 'overlay' });
  equal((res[0]!.obj.metadata as JsonObject).labels, { team: 'overlay' });
  assert.throws(() => applyValueAdd(res, parseValueAdd({ value: 'v', targets: [{ fieldPath: 'spec' }] }, ctx())), /expected a scalar field, got a map/);
});

test('config errors', () => {
  assert.throws(() => parseValueAdd({ value: 'v' }, ctx()), /must specify at least one target/);
  assert.throws(() => parseValueAdd({ value: 'v', targets: [{ selector: { kind: 'X' } }] }, ctx()), /fieldPath cannot be empty/);
  assert.throws(() => parseValueAdd({ value: 'v', targets: [{ fieldPath: 'a', filePathPosition: -1 }] }, ctx()), /cannot be negative/);
});

test.run();
