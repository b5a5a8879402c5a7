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

test('integers beyond 2^53 keep their digits through resources, strategic merges, replacements and hashes; a JSON 6902 patch makes them float64, as in kustomize', () => {
  const resources = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  replicas: 9223372036854775807
  template:
    spec:
      containers:
      - name: c
        ports:
        - containerPort: 9007199254740999
          protocol: TCP
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: 9007199254740993
data:
  hex: 0x7fffffffffffffff
  u64: 18446744073709551615
  over: 18446744073709551616
  neg: -9223372036854775809
  huge: 1e400
---
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  a: 9007199254740993
  b: [12345678901234567891]
`;
  const kustomization = `resources: [r.yaml]
namePrefix: p-
configMapGenerator:
- name: gen
  literals: [a=9007199254740993]
patches:
- patch: |
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: gen}
    data: {big: 9007199254740995}
- patch: |
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: d}
    spec:
      template:
        spec:
          containers:
          - name: c
            ports:
            - containerPort: 9007199254740999
              hostPort: 18446744073709551615
- target: {kind: Service}
  patch: |
    - {op: add, path: /spec/y, value: 0x7fffffffffffffff}
replacements:
- source: {kind: Deployment, fieldPath: spec.replicas}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [metadata.annotations.r, spec.template.metadata.labels.x]
    options: {create: true}
`;
  buildsAs({ 'kustomization.yaml': kustomization, 'r.yaml': resources }, `apiVersion: v1
data:
  hex: 9223372036854775807
  huge: 1e400
  neg: -9.223372036854776e+18
  over: 1.8446744073709552e+19
  u64: 18446744073709551615
kind: ConfigMap
metadata:
  name: p-9007199254740993
---
apiVersion: v1
data:
  a: "9007199254740993"
  big: 9007199254740995
kind: ConfigMap
metadata:
  name: p-gen-6bbm2t56kb
---
apiVersion: v1
kind: Service
metadata:
  name: p-s
spec:
  a: 9007199254740992
  b:
  - 12345678901234567000
  "y": 9223372036854776000
---
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    r: "9223372036854775807"
  name: p-d
spec:
  replicas: 9223372036854775807
  template:
    metadata:
      labels:
        x: 9223372036854775807
    spec:
      containers:
      - name: c
        ports:
        - containerPort: 9007199254740999
          protocol: TCP
`);
});

test('a number name keeps its text under a prefix; top-level number keys keep their text; nested ones fail, as in kustomize', () => {
  buildsAs(
    {
      'kustomization.yaml': 'resources: [cm.yaml]\nnamePrefix: p-\nnameSuffix: -s\n',
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: .5\n1e3: a\n0x10: b\ntrue: c\n1_000: d\n2001-12-14: e\n',
    },
    '"0x10": b\n"1_000": d\n"1e3": a\n"2001-12-14": e\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p-.5-s\n"true": c\n',
  );
  failsAs({ 'kustomization.yaml': 'resources: [cm.yaml]\n', 'cm.yaml': `${cm}data: {"a": b, 5: c}\n` }, 'cm.yaml:5', /the key 5 is not a string/);
});

test('a repeated key: an error in a resource or configuration file, the last value in kustomization and replacement files, the first in a strategic-merge patch', () => {
  const two = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: "1"\n  y: "2"\n';
  buildsAs(
    {
      'kustomization.yaml': 'resources: [cm.yaml]\nnamePrefix: a-\nnamePrefix: b-\nreplacements:\n- path: r.yaml\npatches:\n- path: p.yaml\n',
      'cm.yaml': two,
      'r.yaml': 'source: {kind: ConfigMap, fieldPath: data.x}\nsource: {kind: ConfigMap, fieldPath: data.y}\ntargets:\n- select: {kind: ConfigMap}\n  fieldPaths: [data.z]\n  options: {create: yes}\n',
      'p.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  w: "3"\n  w: "4"\n',
    },
    'apiVersion: v1\ndata:\n  w: "3"\n  x: "1"\n  "y": "2"\n  z: 2\nkind: ConfigMap\nmetadata:\n  name: b-a\n',
  );
  failsAs({ 'kustomization.yaml': 'resources: [cm.yaml]\n', 'cm.yaml': `${two}  x: "3"\n` }, 'cm.yaml:8', /mapping key already defined/);
});

test('NBSP is text, not a blank; a `...` line ends what kustomize reads of a part between `---` lines', () => {
  buildsAs(
    {
      'kustomization.yaml': 'resources: [cm.yaml]\n',
      'cm.yaml': `${cm}data:\n  x\u00a0: \u00a0z\u00a0\n  y: {k\u00a0: v\u00a0}\n...\ngarbage: [\n---\n${cm.replace('name: a', 'name: b')}... # end\n`,
    },
    'apiVersion: v1\ndata:\n  x\u00a0: \u00a0z\u00a0\n  "y":\n    k\u00a0: v\u00a0\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n',
  );
  failsAs({ 'kustomization.yaml': 'resources: [cm.yaml]\n', 'cm.yaml': `# c\n...\n${cm}` }, 'cm.yaml:2', /did not find expected node content/);
});

test('a tab is a blank inside a line and at the start of a continuation, an error where go-yaml starts a token', () => {
  buildsAs({ 'kustomization.yaml': 'resources: [cm.yaml]\n', 'cm.yaml': `${cm}data:\n  x:\ta\n   \tb\t\n` }, 'apiVersion: v1\ndata:\n  x: a b\nkind: ConfigMap\nmetadata:\n  name: a\n');
  failsAs({ 'kustomization.yaml': 'resources: [cm.yaml]\n', 'cm.yaml': `${cm}\t# c\ndata:\n  x: y\n` }, 'cm.yaml:5', /cannot start any token/);
});

test.run();
