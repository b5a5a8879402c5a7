// Expected values pinned against kubectl kustomize v5.5.0 on the same inputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { equal } from '../testing.js';
import { KtsError } from '../../errors.js';
import { defaultTransformerConfig } from '../fieldspec/defaults.js';
import { newResource, type Json, type JsonObject, type Resource } from '../resource.js';
import { parseYamlDocuments } from '../yaml/parse.js';
import { bindVars, expandVars, mergeVars, parseVars, resolveVars, type Var } from './vars.js';
import { plain } from '../testing.js';

const specs = defaultTransformerConfig().varReference;

function resources(yaml: string): Resource[] {
  return parseYamlDocuments(yaml, 'res.yaml').map((o) => newResource(o as JsonObject));
}

function vars(yaml: string): Var[] {
  const [doc] = parseYamlDocuments(yaml, 'kustomization.yaml');
  return parseVars(doc, { file: 'kustomization.yaml', field: 'vars', strict: true });
}

const SVC_AND_DEPLOY = `
apiVersion: v1
kind: Service
metadata: {name: svc}
spec:
  ports: [{port: 8080, name: http}]
  flag: true
  m: {a: 1}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dep}
spec:
  template:
    metadata:
      annotations: {port: "$(PORT)", keep: 5}
    spec:
      containers:
      - name: c
        image: x
        command: ["$(PORT)", "x$(PORT)y", "$(NAME)", "$$(NAME)", "$(UNDEF)", "$(M)", "$(FLAG)", "$(NAME", "$"]
        env:
        - {name: A, value: "$(PORT)"}
        - {name: B, value: "$(NAME)-$(NAME)"}
`;

const SVC_VARS = `
- name: PORT
  objref: {kind: Service, name: svc, apiVersion: v1}
  fieldref: {fieldpath: 'spec.ports[0].port'}
- name: NAME
  objref: {kind: Service, name: svc, apiVersion: v1}
- name: M
  objref: {kind: Service, name: svc, apiVersion: v1}
  fieldref: {fieldPath: spec.m}
- name: FLAG
  objref: {kind: Service, name: svc, apiVersion: v1}
  fieldRef: {fieldPath: spec.flag}
`;

function container(r: Resource): JsonObject {
  return (((r.obj.spec as JsonObject).template as JsonObject).spec as JsonObject as { containers: JsonObject[] }).containers[0]!;
}

function fails(fn: () => unknown, message: RegExp): KtsError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, KtsError);
    assert.match((e as KtsError).message, message);
    return e as KtsError;
  }
  assert.unreachable('expected an error');
  throw new Error('unreachable');
}

test('expandVars: $$ escapes, unknown and unclosed references stay, a whole reference keeps its type', () => {
  const values: Record<string, Json> = { A: 'x', N: 8080, F: 1.5, B: false };
  const map = (n: string): Json => values[n] ?? `$(${n})`;
  assert.is(expandVars('$(A)-$(N)-$(F)-$(B)', map), 'x-8080-1.5-false');
  assert.is(expandVars('$(N)', map), 8080);
  assert.is(expandVars('$$(A) $(Z) $(A $ $x', map), '$(A) $(Z) $(A $ $x');
  assert.is(expandVars('$$$(A)', map), '$x');
});

test('vars resolve in the varReference fields with the final values of their resources', () => {
  const res = resources(SVC_AND_DEPLOY);
  const vs = vars(SVC_VARS);
  bindVars(res, vs);
  equal(res[0]!.varNames, ['PORT', 'NAME', 'M', 'FLAG']);
  // a later rename (namePrefix) is what the var reads
  (res[0]!.obj.metadata as JsonObject).name = 'p-svc';
  const { unused } = resolveVars(res, vs, specs);
  const c = container(res[1]!);
  equal(c.command, [8080, 'x8080y', 'p-svc', '$(NAME)', '$(UNDEF)', '$(M)', true, '$(NAME', '$']);
  equal(c.env, [
    { name: 'A', value: 8080 },
    { name: 'B', value: 'p-svc-p-svc' },
  ]);
  equal(((res[1]!.obj.spec as JsonObject).template as JsonObject).metadata, { annotations: { port: 8080, keep: 5 } });
  equal(unused, ['M']);
});

test('an objref without apiVersion names nothing, and an unbound var is an error', () => {
  const res = resources(SVC_AND_DEPLOY);
  const vs = vars(`- name: PORT\n  objref: {kind: Service, name: svc}\n  fieldref: {fieldpath: 'spec.ports[0].port'}`);
  bindVars(res, vs);
  const e = fails(() => resolveVars(res, vs, specs), /var 'PORT' .* cannot be mapped to a field in the set of known resources/);
  assert.is(e.file, 'kustomization.yaml');
  assert.is(e.field, 'vars[0]');
  const withVersion = vars(`- name: PORT\n  objref: {kind: Service, name: svc, version: v1}\n  fieldref: {fieldpath: 'spec.ports.[name=http].port'}`);
  const res2 = resources(SVC_AND_DEPLOY);
  bindVars(res2, withVersion);
  resolveVars(res2, withVersion, specs);
  assert.is(container(res2[1]!).command && (container(res2[1]!).command as Json[])[0], 8080);
});

test('a missing field is an error even when the var is unused', () => {
  const res = resources(SVC_AND_DEPLOY);
  const vs = vars(`- name: UNUSED\n  objref: {kind: Service, name: svc, apiVersion: v1}\n  fieldref: {fieldpath: 'spec.ports[1].port'}`);
  bindVars(res, vs);
  fails(() => resolveVars(res, vs, specs), /field specified in var 'UNUSED' .* not found in corresponding resource/);
});

const TWO_NAMESPACES = `
apiVersion: v1
kind: Service
metadata: {name: es, namespace: dev}
---
apiVersion: v1
kind: Service
metadata: {name: es, namespace: test}
`;

test('an objref without namespace matching two resources is ambiguous; a namespace disambiguates', () => {
  fails(() => bindVars(resources(TWO_NAMESPACES), vars(`- name: X\n  objref: {kind: Service, name: es, apiVersion: v1}`)), /found 2 resId matches for var 'X'/);
  const res = resources(TWO_NAMESPACES);
  bindVars(res, vars(`- name: X\n  objref: {kind: Service, name: es, apiVersion: v1, namespace: test}`));
  equal(res.map((r) => r.varNames), [undefined, ['X']]);
});

test('objrefs match current or previous ids, and default equals no namespace', () => {
  const res = resources(`apiVersion: v1\nkind: Service\nmetadata: {name: p-svc, namespace: moved}\n`);
  res[0]!.previous = [{ group: '', version: 'v1', kind: 'Service', namespace: '', name: 'svc' }];
  bindVars(res, vars(`- name: X\n  objref: {kind: Service, name: svc, apiVersion: v1, namespace: default}`));
  bindVars(res, vars(`- name: Y\n  objref: {kind: Service, name: p-svc, apiVersion: v1, namespace: moved}`));
  bindVars(res, vars(`- name: Z\n  objref: {kind: Service, name: svc, apiVersion: v1, namespace: moved}`));
  equal(res[0]!.varNames, ['X', 'Y']);
});

test('an objref with a namespace does not name a cluster-scoped resource by its current id', () => {
  const yaml = `apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n`;
  const res = resources(yaml);
  bindVars(res, vars(`- name: A\n  objref: {kind: Namespace, name: team, apiVersion: v1, namespace: default}\n- name: B\n  objref: {kind: Namespace, name: team, apiVersion: v1}\n- name: C\n  objref: {kind: Pod, name: p, apiVersion: v1, namespace: default}`));
  equal(res.map((r) => r.varNames), [['B'], ['C']]);
});

test('mergeVars refuses a name seen before', () => {
  const a = vars(`- name: X\n  objref: {kind: Service, name: a, apiVersion: v1}`);
  const b = vars(`- name: Y\n  objref: {kind: Service, name: b, apiVersion: v1}\n- name: X\n  objref: {kind: Service, name: c, apiVersion: v1}`);
  const e = fails(() => mergeVars(a, b), /var 'X' already encountered/);
  assert.is(e.field, 'vars[1]');
  equal(
    mergeVars(a, b.slice(0, 1)).map((v) => v.name),
    ['X', 'Y'],
  );
});

test('a list field with a non-string item is an error once vars are resolved, not before', () => {
  const yaml = SVC_AND_DEPLOY.replace('command: [', 'args: ["$(PORT)", 5]\n        command: [');
  const res = resources(yaml);
  equal(resolveVars(res, [], specs), { unused: [] });
  const vs = vars(SVC_VARS);
  bindVars(res, vs);
  fails(() => resolveVars(res, vs, specs), /considering field 'spec\/template\/spec\/containers\/args' of Deployment dep: invalid value type/);
});

test('parseVars: Go field matching, strictness and types', () => {
  const [v] = parseVars([{ NAME: 'A', objRef: { Kind: 'Pod', name: 'p', apiversion: 'v1' } }], { field: 'vars', strict: true });
  equal({ name: v!.name, objref: v!.objref, fieldref: v!.fieldref }, { name: 'A', objref: { kind: 'Pod', name: 'p', apiVersion: 'v1' }, fieldref: { fieldPath: 'metadata.name' } });
  assert.throws(() => parseVars([{ name: 'A', objref: { kind: 'Pod' }, fieldref: { path: 'x' } }], { file: 'k.yaml', field: 'vars', strict: true }), /unknown field "path"/);
  assert.is(parseVars([{ name: 'A', extra: 1 }], { field: 'vars', strict: false }).length, 1);
  assert.throws(() => parseVars([{ name: 5 }], { field: 'vars', strict: false }), /expected a string/);
  assert.throws(() => parseVars({ name: 'A' }, { field: 'vars', strict: false }), /expected a list/);
});

test.run();
