// Merge and patch shapes where kts and kubectl kustomize (v5.5.0) differed (issue 12): how a null
// was written, annotations after a JSON patch, vars, a missing apiVersion. Expected outputs were
// taken from kubectl kustomize and are compared with it again where kubectl is installed.

import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kts } from './helpers/cli.js';
import { buildsAs, failsAsKubectl, kubectl } from './helpers/parity.js';
import { tree } from './helpers/tree.js';

const nulls = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {a: , b: null}
spec:
  replicas:
  selector:
    matchLabels:
  strategy: {type: }
  template:
    spec:
      containers:
      - name: c
        image: nginx
        args:
        env:
        - {name: A, value: }
        - {name: B, value: ~}
      tolerations:
      - {key: k, value: }
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: cm
  data:
    a:
`;

const labelPatch = '- target: {name: p-.*}\n  patch: |\n    apiVersion: v1\n    kind: Any\n    metadata: {name: any, labels: {x: "1"}}\n';

const overlays = (top: string) =>
  tree({
    'base/kustomization.yaml': 'resources: [r.yaml]\n',
    'base/r.yaml': nulls,
    'mid/kustomization.yaml': 'resources: [../base]\nnamePrefix: p-\n',
    'top/kustomization.yaml': `resources: [../mid]\npatches:\n${top}`,
  });

test('a strategic merge drops the fields written `key:` from the patched resource, everywhere it walks; `null` and `~` stay', () => {
  // list items merged by key lose them too; items of a list the merge replaces (tolerations) and a
  // List's items (decoded through JSON) keep them
  buildsAs(
    `${overlays(labelPatch)}/top`,
    `apiVersion: v1
data:
  a: null
kind: ConfigMap
metadata:
  labels:
    x: "1"
  name: p-cm
---
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    b: "null"
  labels:
    x: "1"
  name: p-web
spec:
  selector: {}
  strategy: {}
  template:
    spec:
      containers:
      - env:
        - name: A
        - name: B
          value: null
        image: nginx
        name: c
      tolerations:
      - key: k
        value: ""
`,
  );
});

test('a merge-list element whose key is written `name:` is found by that empty key and kept; `name: null` is not (fuzz seed 3)', () => {
  const resource = (name: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name:${name}\n        image: nginx\n      - name: b\n        image: b\n`;
  const files = (name: string) => ({
    'kustomization.yaml': 'resources: [r.yaml]\npatches: [{path: p.yaml}]\n',
    'r.yaml': resource(name),
    'p.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  annotations: {x: y}\n',
  });
  const head = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  annotations:\n    x: "y"\n  name: d\nspec:\n  template:\n    spec:\n';
  buildsAs(tree(files('')), `${head}      containers:\n      - image: nginx\n      - image: b\n        name: b\n`);
  // kyaml finds no element for a key written `null`: it drops the list's elements
  buildsAs(tree(files(' null')), `${head}      containers: []\n`);
});

test('a merge list of scalars matches "" exactly, not as a wildcard: finalizers with an empty one keep the others', () => {
  const files = (finalizers: string, patch: string) => ({
    'kustomization.yaml': 'resources: [r.yaml]\npatches: [{path: p.yaml}]\n',
    'r.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  finalizers: ${finalizers}\n`,
    'p.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  ${patch}\n`,
  });
  buildsAs(
    tree(files('[a, b, a, "", c]', 'labels: {x: y}')),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  finalizers:\n  - a\n  - b\n  - ""\n  - c\n  labels:\n    x: "y"\n  name: c\n',
  );
  buildsAs(tree(files('["", a]', 'finalizers: ["", z]')), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  finalizers:\n  - ""\n  - z\n  - a\n  name: c\n');
});

test('after a JSON 6902 patch every null is a written null: a strategic merge keeps them', () => {
  const json = '- target: {kind: Deployment}\n  patch: \'[{"op": "add", "path": "/metadata/labels", "value": {"y": "2"}}]\'\n';
  buildsAs(
    `${overlays(json + labelPatch)}/top`,
    `apiVersion: v1
data:
  a: null
kind: ConfigMap
metadata:
  labels:
    x: "1"
  name: p-cm
---
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    a: ""
    b: "null"
  labels:
    x: "1"
    "y": "2"
  name: p-web
spec:
  replicas: null
  selector:
    matchLabels: null
  strategy:
    type: ""
  template:
    spec:
      containers:
      - args: null
        env:
        - name: A
          value: ""
        - name: B
          value: null
        image: nginx
        name: c
      tolerations:
      - key: k
        value: ""
`,
  );
});

test('a field written `key:` or `{key: }` in a strategic-merge patch deletes the field', () => {
  const dir = tree({
    'kustomization.yaml': 'resources: [cm.yaml]\npatches:\n- patch: |\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: cm, labels: {l: , m: }}\n    data:\n      k:\n      j:\n',
    'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels: {l: "1"}\ndata:\n  k: v\n  i: v\n',
  });
  buildsAs(dir, 'apiVersion: v1\ndata:\n  i: v\nkind: ConfigMap\nmetadata:\n  labels: {}\n  name: cm\n');
});

test('a strategic merge gives a resource without apiVersion (or a null one) `apiVersion: null`; "" stays; a map fails', () => {
  const patched = (apiVersion: string) =>
    tree({
      'kustomization.yaml': 'resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: |\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: d, labels: {a: b}}\n',
      'cm.yaml': `${apiVersion}kind: ConfigMap\nmetadata:\n  name: d\n`,
    });
  const out = (apiVersion: string) => `apiVersion: ${apiVersion}\nkind: ConfigMap\nmetadata:\n  labels:\n    a: b\n  name: d\n`;
  for (const written of ['', 'apiVersion: null\n', 'apiVersion: ~\n', 'apiVersion:\n']) buildsAs(patched(written), out('null'));
  buildsAs(patched('apiVersion: ""\n'), out('""'));
  buildsAs(patched('apiVersion: 1\n'), out('1'));
  failsAsKubectl(patched('apiVersion: {a: 1}\n'), /wrong node kind: expected MappingNode but got ScalarNode/);
});

test('the prefix and suffix plugins refuse a config without fieldSpecs', () => {
  const dir = tree({
    'kustomization.yaml': 'resources: [s.yaml]\ntransformers:\n- |-\n  apiVersion: builtin\n  kind: PrefixSuffixTransformer\n  metadata:\n    name: x\n  prefix: baked-\n  fieldSpecs:\n',
    's.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: apple\n',
  });
  failsAsKubectl(dir, /PrefixSuffixTransformer\.builtin\.\[noGrp\]\/x\.\[noNs\] fails configuration: fieldSpecs is not expected to be nil/);
});

test('a resource a patch left without a name fails the build, unless a later layer names it again', () => {
  const removeName = 'patches:\n- target: {kind: ConfigMap}\n  patch: \'[{"op": "remove", "path": "/metadata/name"}]\'\n';
  const files = (base: string, top: string) =>
    tree({
      'base/kustomization.yaml': `resources: [cm.yaml]\n${base}`,
      'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  n: e\n',
      'top/kustomization.yaml': `resources: [../base]\n${top}`,
    });
  failsAsKubectl(`${files(removeName, '')}/top`, /missing metadata\.name in ConfigMap object/);
  // kustomize skips the empty name in its previous-name list, which then panics
  failsAsKubectl(`${files(removeName, 'namespace: x\n')}/top`, /without metadata\.name cannot be renamed or moved/);
  failsAsKubectl(`${files(removeName, 'namePrefix: p-\n')}/top`, /without metadata\.name cannot be renamed or moved/);
  const rename = 'replacements:\n- source: {kind: ConfigMap, fieldPath: data.n}\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [metadata.name]\n    options: {create: true}\n';
  buildsAs(`${files(removeName, rename)}/top`, 'apiVersion: v1\ndata:\n  "n": e\nkind: ConfigMap\nmetadata:\n  name: e\n');
  // a list kind needs no name, there as here
  buildsAs(tree({ 'kustomization.yaml': 'resources: [l.yaml]\nnamespace: x\n', 'l.yaml': 'apiVersion: v1\nkind: FooList\nmetadata: {}\n' }), 'apiVersion: v1\nkind: FooList\nmetadata:\n  namespace: x\n');
});

test('after a JSON 6902 patch the annotations are the text of their JSON value: 1.50 is "1.5", True "true", ~ "null", 1e6 "1e+06"', () => {
  const dir = tree({
    'kustomization.yaml':
      'resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: |\n    - {op: add, path: /metadata/annotations/n1, value: 1000000}\n    - {op: add, path: /metadata/annotations/n2, value: {x: 1}}\n    - {op: add, path: /metadata/annotations/n3}\n',
    'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  annotations:\n    a: 1.50\n    b: True\n    c: ~\n    d: 0x1F\n    e: "1.50"\n    f: 2001-12-14\n    g:\n    h: 123456789\n    i: yes\n',
  });
  buildsAs(
    dir,
    `apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    a: "1.5"
    b: "true"
    c: "null"
    d: "31"
    e: "1.50"
    f: "2001-12-14T00:00:00Z"
    g: "null"
    h: "1.23456789e+08"
    i: "yes"
    n1: "1e+06"
    n2: ""
    n3: "null"
  name: cm
`,
  );
  const inf = tree({
    'kustomization.yaml': 'resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: \'[{"op": "add", "path": "/data", "value": {}}]\'\n',
    'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  annotations:\n    a: .inf\n',
  });
  failsAsKubectl(inf, /metadata\.annotations\.a: json: unsupported value: \+Inf/);
});

const varSource = `apiVersion: v1
kind: ConfigMap
metadata:
  name: src
  annotations: {a: 1.50, b: True, c: ~, d: , e: yes, f: "1.50", g: 012}
data:
  h:
  i: ~
  j: x
---
apiVersion: v1
kind: Pod
metadata:
  name: use
spec:
  containers:
  - name: c
    image: i
    args: ["$(A)", "x$(A)", "$(B)", "x$(B)", "$(C)", "$(D)", "x$(D)", "$(E)", "$(F)", "$(G)", "$(H)", "x$(H)", "$(I)", "$(J)"]
`;

const varsOf = (fields: string[]) =>
  `vars:\n${fields.map((f) => `- {name: ${f.slice(-1).toUpperCase()}, objref: {kind: ConfigMap, name: src, apiVersion: v1}, fieldref: {fieldpath: ${f}}}`).join('\n')}\n`;
const allVars = varsOf([...'abcdefg'].map((k) => `metadata.annotations.${k}`).concat([...'hij'].map((k) => `data.${k}`)));
const args = (values: string[]) => `spec:\n  containers:\n  - args:\n${values.map((v) => `    - ${v}\n`).join('')}    image: i\n    name: c\n`;

test('a var reads a plain annotation by its YAML type (Atoi, ParseFloat) and a null as its text, as kustomize does', () => {
  const dir = tree({ 'kustomization.yaml': `resources: [r.yaml]\n${allVars}`, 'r.yaml': varSource });
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: use\n';
  const cm = 'apiVersion: v1\ndata:\n  h: null\n  i: null\n  j: x\nkind: ConfigMap\nmetadata:\n  annotations:\n    a: "1.50"\n    b: "True"\n    c: "~"\n    d: ""\n    e: "yes"\n    f: "1.50"\n    g: "012"\n  name: src\n---\n';
  buildsAs(dir, `${cm}${pod}${args(['1.5', 'x1.5', 'true', 'xtrue', '"~"', '""', 'x', '"yes"', '"1.50"', '12', '""', 'x', '"~"', 'x'])}`);
  // after a JSON patch the annotations are strings, and the null it set reads "null"
  const patched = tree({ 'kustomization.yaml': `resources: [r.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: |\n    - {op: replace, path: /data/j}\n${allVars}`, 'r.yaml': varSource });
  const r = kts(['build', patched]);
  assert.ok(r.stdout.endsWith(args(['"1.5"', 'x1.5', '"true"', 'xtrue', '"null"', '""', 'x', '"yes"', '"1.50"', '"10"', '"null"', 'xnull', '"null"', '"null"'])), r.stdout + r.stderr);
  if (kubectl) assert.is(r.stdout, spawnSync('kubectl', ['kustomize', patched], { encoding: 'utf8' }).stdout);
  // strconv refuses these texts: kustomize reports the field as not found
  for (const text of ['0x1F', '1_000', '.inf', '12345678901234567890']) {
    const dir2 = tree({ 'kustomization.yaml': `resources: [r.yaml]\n${varsOf(['metadata.annotations.a'])}`, 'r.yaml': varSource.replace('a: 1.50', `a: ${text}`).replace(/args: .*/, 'args: ["$(A)"]') });
    failsAsKubectl(dir2, /not found in corresponding resource/);
  }
});

test('patchesStrategicMerge copies the labels and annotations of a patch as strings: a null sets its text there; `patches:` deletes', () => {
  const files = (entry: string) =>
    tree({
      'kustomization.yaml': `resources: [cm.yaml]\n${entry}\n`,
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels: {l: v, m: v}\n  annotations:\n    d: ""\n    x: v\n    y: v\n    z: v\ndata:\n  k: v\n  j: v\n',
      'p.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels:\n    l: null\n    o: {a: 1}\n  annotations:\n    x: null\n    y: ~\n    z:\n    w: 0x1F\ndata:\n  k: null\n',
    });
  const head = 'apiVersion: v1\ndata:\n  j: v\nkind: ConfigMap\nmetadata:\n  annotations:\n    d: ""\n    w: "0x1F"\n';
  buildsAs(files('patchesStrategicMerge: [p.yaml]'), `${head}    x: "null"\n    "y": "~"\n    z: ""\n  labels:\n    l: "null"\n    m: v\n    o: ""\n  name: cm\n`);
  buildsAs(files('patches: [{path: p.yaml}]'), `${head}  labels:\n    m: v\n    o:\n      a: 1\n  name: cm\n`);
});

test('a strategic merge keeps a name written as a plain number', () => {
  const dir = tree({
    'kustomization.yaml': 'resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: |\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: x, labels: {a: b}}\n',
    'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: .5\n',
  });
  buildsAs(dir, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    a: b\n  name: 0.5\n');
});

test('a list kind without items fails on a scalar or list metadata, as kustomize does', () => {
  const list = (meta: string) => tree({ 'kustomization.yaml': 'resources: [r.yaml]\n', 'r.yaml': `apiVersion: example.com/v1\nkind: FooList\n${meta}` });
  for (const meta of ['metadata: x\n', 'metadata: 5\n', 'metadata: [a, b]\n']) failsAsKubectl(list(meta), /metadata: wrong node kind: expected MappingNode/);
  buildsAs(list(''), 'apiVersion: example.com/v1\nkind: FooList\nmetadata: {}\n');
  buildsAs(list('metadata: null\n'), 'apiVersion: example.com/v1\nkind: FooList\nmetadata: null\n');
});

test.run();
