import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configFromCrdSchemas, parseTransformerConfig, transformerConfigWith } from './config.js';

test('configuration files extend the defaults; name references merge by referred gvk', () => {
  const custom = parseTransformerConfig(
    {
      commonLabels: [{ path: 'spec/selectors', kind: 'MyKind', create: true }],
      nameReference: [
        { kind: 'Secret', version: 'v1', fieldSpecs: [{ path: 'spec/secretRef/name', kind: 'MyKind' }] },
        { kind: 'Bee', version: 'v1beta1', fieldSpecs: [{ path: 'spec/beeRef/name', kind: 'MyKind' }] },
      ],
    },
    'config.yaml',
  );
  const tc = transformerConfigWith(custom);
  assert.ok(tc.commonLabels.some((f) => f.kind === 'MyKind'));
  const secrets = tc.nameReference.filter((r) => r.kind === 'Secret');
  assert.is(secrets.length, 1);
  assert.ok(secrets[0]!.fieldSpecs.some((f) => f.path === 'spec/secretRef/name'));
  assert.ok(tc.nameReference.some((r) => r.kind === 'Bee' && r.version === 'v1beta1'));
  // unknown keys are ignored and keys match case-insensitively, as Go decodes them
  assert.equal(parseTransformerConfig({ bogus: [], NamePrefix: [{ path: 'spec/x' }] }, 'config.yaml').namePrefix, [{ path: 'spec/x' }]);
  assert.throws(() => parseTransformerConfig({ images: 'x' }, 'config.yaml'), /fieldSpecs must be a list/);
});

test('crd schemas give name references from x-kubernetes-object-ref extensions, following $refs', () => {
  const doc = {
    'example.com/v1.MyKind': {
      Schema: { properties: { apiVersion: {}, kind: {}, metadata: {}, spec: { $ref: 'example.com/v1.MyKindSpec' } } },
    },
    'example.com/v1.MyKindSpec': {
      Schema: {
        properties: {
          secretRef: { 'x-kubernetes-object-ref-api-version': 'v1', 'x-kubernetes-object-ref-kind': 'Secret' },
          other: { 'x-kubernetes-object-ref-api-version': 'v1', 'x-kubernetes-object-ref-kind': 'ConfigMap', 'x-kubernetes-object-ref-name-key': 'cmName' },
        },
      },
    },
    'example.com/v1.NotAType': { Schema: { properties: { spec: {} } } },
  };
  const tc = configFromCrdSchemas(doc, 'crd.json');
  assert.equal(tc.nameReference, [
    { kind: 'Secret', version: 'v1', fieldSpecs: [{ kind: 'MyKind', path: 'spec/secretRef/name' }] },
    { kind: 'ConfigMap', version: 'v1', fieldSpecs: [{ kind: 'MyKind', path: 'spec/other/cmName' }] },
  ]);
});

test('a CustomResourceDefinition given as a crds file is an error, as in kustomize', () => {
  assert.throws(
    () => configFromCrdSchemas({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', spec: {} }, 'crd.yaml'),
    /not an OpenAPI definition/,
  );
});

test.run();
