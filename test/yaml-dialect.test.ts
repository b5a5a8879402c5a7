// The YAML dialect of kustomize (issue 12): how go-yaml reads what kubectl kustomize accepts, and
// where it refuses. Expected outputs were taken from kubectl kustomize (v5.5.0) and are compared
// with it again where kubectl is installed.

import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasProgram, kts } from './helpers/cli.js';
import { tree } from './helpers/tree.js';

const kubectl = hasProgram('kubectl');

function buildsAs(files: Record<string, string>, expected: string): void {
  const dir = tree(files);
  const r = kts(['build', dir]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, expected);
  if (!kubectl) return;
  const k = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  assert.is(k.stdout, expected, k.stderr);
}

/** kts fails in one line naming `file` and matching `reason`; so does kubectl. */
function failsAs(files: Record<string, string>, file: string, reason: RegExp): void {
  const dir = tree(files);
  const r = kts(['build', dir]);
  assert.is(r.code, 1, r.stdout);
  assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.ok(r.stderr.includes(file), r.stderr);
  assert.match(r.stderr, reason);
  if (kubectl) assert.is.not(spawnSync('kubectl', ['kustomize', dir]).status, 0);
}

const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';

test('a transformers entry that reads as no YAML document (empty, blank, a comment, [] or {}) is skipped', () => {
  const entries = '- ""\n- " "\n- "# x"\n- "---"\n- "[]"\n- "{}"\n- >\n';
  // an empty list document in a resource file holds no resource either
  buildsAs({ 'kustomization.yaml': `resources: [cm.yaml]\ntransformers:\n${entries}`, 'cm.yaml': `[]\n---\n${cm}` }, cm);
});

test('configuration and JSON patch files are their first YAML document: an empty one is nothing', () => {
  const foo = 'apiVersion: v1\nkind: Foo\nmetadata:\n  name: a\nspec:\n  ref: b\n';
  buildsAs(
    {
      'kustomization.yaml': 'resources: [foo.yaml]\nnamePrefix: p-\nconfigurations: [conf.yaml]\npatches:\n- path: patch.yaml\n  target: {kind: Foo}\n',
      'foo.yaml': foo,
      'conf.yaml': '---\n---\nnamePrefix:\n- path: spec/ref\n',
      'patch.yaml': '---\n# nothing\n---\n- op: add\n  path: /spec/x\n  value: y\n',
    },
    foo.replace('name: a', 'name: p-a'),
  );
  // a replacement file whose first document is empty holds no replacement kustomize accepts
  failsAs(
    { 'kustomization.yaml': 'resources: [cm.yaml]\nreplacements:\n- path: r.yaml\n', 'cm.yaml': cm, 'r.yaml': '---\n---\nsource: {kind: ConfigMap, fieldPath: metadata.name}\ntargets: []\n' },
    'r.yaml',
    /unsupported replacement type/,
  );
});

test('a list key and a merge key with a scalar value fail, as go-yaml fails on them', () => {
  failsAs({ 'kustomization.yaml': 'resources: [cm.yaml]\n', 'cm.yaml': `${cm}data:\n  ? [a, b]\n  : c\n` }, 'cm.yaml:6', /invalid map key/);
  failsAs({ 'kustomization.yaml': 'resources: [cm.yaml]\n', 'cm.yaml': `${cm}data:\n  <<: 5\n  b: c\n` }, 'cm.yaml:6', /map merge requires map or sequence of maps/);
});

test.run();
