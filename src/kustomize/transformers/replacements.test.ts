// Expected values pinned against kubectl kustomize v5.5.0 on the same inputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { equal } from '../testing.js';
import { KtsError } from '../../errors.js';
import { isDataMap, newResource, type JsonObject, type Resource } from '../resource.js';
import { parseYamlDocuments } from '../yaml/parse.js';
import { applyReplacements, loadReplacements, type Replacement } from './replacements.js';
import { plain } from '../testing.js';

function resources(yaml: string): Resource[] {
  return parseYamlDocuments(yaml, 'res.yaml').map((o) => newResource(o as JsonObject));
}

function replacements(yaml: string): Replacement[] {
  const [doc] = parseYamlDocuments(yaml, 'kustomization.yaml');
  return loadReplacements(doc!, { file: 'kustomization.yaml', field: 'replacements', inKustomization: true }, () => {
    throw new Error('no files here');
  });
}

function run(res: string, repl: string): JsonObject[] {
  return applyReplacements(resources(res), replacements(repl)).map((r) => r.obj);
}

function fails(res: string, repl: string, message: RegExp): KtsError {
  try {
    run(res, repl);
  } catch (e) {
    assert.instance(e, KtsError);
    assert.match((e as KtsError).message, message);
    return e as KtsError;
  }
  assert.unreachable('expected an error');
  throw new Error('unreachable');
}

const DEPLOY = `
apiVersion: v1
kind: ConfigMap
metadata: {name: src}
data: {str: "9090", img: "nginx:1.2", text: hello}
spec: {port: 8080, m: {a: 1, b: two}, l: [1, two]}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: dep
  annotations: {a.b/c: old}
spec:
  replicas: 3
  strField: hello
  nullField: null
  boolField: false
  mapField: {x: 1}
  listField: [1, 2]
  template:
    spec:
      containers:
      - name: nginx
        image: old
        args: [a, b, c]
      - name: side
        image: old2
`;

function dep(out: JsonObject[]): JsonObject {
  return out[1]!;
}

function spec(out: JsonObject[]): JsonObject {
  return dep(out).spec as JsonObject;
}

function containers(out: JsonObject[]): JsonObject[] {
  return ((spec(out).template as JsonObject).spec as JsonObject).containers as JsonObject[];
}

test('copies a source field into the selected targets by list index', () => {
  const out = run(
    DEPLOY,
    `
- source: {kind: Deployment, fieldPath: spec.template.spec.containers.0.image}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.1.image]
`,
  );
  equal(containers(out).map((c) => c.image), ['old', 'old']);
});

test('a scalar target keeps its type; a created field reads the text as plain YAML', () => {
  const out = run(
    DEPLOY,
    `
- source: {kind: ConfigMap, fieldPath: data.str}
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.replicas
    - spec.strField
    - metadata.annotations.[a.b/c]
- source: {kind: ConfigMap, fieldPath: spec.port}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.0.args.1, spec.created.deep]
    options: {create: true}
`,
  );
  assert.is(spec(out).replicas, 9090);
  assert.is(spec(out).strField, '9090');
  equal((dep(out).metadata as JsonObject).annotations, { 'a.b/c': '9090' });
  equal(containers(out)[0]!.args, ['a', '8080', 'c']);
  equal(spec(out).created, { deep: 8080 });
});

test("an annotation target takes the source's text as written (True, 0x1F), even when created", () => {
  const out = run(
    `
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  annotations: {t: True, h: 0x1F}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  annotations: {exist: 'a,b'}
`,
    `
- source: {kind: ConfigMap, name: a, fieldPath: metadata.annotations.t}
  targets:
  - select: {name: b}
    fieldPaths: [metadata.annotations.t, data.t]
    options: {create: true}
- source: {kind: ConfigMap, name: a, fieldPath: metadata.annotations.h}
  targets:
  - select: {name: b}
    fieldPaths: [metadata.annotations.d, metadata.annotations.exist]
    options: {create: true, delimiter: ",", index: 1}
`,
  );
  const b = out[1]!;
  equal((b.metadata as JsonObject).annotations, { exist: 'a,0x1F', t: 'True', d: ',0x1F' });
  equal(b.data, { t: true });
});

test('a text that does not fit the target type is an error', () => {
  fails(
    DEPLOY,
    `
- source: {kind: ConfigMap, fieldPath: data.str}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.boolField]
`,
    /cannot write "9090" into a boolean field/,
  );
  fails(
    DEPLOY,
    `
- source: {kind: ConfigMap, fieldPath: data.img}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.nullField]
`,
    /cannot write "nginx:1.2" into a null field/,
  );
});

test('map and list targets are replaced whole; a scalar target takes a map as empty text', () => {
  const out = run(
    DEPLOY,
    `
- source: {kind: ConfigMap, fieldPath: spec.m}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.listField, spec.strField]
- source: {kind: ConfigMap, fieldPath: spec.l}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.mapField]
`,
  );
  equal(spec(out).listField, { a: 1, b: 'two' });
  equal(spec(out).mapField, [1, 'two']);
  assert.is(spec(out).strField, '');
  // the copies are independent of the source, and data maps (no lookup reaches Object.prototype)
  (spec(out).listField as JsonObject).a = 5;
  equal((out[0]!.spec as JsonObject).m, { a: 1, b: 'two' });
  assert.ok(isDataMap(spec(out).listField));
});

test('[k=v] in a target is an unanchored regex and * walks every element', () => {
  const out = run(
    DEPLOY,
    `
- source: {kind: ConfigMap, fieldPath: data.img}
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.[name=id].image
    - spec.template.spec.containers.0.args.*
`,
  );
  equal(containers(out).map((c) => c.image), ['old', 'nginx:1.2']);
  equal(containers(out)[0]!.args, ['nginx:1.2', 'nginx:1.2', 'nginx:1.2']);
});

test('* over a map and a missing target field are errors', () => {
  fails(
    DEPLOY,
    `
- source: {kind: ConfigMap, fieldPath: data.img}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.mapField.*]
`,
    /unable to find field "spec.mapField.\*" in replacement target .*expected SequenceNode but got MappingNode/,
  );
  const e = fails(
    DEPLOY,
    `
- source: {kind: ConfigMap, fieldPath: data.img}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.missing.deep]
`,
    /unable to find field "spec.missing.deep" in replacement target apps\/v1 Deployment dep$/,
  );
  assert.is(e.file, 'kustomization.yaml');
  assert.is(e.field, 'replacements[0].targets[0]');
  fails(
    DEPLOY,
    `
- source: {kind: ConfigMap, fieldPath: data.img}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.5.image]
`,
    /index 5 specified but only 2 elements found/,
  );
});

test('create makes maps, list elements by [k=v], scalars by [=v] and the element one past the end', () => {
  const out = run(
    DEPLOY,
    `
- source: {kind: ConfigMap, fieldPath: data.str}
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.0.args.[=zz]
    - spec.template.spec.containers.[name=new].image
    - spec.newList.[name=x].y
    - spec.newList2.0.y
    - spec.template.spec.containers.*.newField
    options: {create: true}
`,
  );
  equal(containers(out), [
    { name: 'nginx', image: 'old', args: ['a', 'b', 'c', 9090], newField: 9090 },
    { name: 'side', image: 'old2', newField: 9090 },
    { name: 'new', image: 9090, newField: 9090 },
  ]);
  equal(spec(out).newList, [{ name: 'x', y: 9090 }]);
  equal(spec(out).newList2, [{ y: 9090 }]);
  fails(
    DEPLOY,
    `
- source: {kind: ConfigMap, fieldPath: data.str}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.newList3.2.y]
    options: {create: true}
`,
    /unable to find or create field "spec.newList3.2.y" .*index 2 specified but only 0 elements found/,
  );
});

test('fields created by one replacement stay untyped for the next (kyaml nodes without a tag)', () => {
  const out = run(
    DEPLOY,
    `
- source: {kind: ConfigMap, fieldPath: data.str}
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.[name=new].image
    options: {create: true}
- source: {kind: ConfigMap, fieldPath: data.str}
  targets:
  - select: {kind: Deployment}
    fieldPaths:
    - spec.template.spec.containers.[image=9].name
    - spec.template.spec.containers.[name=side].image
`,
  );
  // 'new' was created untyped, so "9090" written there reads back as a number; 'old2' was a string
  equal(containers(out).slice(1), [
    { name: 'side', image: '9090' },
    { name: 9090, image: 9090 },
  ]);
});

test('create on an existing map target replaces it', () => {
  const out = run(
    DEPLOY,
    `
- source: {kind: ConfigMap, fieldPath: data.img}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.mapField]
    options: {create: true}
`,
  );
  assert.is(spec(out).mapField, 'nginx:1.2');
});

test('delimiter and index cut the source and splice into the target', () => {
  const out = run(
    DEPLOY,
    `
- source: {kind: ConfigMap, fieldPath: data.img, options: {delimiter: ':', index: 1}}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [metadata.annotations.new1]
    options: {create: true, delimiter: ',', index: -1}
  - select: {kind: Deployment}
    fieldPaths: [metadata.annotations.new2]
    options: {create: true, delimiter: ',', index: 0}
  - select: {kind: Deployment}
    fieldPaths: [metadata.annotations.new3]
    options: {create: true, delimiter: ',', index: 5}
  - select: {kind: Deployment}
    fieldPaths:
    - metadata.annotations.[a.b/c]
    options: {delimiter: 'l', index: 1}
`,
  );
  // an annotation keeps the text it was given (kustomize prints annotations from their text)
  equal((dep(out).metadata as JsonObject).annotations, { 'a.b/c': 'ol1.2', new1: '1.2,', new2: '1.2', new3: ',1.2' });
});

test('delimiter errors', () => {
  fails(
    DEPLOY,
    `
- source: {kind: ConfigMap, fieldPath: data.img, options: {delimiter: ':', index: 2}}
  targets: [{select: {kind: Deployment}, fieldPaths: [spec.strField]}]
`,
    /options.index 2 is out of bounds for value nginx:1.2/,
  );
  fails(
    DEPLOY,
    `
- source: {kind: ConfigMap, fieldPath: spec.m, options: {delimiter: ':'}}
  targets: [{select: {kind: Deployment}, fieldPaths: [spec.strField]}]
`,
    /delimiter option can only be used with scalar nodes/,
  );
  fails(
    DEPLOY,
    `
- source: {kind: ConfigMap, fieldPath: data.img}
  targets: [{select: {kind: Deployment}, fieldPaths: [spec.mapField], options: {delimiter: ':'}}]
`,
    /delimiter option can only be used with scalar nodes/,
  );
});

test('source errors: none, several, missing field, wildcard', () => {
  const target = '  targets: [{select: {kind: Deployment}, fieldPaths: [spec.strField]}]';
  fails(DEPLOY, `- source: {kind: Nope}\n${target}`, /nothing selected by Nope.\[noVer\].\[noGrp\]\/\[noName\].\[noNs\]/);
  fails(DEPLOY, `- source: {version: v1}\n${target}`, /multiple matches for selector \[noKind\].v1/);
  fails(DEPLOY, `- source: {kind: ConfigMap, fieldPath: data.nope}\n${target}`, /fieldPath `data.nope` is missing for replacement source ConfigMap/);
  fails(DEPLOY, `- source: {kind: ConfigMap, fieldPath: spec.missing.0}\n${target}`, /is missing/);
  fails(DEPLOY, `- source: {kind: Deployment, fieldPath: spec.template.spec.containers.*.image}\n${target}`, /wildcard is not supported/);
  fails(DEPLOY, `- source: {kind: Deployment, fieldPath: spec.mapField.0}\n${target}`, /error looking up replacement source: .*expected SequenceNode but got MappingNode/);
  fails(DEPLOY, `- source: {kind: Deployment, fieldPath: 'metadata.[annotations]'}\n${target}`, /must contain fieldName=fieldValue/);
});

test('source paths: - is the last element, [k=v] is an exact match', () => {
  const target = '  targets: [{select: {kind: Deployment}, fieldPaths: [spec.strField]}]';
  assert.is(spec(run(DEPLOY, `- source: {kind: Deployment, fieldPath: spec.template.spec.containers.-.image}\n${target}`)).strField, 'old2');
  assert.is(spec(run(DEPLOY, `- source:\n    kind: Deployment\n    fieldPath: spec.template.spec.containers.[image=old2].name\n${target}`)).strField, 'side');
  fails(DEPLOY, `- source:\n    kind: Deployment\n    fieldPath: spec.template.spec.containers.[image=ol].name\n${target}`, /is missing/);
});

const SELECTED = `
apiVersion: v1
kind: ConfigMap
metadata: {name: src, namespace: default}
data: {v: NEW}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a, labels: {app: x}}
data: {v: A}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b, namespace: ns1, labels: {app: y}, annotations: {note: z}}
data: {v: B}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, labels: {app: x}}
data: {v: D}
`;

function values(out: JsonObject[]): string[] {
  return out.map((o) => (o.data as JsonObject).v as string);
}

test('targets by label selector, rejects by id and by annotation selector', () => {
  equal(
    values(run(SELECTED, `- source: {kind: ConfigMap, name: src, fieldPath: data.v}\n  targets: [{select: {labelSelector: app=x}, fieldPaths: [data.v]}]`)),
    ['NEW', 'NEW', 'B', 'NEW'],
  );
  equal(
    values(
      run(
        SELECTED,
        `- source: {kind: ConfigMap, name: src, fieldPath: data.v}\n  targets: [{select: {kind: ConfigMap}, reject: [{name: src}, {annotationSelector: note=z}], fieldPaths: [data.v]}]`,
      ),
    ),
    ['NEW', 'NEW', 'B', 'D'],
  );
});

test("a reject's id part and its selectors reject independently; '' and default namespaces are equal", () => {
  // kustomize checks a reject's label selector and its id separately: the ConfigMap src (no
  // labels) is rejected by kind alone, the Deployment by its label alone
  equal(
    values(
      run(
        SELECTED,
        `- source: {kind: ConfigMap, name: a, namespace: default, fieldPath: data.v}\n  targets: [{select: {namespace: default}, reject: [{kind: ConfigMap, labelSelector: app=x}], fieldPaths: [data.v]}]`,
      ),
    ),
    ['NEW', 'A', 'B', 'D'],
  );
  equal(
    values(run(SELECTED, `- source: {kind: ConfigMap, name: a, fieldPath: data.v}\n  targets: [{select: {namespace: default}, fieldPaths: [data.v]}]`)),
    ['A', 'A', 'B', 'A'],
  );
});

test("an unset namespace is 'default' for selectors, even on cluster-scoped resources", () => {
  const res = resources(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cr}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: prod}
`);
  const repl = (select: string) => replacements(`- source: {kind: ConfigMap}\n  targets: [{select: ${select}, fieldPaths: [metadata.labels.ns], options: {create: true}}]`);
  applyReplacements(res, repl('{kind: ClusterRole, group: rbac.authorization.k8s.io, version: v1, namespace: prod}'));
  assert.is((res[0]!.obj.metadata as JsonObject).labels, undefined);
  applyReplacements(res, repl('{kind: ClusterRole, namespace: default}'));
  equal((res[0]!.obj.metadata as JsonObject).labels, { ns: 'cm' });
});

test('resources are selected by any of their previous ids as well', () => {
  const res = resources(SELECTED);
  res[1]!.previous = [{ group: '', version: 'v1', kind: 'ConfigMap', namespace: '', name: 'original' }];
  const out = applyReplacements(res, replacements(`- source: {name: original, fieldPath: data.v}\n  targets: [{select: {name: b}, fieldPaths: [data.v]}]`));
  equal(values(out.map((r) => r.obj)), ['NEW', 'A', 'A', 'D']);
  // a reject matching any id, current or previous, drops the resource
  const res2 = resources(SELECTED);
  res2[2]!.previous = [{ group: '', version: 'v1', kind: 'ConfigMap', namespace: '', name: 'original-b' }];
  const out2 = applyReplacements(res2, replacements(`- source: {name: src, fieldPath: data.v}\n  targets: [{select: {kind: ConfigMap}, reject: [{name: b}], fieldPaths: [data.v]}]`));
  equal(values(out2.map((r) => r.obj)), ['NEW', 'NEW', 'B', 'D']);
});

test('loadReplacements reads path entries holding one replacement or a list', () => {
  const files: Record<string, string> = {
    'one.yaml': 'source: {kind: ConfigMap, name: src, fieldPath: data.v}\ntargets: [{select: {name: b}, fieldPaths: [data.v]}]\nextra: ignored\n',
    'many.yaml': '- source: {kind: ConfigMap, name: b, fieldPath: data.v}\n  targets: [{select: {name: a}, fieldPaths: [data.v]}]\n',
  };
  const read = (path: string) => ({ text: files[path]!, file: `dir/${path}` });
  const list = loadReplacements([{ path: 'one.yaml' }, { Path: 'many.yaml' }], { file: 'k.yaml', field: 'replacements', inKustomization: true }, read);
  assert.is(list.length, 2);
  equal(list[1]!.at, { file: 'dir/many.yaml', field: '[0]' });
  equal(values(applyReplacements(resources(SELECTED), list).map((r) => r.obj)), ['NEW', 'NEW', 'NEW', 'NEW']);
  try {
    loadReplacements([{ path: 'one.yaml', source: { kind: 'X' } }], { file: 'k.yaml', field: 'replacements', inKustomization: true }, read);
    assert.unreachable();
  } catch (e) {
    assert.match((e as KtsError).message, /cannot specify both path and inline replacement/);
    assert.is((e as KtsError).field, 'replacements[0]');
  }
  const scalar = () => loadReplacements([{ path: 'x' }], { field: 'replacements', inKustomization: false }, () => ({ text: 'just text\n', file: 'x' }));
  assert.throws(scalar, /unsupported replacement type encountered within replacement path/);
});

test('inline entries: Go field matching, unknown fields only in strict mode, required parts', () => {
  const entry = { Source: { KIND: 'ConfigMap', fieldpath: 'data.v' }, targets: [{ select: { kind: 'X' }, fieldpaths: ['a'] }] };
  const [r] = loadReplacements([entry], { field: 'replacements', inKustomization: true }, () => ({ text: '', file: '' }));
  equal(r!.source, { kind: 'ConfigMap', fieldPath: 'data.v' });
  equal(r!.targets, [{ select: { kind: 'X' }, fieldPaths: ['a'] }]);
  const ctx = (inKustomization: boolean) => ({ file: 'k.yaml', field: 'replacements', inKustomization });
  const typo = [{ source: { kind: 'ConfigMap' }, targets: [{ select: { kind: 'X' }, fieldPath: 'a' }] }];
  assert.throws(() => loadReplacements(typo, ctx(true), () => ({ text: '', file: '' })), /unknown field "fieldPath"/);
  assert.is(loadReplacements(typo, ctx(false), () => ({ text: '', file: '' })).length, 1);
  assert.throws(() => loadReplacements([{ source: { kind: 'X' } }], ctx(true), () => ({ text: '', file: '' })), /must specify a source and at least one target/);
  // kustomize drops an empty list from a kustomization entry on its way to the plugin, not from a plugin config
  assert.throws(() => loadReplacements([{ source: { kind: 'X' }, targets: [] }], ctx(true), () => ({ text: '', file: '' })), /at least one target/);
  equal(loadReplacements([{ source: { kind: 'X' }, targets: [] }], ctx(false), () => ({ text: '', file: '' }))[0]!.targets, []);
  assert.throws(() => loadReplacements([{ source: { kind: 'X' }, targets: [{ fieldPaths: ['a'] }] }], ctx(true), () => ({ text: '', file: '' })), /target must specify resources to select/);
  assert.throws(() => loadReplacements([{ source: { kind: 'X' }, targets: [{ select: {}, fieldPaths: 'a' }] }], ctx(true), () => ({ text: '', file: '' })), /expected a list/);
  assert.throws(() => loadReplacements([{ source: { kind: 'X', options: { index: 1.5 } }, targets: [] }], ctx(false), () => ({ text: '', file: '' })), /expected an integer/);
});

test('the default field path is metadata.name on both sides', () => {
  const out = run(SELECTED, `- source: {kind: ConfigMap, name: src}\n  targets: [{select: {kind: Deployment}}]`);
  assert.is((out[3]!.metadata as JsonObject).name, 'src');
});

test('a target path starting with a dot drops the empty first part, with and without create (kubebuilder config/default)', () => {
  const res = `
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
data: {x: svc.ns}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: c
  annotations: {cert-manager.io/inject-ca-from: old}
spec:
  dnsNames: [old]
`;
  const repl = (extra: string) => `
- source: {kind: ConfigMap, name: a, fieldPath: data.x}
  targets:
  - select: {kind: Certificate}
    fieldPaths:
    - .spec.dnsNames.0
    - .metadata.annotations.[cert-manager.io/inject-ca-from]
${extra}`;
  const want = { annotations: { 'cert-manager.io/inject-ca-from': 'svc.ns' }, name: 'c' };
  const plain = run(res, repl(''))[1]!;
  equal(plain.metadata, want);
  equal(plain.spec, { dnsNames: ['svc.ns'] });
  const created = run(res, repl('    - .spec.new\n    options: {create: true}\n'))[1]!;
  equal(created.metadata, want);
  equal(created.spec, { dnsNames: ['svc.ns'], new: 'svc.ns' });
});

test.run();
