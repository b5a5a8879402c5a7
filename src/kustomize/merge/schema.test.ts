import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { equal } from '../testing.js';
import { KtsError } from '../../errors.js';
import type { Json, JsonObject } from '../resource.js';
import { parseYamlDocuments } from '../yaml/parse.js';
import {
  builtinMergeSchema,
  fieldSchema,
  elementSchema,
  isBuiltinKind,
  patchStrategyAndKeys,
  rootSchema,
  schemaForOpenApiField,
  withCrds,
  withOpenApiDocument,
  type MergeSchema,
  type SchemaNode,
} from './schema.js';
import { strategicMerge } from './strategic.js';

function y(text: string): JsonObject {
  return parseYamlDocuments(text, 'test.yaml')[0] as JsonObject;
}

function at(schema: MergeSchema, apiVersion: string, kind: string, path: string[]): SchemaNode | undefined {
  let node = rootSchema(schema, apiVersion, kind);
  for (const step of path) {
    if (!node) return undefined;
    node = step === '[]' ? elementSchema(schema, node) : fieldSchema(schema, node, step);
  }
  return node;
}

function keysAt(schema: MergeSchema, apiVersion: string, kind: string, path: string[]) {
  const node = at(schema, apiVersion, kind, path);
  return node ? patchStrategyAndKeys(node) : undefined;
}

test('the builtin table covers the kinds the corpus patches, with their merge keys', () => {
  const s = builtinMergeSchema();
  const pod = ['spec', 'template', 'spec'];
  for (const [apiVersion, kind, prefix] of [
    ['apps/v1', 'Deployment', pod],
    ['apps/v1', 'StatefulSet', pod],
    ['apps/v1', 'DaemonSet', pod],
    ['apps/v1', 'ReplicaSet', pod],
    ['batch/v1', 'Job', pod],
    ['batch/v1', 'CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec']],
    ['batch/v1beta1', 'CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec']],
    ['v1', 'Pod', ['spec']],
    ['v1', 'ReplicationController', pod],
  ] as const) {
    const p = [...prefix];
    equal(keysAt(s, apiVersion, kind, [...p, 'containers']), { strategy: 'merge', keys: ['name'] }, `${kind} containers`);
    equal(keysAt(s, apiVersion, kind, [...p, 'initContainers']), { strategy: 'merge', keys: ['name'] });
    equal(keysAt(s, apiVersion, kind, [...p, 'volumes']), { strategy: 'merge,retainKeys', keys: ['name'] });
    equal(keysAt(s, apiVersion, kind, [...p, 'containers', '[]', 'ports']), { strategy: 'merge', keys: ['containerPort', 'protocol'] });
    equal(keysAt(s, apiVersion, kind, [...p, 'containers', '[]', 'env']), { strategy: 'merge', keys: ['name'] });
    equal(keysAt(s, apiVersion, kind, [...p, 'containers', '[]', 'volumeMounts']), { strategy: 'merge', keys: ['mountPath'] });
    equal(keysAt(s, apiVersion, kind, [...p, 'ephemeralContainers', '[]', 'env']), { strategy: 'merge', keys: ['name'] });
    assert.is(at(s, apiVersion, kind, [...p, 'containers', '[]', 'envFrom']), undefined, 'envFrom has no merge key');
    assert.is(at(s, apiVersion, kind, [...p, 'tolerations']), undefined, 'tolerations are replaced');
  }
  equal(keysAt(s, 'v1', 'Service', ['spec', 'ports']), { strategy: 'merge', keys: ['port', 'protocol'] });
  equal(keysAt(s, 'v1', 'ServiceAccount', ['secrets']), { strategy: 'merge', keys: ['name'] });
  equal(keysAt(s, 'admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', ['webhooks']), { strategy: 'merge', keys: ['name'] });
  equal(keysAt(s, 'apps/v1', 'Deployment', ['status', 'conditions']), { strategy: 'merge', keys: ['type'] });
  for (const [apiVersion, kind] of [
    ['v1', 'ConfigMap'],
    ['v1', 'Secret'],
    ['networking.k8s.io/v1', 'Ingress'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
    ['policy/v1', 'PodDisruptionBudget'],
    ['autoscaling/v2beta2', 'HorizontalPodAutoscaler'],
    ['networking.k8s.io/v1', 'NetworkPolicy'],
    ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
  ]) {
    equal(keysAt(s, apiVersion!, kind!, ['metadata', 'finalizers']), { strategy: 'merge', keys: [] }, `${kind} finalizers`);
    equal(keysAt(s, apiVersion!, kind!, ['metadata', 'ownerReferences']), { strategy: 'merge', keys: ['uid'] });
  }
  assert.is(rootSchema(s, 'apps/v1beta1', 'Deployment'), undefined, 'not in the v1.21.2 schema');
  assert.is(rootSchema(s, 'autoscaling/v2', 'HorizontalPodAutoscaler'), undefined, 'not in the v1.21.2 schema');
});

const twoGvks = `
definitions:
  v1alpha1.MyCRD:
    type: object
    properties:
      spec:
        type: object
        properties:
          template: {$ref: "#/definitions/io.k8s.api.core.v1.PodTemplateSpec"}
    x-kubernetes-group-version-kind:
    - {group: example.com, kind: MyCRD, version: v1alpha1}
    - {group: "", kind: MyCRD, version: v1alpha1}
  io.k8s.api.core.v1.PodTemplateSpec:
    type: object
    properties:
      spec: {$ref: "#/definitions/io.k8s.api.core.v1.PodSpec"}
  io.k8s.api.core.v1.PodSpec:
    type: object
    properties:
      containers:
        type: array
        items: {$ref: "#/definitions/io.k8s.api.core.v1.Container"}
        x-kubernetes-patch-merge-key: name
        x-kubernetes-patch-strategy: merge
`;

function myCrd(apiVersion: string, containers: string): JsonObject {
  return y(`apiVersion: ${apiVersion}\nkind: MyCRD\nmetadata:\n  name: service\nspec:\n  template:\n    spec:\n      containers: ${containers}\n`);
}

function crdContainers(obj: JsonObject | null): Json {
  return (((obj!.spec as JsonObject).template as JsonObject).spec as JsonObject).containers!;
}

test('a custom OpenAPI document adds kinds and replaces builtin definitions of the same name (CustomOpenApiFieldWithTwoGvks)', () => {
  const schema = schemaForOpenApiField({ path: 'mycrd_schema.yaml' }, twoGvks, 'kustomization.yaml');
  for (const apiVersion of ['example.com/v1alpha1', 'v1alpha1']) {
    const out = strategicMerge(myCrd(apiVersion, '[{name: server, image: server, command: example}]'), myCrd(apiVersion, '[{name: server, image: nginx}]'), schema);
    equal(crdContainers(out), [{ name: 'server', image: 'nginx', command: 'example' }]);
  }
  // The document's PodSpec replaced the builtin one: volumes no longer merge for Deployments.
  assert.is(at(schema, 'apps/v1', 'Deployment', ['spec', 'template', 'spec', 'volumes']), undefined);
  // Without the document the kind is unknown and the list is replaced.
  const plain = strategicMerge(myCrd('example.com/v1alpha1', '[{name: a}]'), myCrd('example.com/v1alpha1', '[{name: b}]'));
  equal(crdContainers(plain), [{ name: 'b' }]);
});

test('without builtinLoaded only the custom document counts: builtin kinds lose their merge keys', () => {
  // kustomize v5.5.0, top-level `openapi: {path}` with a document lacking Deployment: containers replaced.
  const doc = '{"definitions": {"v1.Foo": {"type": "object", "x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "Foo"}]}}}';
  const custom = schemaForOpenApiField({ path: 's.json' }, doc, 'kustomization.yaml', { builtinLoaded: false });
  const dep = (c: string) => y(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers: ${c}\n`);
  const spec = (o: JsonObject | null) => ((o!.spec as JsonObject).template as JsonObject).spec as JsonObject;
  equal(spec(strategicMerge(dep('[{name: a}]'), dep('[{name: b}]'), custom)).containers, [{ name: 'b' }]);
  const both = schemaForOpenApiField({ path: 's.json' }, doc, 'kustomization.yaml', { builtinLoaded: true });
  equal(spec(strategicMerge(dep('[{name: a}]'), dep('[{name: b}]'), both)).containers, [{ name: 'b' }, { name: 'a' }]);
  assert.ok(rootSchema(custom, 'example.com/v1', 'Foo'));
  assert.ok(isBuiltinKind('apps/v1', 'Deployment'));
  assert.not.ok(isBuiltinKind('apps.openshift.io/v1', 'DeploymentConfig'));
});

test('a custom document may refer to builtin definitions it does not define (CustomOpenApiFieldFromComponentWithOverlays)', () => {
  const doc = {
    definitions: {
      'com.github.openshift.api.apps.v1.DeploymentConfig': {
        type: 'object',
        properties: { spec: { $ref: '#/definitions/com.github.openshift.api.apps.v1.DeploymentConfigSpec' } },
        'x-kubernetes-group-version-kind': [{ group: 'apps.openshift.io', kind: 'DeploymentConfig', version: 'v1' }],
      },
      'com.github.openshift.api.apps.v1.DeploymentConfigSpec': {
        type: 'object',
        properties: { template: { $ref: '#/definitions/io.k8s.api.core.v1.PodTemplateSpec' } },
      },
    },
  };
  const schema = withOpenApiDocument(builtinMergeSchema(), doc, 'openapi.json');
  equal(keysAt(schema, 'apps.openshift.io/v1', 'DeploymentConfig', ['spec', 'template', 'spec', 'volumes']), { strategy: 'merge,retainKeys', keys: ['name'] });
  equal(keysAt(schema, 'apps.openshift.io/v1', 'DeploymentConfig', ['spec', 'template', 'spec', 'containers', '[]', 'volumeMounts']), { strategy: 'merge', keys: ['mountPath'] });
});

test('the openapi field accepts the builtin version only, and not together with a path', () => {
  assert.is(schemaForOpenApiField({ version: 'v1.21.2' }, undefined, 'k.yaml'), builtinMergeSchema());
  const bad = (f: JsonObject, text?: string) => {
    try {
      schemaForOpenApiField(f, text, 'k.yaml');
    } catch (e) {
      assert.instance(e, KtsError);
      assert.is((e as KtsError).file, 'k.yaml');
      return (e as KtsError).message;
    }
    throw new Error('accepted');
  };
  assert.match(bad({ version: 'v1.14.1' }), 'not built in');
  assert.match(bad({ path: 'a.json', version: 'v1.21.2' }, '{}'), 'cannot use both');
  // Like kustomize, a document without swagger definitions changes nothing; a non-map is an error.
  assert.is(schemaForOpenApiField({ path: 'a.json' }, '{"openapi": "3.0.0", "components": {}}', 'k.yaml'), builtinMergeSchema());
  try {
    schemaForOpenApiField({ path: 'a.json' }, '[1, 2]', 'k.yaml');
    assert.unreachable('accepted');
  } catch (e) {
    assert.is((e as KtsError).file, 'a.json');
    assert.match((e as KtsError).message, 'must be a map');
  }
});

test('CRD schemas with patch extensions can steer merges when a caller opts in', () => {
  const crd = y(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: foos.example.com}
spec:
  group: example.com
  names: {kind: Foo, plural: foos}
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              items:
                type: array
                x-kubernetes-patch-strategy: merge
                x-kubernetes-patch-merge-key: id
                items: {type: object}
`);
  const schema = withCrds(builtinMergeSchema(), [crd], 'crd.yaml');
  const foo = (items: string) => y(`apiVersion: example.com/v1\nkind: Foo\nmetadata: {name: x}\nspec:\n  items: ${items}\n`);
  const out = strategicMerge(foo('[{id: a, v: 1}, {id: b}]'), foo('[{id: a, v: 2}, {id: c}]'), schema);
  equal((out!.spec as JsonObject).items, [{ id: 'a', v: 2 }, { id: 'c' }, { id: 'b' }]);
  equal((strategicMerge(foo('[{id: a}]'), foo('[{id: c}]'))!.spec as JsonObject).items, [{ id: 'c' }]);
});

test('x-kubernetes-list-type alone does not merge a list; a merge patch strategy does', () => {
  const doc = {
    definitions: {
      'v1.Foo': {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: {
              m: { type: 'array', items: { type: 'object' }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['id'] },
              s: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
              k: { type: 'array', items: { type: 'object' }, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-map-keys': ['id', 'x'] },
              r: { type: 'array', items: { type: 'object' }, 'x-kubernetes-patch-strategy': 'replace', 'x-kubernetes-patch-merge-key': 'id' },
              n: { items: { type: 'object' }, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'id' },
            },
          },
        },
        'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Foo' }],
      },
    },
  };
  const schema = withOpenApiDocument(builtinMergeSchema(), doc, 'schema.json');
  const foo = (spec: string) => y(`apiVersion: example.com/v1\nkind: Foo\nmetadata: {name: x}\nspec:\n${spec}`);
  const out = strategicMerge(
    foo('  m: [{id: a, v: 1}, {id: b}]\n  s: [a, b]\n  k: [{id: a, x: 1, v: 1}, {id: b}]\n  r: [{id: a, v: 1}, {id: b}]\n  n: [{id: a, v: 1, w: [{id: q}]}, {id: b}]\n'),
    foo('  m: [{id: a, v: 2}, {id: c}]\n  s: [c, a]\n  k: [{id: a, x: 1, v: 2}, {id: c}]\n  r: [{id: a, v: 2}, {id: c}]\n  n: [{id: a, v: 2}, {id: c}]\n'),
    schema,
  );
  // What kustomize v5.5.0 printed for the same document, resource and patch.
  equal(out!.spec, {
    m: [{ id: 'a', v: 2 }, { id: 'c' }],
    s: ['c', 'a'],
    k: [{ id: 'c' }, { id: 'a', x: 1, v: 2 }, { id: 'b' }],
    r: [{ id: 'a', v: 2 }, { id: 'c' }],
    n: [{ id: 'a', v: 2, w: [{ id: 'q' }] }, { id: 'c' }, { id: 'b' }],
  });
});

test('elements only have a schema under a node typed exactly array', () => {
  const s = withOpenApiDocument(builtinMergeSchema(), { definitions: { X: { properties: { l: { items: { type: 'object' } } } } } }, 'x.json');
  const l = fieldSchema(s, { $ref: '#/definitions/X' }, 'l')!;
  assert.ok(l);
  assert.is(elementSchema(s, l), undefined);
});

test.run();
