import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { equal } from './testing.js';
import { KtsError } from '../errors.js';
import { defaultTransformerConfig } from './fieldspec/defaults.js';
import { Loader } from './loader.js';
import { originText, transformationsText } from './metadata.js';
import { builtinGenerator, builtinTransformer, kustomizationTransformers } from './plugins.js';
import { ResMap } from './resmap.js';
import { newResource, type JsonObject } from './resource.js';

const ctx = { ldr: Loader.at(mkdtempSync(join(tmpdir(), 'kts-plugins-'))), file: 'kustomization.yaml', configuredIn: 'kustomization.yaml', tconfig: defaultTransformerConfig() };
const ref = { file: 'kustomization.yaml', field: 'transformers[0]' };
const metadataOfFirst = (rs: { obj: JsonObject }[]) => rs[0]!.obj.metadata;
const deployment = () =>
  newResource({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } } });

test('plugin config fields match case-insensitively, as Go decoding does', () => {
  const rm = new ResMap([deployment()]);
  const t = builtinTransformer(
    { apiVersion: 'builtin', kind: 'ImageTagTransformer', metadata: { name: 'x' }, imageTag: { name: 'nginx', Digest: 'sha256:22' }, FieldSpecs: [{ path: 'spec/template/spec/containers[]/image' }] },
    ctx,
    ref,
  );
  t.run(rm);
  assert.is(((rm.resources()[0]!.obj.spec as JsonObject).template as { spec: { containers: { image: string }[] } }).spec.containers[0]!.image, 'nginx@sha256:22');
  equal(t.origin, { path: '', configuredIn: 'kustomization.yaml', configuredBy: { apiVersion: 'builtin', kind: 'ImageTagTransformer', name: 'x' } });
});

test('unknown builtins and external plugins are refused naming the entry', () => {
  assert.throws(() => builtinTransformer({ apiVersion: 'builtin', kind: 'SortOrderTransformer', metadata: { name: 'x' } }, ctx, ref), /unable to load builtin SortOrderTransformer/);
  for (const kind of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    assert.throws(() => builtinTransformer({ apiVersion: 'builtin', kind, metadata: { name: 'x' } }, ctx, ref), new RegExp(`^unable to load builtin ${kind}\\.builtin\\.\\[noGrp\\]$`));
  }
  assert.throws(
    () => builtinTransformer({ apiVersion: 'example.com/v1', kind: 'Exec', metadata: { name: 'x' } }, ctx, ref),
    (e: unknown) => e instanceof KtsError && e.code === 'plugin-refused' && e.field === 'transformers[0]',
  );
  assert.throws(() => builtinGenerator({ apiVersion: 'builtin', kind: 'HelmChartInflationGenerator', metadata: { name: 'x' }, name: 'c' }, ctx, ref, 'k'), /must specify --enable-helm/);
});

test('a plugin config error names the plugin as kustomize does', () => {
  assert.throws(
    () => builtinTransformer({ apiVersion: 'builtin', kind: 'PatchTransformer', metadata: { name: 'notImportantHere' } }, ctx, ref),
    (e: unknown) => e instanceof KtsError && e.message.startsWith('plugin PatchTransformer.builtin.[noGrp]/notImportantHere.[noNs] fails configuration: must specify one of patch and path'),
  );
});

test('the prefix and suffix plugins refuse a config without fieldSpecs, and accept an empty list (checked with kubectl)', () => {
  for (const kind of ['PrefixSuffixTransformer', 'PrefixTransformer', 'SuffixTransformer']) {
    for (const fieldSpecs of [undefined, null]) {
      const config = { apiVersion: 'builtin', kind, metadata: { name: 'x' }, prefix: 'baked-', suffix: '-pie', ...(fieldSpecs === null ? { fieldSpecs } : {}) };
      assert.throws(
        () => builtinTransformer(config, ctx, ref),
        (e: unknown) => e instanceof KtsError && e.message === `plugin ${kind}.builtin.[noGrp]/x.[noNs] fails configuration: fieldSpecs is not expected to be nil`,
      );
    }
    builtinTransformer({ apiVersion: 'builtin', kind, metadata: { name: 'x' }, prefix: 'baked-', fieldSpecs: [] }, ctx, ref);
  }
});

test('generators: name and namespace default to the config metadata', () => {
  const [r] = builtinGenerator({ apiVersion: 'builtin', kind: 'ConfigMapGenerator', metadata: { name: 'm', namespace: 'ns' }, literals: ['a=b'], Options: { disableNameSuffixHash: true } }, ctx, ref, 'gen.yaml');
  equal(r!.obj, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm', namespace: 'ns' }, data: { a: 'b' } });
  assert.is(r!.generator!.hash, false);
  assert.is(r!.origin!.configuredIn, 'gen.yaml');
});

test('generator configs are decoded as Go decodes them: a number or boolean where a string belongs is an error (checked with kubectl)', () => {
  const gen = (fields: JsonObject) => () => builtinGenerator({ apiVersion: 'builtin', kind: 'ConfigMapGenerator', metadata: { name: 'x' }, literals: ['a=1'], ...fields }, ctx, ref, 'kustomization.yaml');
  assert.throws(gen({ behavior: 1 }), (e: unknown) => e instanceof KtsError && e.field === 'transformers[0].behavior' && /ConfigMapGenerator\.builtin\.\[noGrp\]\/x.*cannot unmarshal number/.test(e.message));
  assert.throws(gen({ options: { labels: { l: 1 } } }), (e: unknown) => e instanceof KtsError && e.field === 'transformers[0].options.labels.l' && /ConfigMapGenerator\.builtin\.\[noGrp\]\/x/.test(e.message));
  assert.throws(gen({ kind: 'SecretGenerator', type: true }), /cannot unmarshal bool into 'type'/);
  equal(metadataOfFirst(gen({ options: { labels: { l: '1' } } })()), { name: 'x', labels: { l: '1' } });
});

test("configuredBy carries the plugin config's metadata.namespace, printed after name as kustomize does", () => {
  const t = builtinTransformer({ apiVersion: 'builtin', kind: 'NamespaceTransformer', metadata: { name: 'nt', namespace: 'test' }, namespace: 'x' }, ctx, ref);
  equal(t.origin.configuredBy, { apiVersion: 'builtin', kind: 'NamespaceTransformer', name: 'nt', namespace: 'test' });
  // kubectl kustomize v5.5.0 (transformerannotation TestAnnoTransformerBuiltinInline) prints it so
  assert.is(transformationsText([t.origin]), '- configuredIn: kustomization.yaml\n  configuredBy:\n    apiVersion: builtin\n    kind: NamespaceTransformer\n    name: nt\n    namespace: test\n');
  const [r] = builtinGenerator({ apiVersion: 'builtin', kind: 'ConfigMapGenerator', metadata: { name: 'm', namespace: 'gen-ns' }, literals: ['a=b'] }, ctx, ref, 'gen.yaml');
  assert.match(originText(r!.origin!), /\n  name: m\n  namespace: gen-ns\n$/);
  // values YAML would read as numbers or booleans are quoted, as kustomize's YAML marshalling does (checked with kubectl)
  const odd = builtinTransformer({ apiVersion: 'builtin', kind: 'NamespaceTransformer', metadata: { name: 'true', namespace: '007' }, namespace: 'x' }, ctx, ref);
  assert.match(originText(odd.origin), /\n  name: "true"\n  namespace: "007"\n$/);
  const plain = builtinTransformer({ apiVersion: 'builtin', kind: 'NamespaceTransformer', metadata: { name: 'n' }, namespace: 'x' }, ctx, ref);
  assert.not.ok('namespace' in plain.origin.configuredBy!);
  // the `namespace:` field of a kustomization is printed by kind only (kubectl kustomize, buildMetadata: [transformerAnnotations])
  const [fromField] = kustomizationTransformers({ namespace: 'x' }, ctx);
  equal(fromField!.origin.configuredBy, { apiVersion: 'builtin', kind: 'NamespaceTransformer', name: '' });
});

test("kustomization fields configure the builtins in kustomize's order, skipping empty ones", () => {
  const ts = kustomizationTransformers(
    {
      images: [{ name: 'nginx', newTag: '2' }],
      commonAnnotations: { a: 'b' },
      namePrefix: 'p-',
      patches: [{ patch: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 2\n' }],
      namespace: 'ns',
      commonLabels: {},
      replicas: [{ name: 'd', count: 3 }],
    },
    ctx,
  );
  equal(
    ts.map((t) => t.origin.configuredBy!.kind),
    ['PatchTransformer', 'NamespaceTransformer', 'PrefixTransformer', 'AnnotationsTransformer', 'ReplicaCountTransformer', 'ImageTagTransformer'],
  );
  const rm = new ResMap([deployment()]);
  for (const t of ts) t.run(rm);
  const obj = rm.resources()[0]!.obj;
  equal(obj.metadata, { name: 'p-d', namespace: 'ns', annotations: { a: 'b' } });
  assert.is((obj.spec as JsonObject).replicas, 3);
});

test.run();
