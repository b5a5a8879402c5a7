// Shapes real repositories and the synthetic tree found where kts and kubectl kustomize differed
// (issue 12). Expected outputs were taken from kubectl kustomize (v5.5.0) and are compared with
// it again where kubectl is installed; the whole synthetic tree is compared where ../shared is.

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kts } from './helpers/cli.js';
import { buildsAs, kubectl } from './helpers/parity.js';
import { sharedDir } from './helpers/paths.js';
import { tree } from './helpers/tree.js';

const app = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
`;

const layered = (top: string) =>
  tree({
    'base/kustomization.yaml': 'resources: [r.yaml]\n',
    'base/r.yaml': app,
    'mid/kustomization.yaml': 'resources: [../base]\ncommonLabels: {layer: "1"}\n',
    'top/kustomization.yaml': `resources: [../mid]\n${top}`,
  });

const relabelled = (template: string) => `apiVersion: v1
kind: Service
metadata:
  labels:
    layer: "2"
  name: web
spec:
  selector:
    app: web
    layer: "2"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    layer: "2"
  name: web
spec:
  selector:
    matchLabels:
      app: web
      layer: "2"
  template:
    metadata:
      labels:
        app: web
        layer: "${template}"
    spec:
      containers:
      - image: nginx
        name: c
`;

test('labels over commonLabels of a lower layer change the selectors too: kustomize set them as one YAML node', () => {
  buildsAs(join(layered('labels:\n- pairs: {layer: "2"}\n  includeTemplates: true\n'), 'top'), relabelled('2'));
  // not only with includeTemplates: metadata/labels alone reaches the same node
  buildsAs(join(layered('labels:\n- pairs: {layer: "2"}\n'), 'top'), relabelled('2'));
});

test('selectors that carried the label in the input are separate nodes and keep their value', () => {
  const dir = tree({
    'base/kustomization.yaml': 'resources: [r.yaml]\n',
    'base/r.yaml': app.replaceAll('{app: web}', '{app: web, layer: "1"}'),
    'top/kustomization.yaml': 'resources: [../base]\nlabels:\n- pairs: {layer: "2"}\n',
  });
  const r = kts(['build', join(dir, 'top')]);
  assert.is(r.code, 0, r.stderr);
  assert.is((r.stdout.match(/layer: "1"/g) ?? []).length, 3);
  if (kubectl) assert.is(r.stdout, spawnSync('kubectl', ['kustomize', join(dir, 'top')], { encoding: 'utf8' }).stdout);
});

test('a JSON 6902 patch ends the sharing: the labels it did not touch keep their value', () => {
  const dir = layered(
    'patches:\n- target: {kind: Service}\n  patch: |\n    - op: add\n      path: /metadata/annotations/x\n      value: y\nlabels:\n- pairs: {layer: "2"}\n',
  );
  const r = kts(['build', join(dir, 'top')]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /selector:\n    app: web\n    layer: "1"\n/);
  if (kubectl) assert.is(r.stdout, spawnSync('kubectl', ['kustomize', join(dir, 'top')], { encoding: 'utf8' }).stdout);
});

test('a scalar a replacement created is a string after a strategic merge: the next layer writes "2", not 2', () => {
  const layer = (name: string, from: string, value: string, extra = '') => `resources: [${from}]
configMapGenerator:
- name: cfg-${name}
  literals: [tier_boost=${value}]
replacements:
- source: {kind: ConfigMap, name: cfg-${name}, fieldPath: data.tier_boost}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template.metadata.annotations.tier-boost]
    options: {create: true}
${extra}`;
  const smp = 'patches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    spec: {replicas: 2}\n';
  const files = {
    'base/kustomization.yaml': 'resources: [r.yaml]\n',
    'base/r.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    metadata:\n      annotations: {a: b}\n',
    'mid/kustomization.yaml': layer('mid', '../base', '1'),
  };
  const withPatch = tree({ ...files, 'top/kustomization.yaml': layer('top', '../mid', '2', smp) });
  const without = tree({ ...files, 'top/kustomization.yaml': layer('top', '../mid', '2') });
  const boost = (dir: string) => /tier-boost: (.*)/.exec(kts(['build', join(dir, 'top')]).stdout)?.[1];
  assert.is(boost(withPatch), '"2"');
  assert.is(boost(without), '2');
  if (!kubectl) return;
  for (const dir of [withPatch, without]) assert.is(kts(['build', join(dir, 'top')]).stdout, spawnSync('kubectl', ['kustomize', join(dir, 'top')], { encoding: 'utf8' }).stdout);
});

test('JSON 6902 add under /metadata/annotations works without annotations; under /metadata/labels it fails, as in kustomize', () => {
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n';
  const patch = (path: string) => `resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: |\n    - op: add\n      path: ${path}\n      value: x\n`;
  buildsAs(tree({ 'kustomization.yaml': patch('/metadata/annotations/a.b~1c'), 'cm.yaml': cm }), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    a.b/c: x\n  name: b\n');
  const labels = tree({ 'kustomization.yaml': patch('/metadata/labels/x'), 'cm.yaml': cm });
  const r = kts(['build', labels]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /add \/metadata\/labels\/x\): the parent of the path does not exist/);
  if (kubectl) assert.is.not(spawnSync('kubectl', ['kustomize', labels]).status, 0);
});

test('a name written as a plain timestamp is its text for a patch target and a suffix, and prints as a time where untouched (fuzz seed 3)', () => {
  const dir = tree({
    'kustomization.yaml': 'resources: [r.yaml]\nnameSuffix: -x\npatches:\n- target: {kind: ConfigMap, name: 2001-12-14}\n  patch: |-\n    - op: add\n      path: /data/e\n      value: patched\n',
    'r.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 2001-12-14\n  labels: {a: 2001-12-14}\ndata:\n  d: 2001-12-14\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 2002-01-02\n',
  });
  // the JSON patch rebuilds its resource from JSON, where the name is the time's text
  buildsAs(
    dir,
    'apiVersion: v1\ndata:\n  d: "2001-12-14T00:00:00Z"\n  e: patched\nkind: ConfigMap\nmetadata:\n  labels:\n    a: "2001-12-14T00:00:00Z"\n  name: 2001-12-14T00:00:00Z-x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 2002-01-02-x\n',
  );
});

test('the synthetic tree (gen-tree, 200 resources, 3 layers) builds byte-identical to kubectl kustomize', () => {
  if (!sharedDir || !kubectl) {
    console.log('skipped: needs ../shared/perf and kubectl');
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 'kts-gentree-'));
  const gen = spawnSync(join(sharedDir, 'perf', 'gen-tree'), ['--resources', '200', '--depth', '3', '--out', out], { encoding: 'utf8' });
  assert.is(gen.status, 0, gen.stderr);
  const dir = gen.stdout.trim().split('\n').pop()!;
  const ours = kts(['build', dir]);
  assert.is(ours.code, 0, ours.stderr);
  const theirs = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.ok(ours.stdout === theirs.stdout, 'kts and kubectl kustomize differ on the synthetic tree');
});

test.run();
