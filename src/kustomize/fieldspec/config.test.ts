import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Json } from '../resource.js';
import { configFromCrdSchemas, emptyTransformerConfig, mergeTransformerConfigs, parseTransformerConfig, transformerConfigWith } from './config.js';
import { defaultTransformerConfig, sortTransformerConfig } from './defaults.js';

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
  // keys match case-insensitively, as Go decodes them; unknown keys are errors (strict decoding, checked with kubectl kustomize)
  assert.equal(parseTransformerConfig({ NamePrefix: [{ Path: 'spec/x', KIND: 'K' }] }, 'config.yaml').namePrefix, [{ path: 'spec/x', kind: 'K' }]);
  assert.throws(() => parseTransformerConfig({ bogus: [], namePrefix: [] }, 'config.yaml'), /unknown field "bogus"/);
  assert.throws(() => parseTransformerConfig({ namePrefix: [{ path: 'metadata/name', name: 'q' }] }, 'config.yaml'), /unknown field "name"/);
  assert.throws(() => parseTransformerConfig({ nameReference: [{ kind: 'ConfigMap', name: 'x', fieldSpecs: [] }] }, 'config.yaml'), /unknown field "name"/);
  assert.throws(() => parseTransformerConfig({ nameReference: [{ kind: 'ConfigMap', fieldSpecs: [{ path: 'a', x: 1 }] }] }, 'config.yaml'), /unknown field "x"/);
  assert.throws(() => parseTransformerConfig({ images: 'x' }, 'config.yaml'), /fieldSpecs must be a list/);
});

test('a merge is sorted as a full sort leaves it, whether or not it re-sorts (only lists that grew are)', () => {
  const custom = parseTransformerConfig(
    {
      namePrefix: [{ path: 'metadata/name', kind: 'Zed' }, { path: 'spec/a', kind: 'Namespace' }],
      nameReference: [{ kind: 'Secret', version: 'v1', fieldSpecs: [{ path: 'spec/s', kind: 'Zed' }] }, { kind: 'Aardvark', fieldSpecs: [{ path: 'spec/a' }] }],
      varReference: [{ path: 'spec/v' }],
    },
    'c.yaml',
  );
  const defaults = defaultTransformerConfig();
  const base = mergeTransformerConfigs(emptyTransformerConfig(), transformerConfigWith());
  for (const [a, b] of [
    [emptyTransformerConfig(), defaults],
    [defaults, defaultTransformerConfig()],
    [base, emptyTransformerConfig()],
    [base, transformerConfigWith(custom)],
    [transformerConfigWith(custom), base],
    [custom, defaults],
  ]) {
    const merged = mergeTransformerConfigs(a!, b!);
    assert.equal(sortTransformerConfig(structuredClone(merged)), merged);
  }
});

/** What a kustomization's accumulator holds after its own `configurations:` (kustomize ra.MergeConfig). */
const accumulated = (doc: Json) => mergeTransformerConfigs(emptyTransformerConfig(), transformerConfigWith(parseTransformerConfig(doc, 'c.yaml')));

test('a custom spec narrower than a default on the same path replaces it (checked with kubectl kustomize v5.5.0)', () => {
  const tc = accumulated({
    namePrefix: [
      { path: 'metadata/name', kind: 'IngressSecret' },
      { path: 'metadata/name', kind: 'IngressHost' },
    ],
    commonAnnotations: [{ path: 'metadata/annotations', kind: 'Foo', create: true }],
  });
  assert.equal(tc.namePrefix, [
    { path: 'metadata/name', kind: 'IngressHost' },
    { path: 'metadata/name', kind: 'IngressSecret' },
  ]);
  assert.not.ok(tc.commonAnnotations.some((f) => f.path === 'metadata/annotations' && !f.kind));
  assert.ok(tc.commonAnnotations.some((f) => f.path === 'metadata/annotations' && f.kind === 'Foo'));
  assert.ok(tc.commonAnnotations.some((f) => f.path === 'spec/template/metadata/annotations' && f.kind === 'Deployment'));
});

test('a custom spec wider than a default on the same path is dropped', () => {
  const tc = accumulated({ commonLabels: [{ path: 'spec/selector/matchLabels', create: true }] });
  assert.not.ok(tc.commonLabels.some((f) => f.path === 'spec/selector/matchLabels' && !f.kind));
  assert.ok(tc.commonLabels.some((f) => f.path === 'spec/selector/matchLabels' && f.kind === 'Deployment'));
});

test('overlapping specs whose create flags differ are an error naming the list', () => {
  assert.throws(
    () => accumulated({ images: [{ path: 'spec/template/spec/containers[]/image', kind: 'Foo' }] }),
    /failed to merge Images fieldSpec: conflicting fieldspecs/,
  );
  // a spec on a path no default uses is simply added
  assert.ok(accumulated({ images: [{ path: 'spec/x/image', kind: 'Foo' }] }).images.some((f) => f.path === 'spec/x/image'));
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
  // sorted by referred gvk as every kustomize merge leaves it: ConfigMap ranks before Secret
  assert.equal(tc.nameReference, [
    { kind: 'ConfigMap', version: 'v1', fieldSpecs: [{ kind: 'MyKind', path: 'spec/other/cmName' }] },
    { kind: 'Secret', version: 'v1', fieldSpecs: [{ kind: 'MyKind', path: 'spec/secretRef/name' }] },
  ]);
});

test('a CustomResourceDefinition given as a crds file is an error, as in kustomize', () => {
  assert.throws(
    () => configFromCrdSchemas({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', spec: {} }, 'crd.yaml'),
    /not an OpenAPI definition/,
  );
});

test.run();
