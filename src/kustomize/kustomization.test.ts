import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { equal } from './testing.js';
import { KtsError } from '../errors.js';
import { loadKustomization, toKustomization } from './kustomization.js';
import { firstDocumentText } from './yaml/firstdoc.js';
import { Loader } from './loader.js';

function fails(fn: () => unknown, check: (e: KtsError) => boolean): void {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof KtsError, `expected a KtsError, got ${String(e)}`);
    assert.ok(check(e), `unexpected error: ${e.toLine()}`);
    return;
  }
  assert.unreachable('expected an error');
}

test('legacy fields fold into their successors as FixKustomization does', () => {
  const k = toKustomization(
    {
      resources: ['a.yaml'],
      bases: ['../base'],
      imageTags: [{ name: 'nginx', newTag: '1' }],
      images: [{ name: 'redis', newTag: '2' }],
      configMapGenerator: [{ name: 'c', env: 'x.env', envs: ['y.env'] }],
    },
    'kustomization.yaml',
  );
  equal(k.resources, ['a.yaml', '../base']);
  equal(k.images, [{ name: 'redis', newTag: '2' }, { name: 'nginx', newTag: '1' }]);
  equal(k.configMapGenerator, [{ name: 'c', envs: ['y.env', 'x.env'] }]);
  assert.is(k.kind, 'Kustomization');
  assert.is(k.apiVersion, 'kustomize.config.k8s.io/v1beta1');
  assert.is(toKustomization({ kind: 'Component', resources: [] }, 'k').apiVersion, 'kustomize.config.k8s.io/v1alpha1');
});

test('field names match case-insensitively, as Go decoding does', () => {
  const k = toKustomization({ nameprefix: 'p-', CommonLabels: { a: 'b' } }, 'k');
  assert.is(k.namePrefix, 'p-');
  equal(k.commonLabels, { a: 'b' });
});

test('unknown fields and wrong types name the file and the field', () => {
  fails(() => toKustomization({ resourcez: [] }, 'dir/kustomization.yaml'), (e) => e.file === 'dir/kustomization.yaml' && e.field === 'resourcez' && /unknown field/.test(e.message));
  fails(() => toKustomization({ configMapGenerator: [{ name: 'x', literal: ['a=b'] }] }, 'k'), (e) => e.field === 'configMapGenerator[0].literal');
  fails(() => toKustomization({ commonLabels: { a: 1 } }, 'k'), (e) => e.field === 'commonLabels.a');
  fails(() => toKustomization({ resources: 'a.yaml' }, 'k'), (e) => e.field === 'resources');
  fails(() => toKustomization({ kind: 'Component', apiVersion: 'kustomize.config.k8s.io/v1beta1', namePrefix: 'p' }, 'k'), (e) => e.field === 'apiVersion');
  fails(() => toKustomization({ kind: 'Deployment', namePrefix: 'p' }, 'k'), (e) => e.field === 'kind');
});

test('an empty kustomization is an error, as in kustomize v5.5.0', () => {
  fails(() => toKustomization(null, 'k.yaml'), (e) => /empty/.test(e.message) && e.file === 'k.yaml');
  fails(() => toKustomization({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', bases: [] }, 'k'), (e) => /empty/.test(e.message));
  equal(toKustomization({ resources: [] }, 'k').resources, []);
});

test('helm fields are checked as kustomize declares them; the legacy generator folds into helmCharts; inventory is unknown in v5.5.0', () => {
  fails(() => toKustomization({ helmCharts: [{ name: 'x', bogus: 1 }] }, 'k'), (e) => e.field === 'helmCharts[0].bogus' && /unknown field/.test(e.message));
  fails(() => toKustomization({ helmCharts: [{ name: 'x', includeCRDs: 'yes' }] }, 'k'), (e) => e.field === 'helmCharts[0].includeCRDs');
  assert.ok(toKustomization({ helmGlobals: { chartHome: 'x' }, helmCharts: [] }, 'k'));
  const k = toKustomization(
    { helmCharts: [{ name: 'a' }], helmChartInflationGenerator: [{ chartName: 'b', chartVersion: '1', chartRepoUrl: 'https://r', values: 'v.yaml', releaseName: 'rb', releaseNamespace: 'ignored', chartHome: 'home', helmHome: 'cfg' }] },
    'k',
  );
  equal(k.helmCharts, [{ name: 'a' }, { name: 'b', version: '1', repo: 'https://r', valuesFile: 'v.yaml', releaseName: 'rb' }]);
  equal(k.helmGlobals, { chartHome: 'home', configHome: 'cfg' });
  assert.not.ok('helmChartInflationGenerator' in k);
  fails(() => toKustomization({ inventory: { type: 'ConfigMap' } }, 'k'), (e) => e.field === 'inventory' && /unknown field/.test(e.message));
});

test('kustomization file discovery: one of the three names, never two', () => {
  const d = mkdtempSync(join(tmpdir(), 'kts-k-'));
  for (const [sub, names] of [
    ['yml', ['kustomization.yml']],
    ['cap', ['Kustomization']],
    ['two', ['kustomization.yaml', 'kustomization.yml']],
    ['none', []],
  ] as const) {
    mkdirSync(join(d, sub));
    for (const n of names) writeFileSync(join(d, sub, n), 'namePrefix: x-\n');
  }
  assert.is(loadKustomization(Loader.at(join(d, 'yml'))).fileName, 'kustomization.yml');
  assert.is(loadKustomization(Loader.at(join(d, 'cap'))).kustomization.namePrefix, 'x-');
  fails(() => loadKustomization(Loader.at(join(d, 'two'))), (e) => /multiple kustomization files/.test(e.message));
  fails(() => loadKustomization(Loader.at(join(d, 'none'))), (e) => /unable to find one of/.test(e.message));
});

test('only the first YAML document counts, as go-yaml Unmarshal reads it (checked with kubectl)', () => {
  const load = (text: string) => {
    const d = mkdtempSync(join(tmpdir(), 'kts-k-'));
    writeFileSync(join(d, 'kustomization.yaml'), text);
    return loadKustomization(Loader.at(d)).kustomization;
  };
  assert.is(load('namePrefix: a-\n---\nbogus: 1\n').namePrefix, 'a-');
  assert.is(load('# c\n---\nnamePrefix: a-\n...\n: bad: [\n').namePrefix, 'a-');
  fails(() => load('---\n---\nnamePrefix: a-\n'), (e) => /kustomization is empty/.test(e.message));
});

test('malformed YAML is reported with file and line', () => {
  const d = mkdtempSync(join(tmpdir(), 'kts-k-'));
  writeFileSync(join(d, 'kustomization.yaml'), 'resources:\n- a.yaml\nnamePrefix: [oops\n');
  fails(() => loadKustomization(Loader.at(d)), (e) => e.file!.endsWith('kustomization.yaml') && typeof e.line === 'number');
});

test('firstDocumentText keeps a lone document whole', () => {
  assert.is(firstDocumentText('a: 1\nb: |\n  ---x\n'), 'a: 1\nb: |\n  ---x\n');
  assert.is(firstDocumentText('%YAML 1.1\n---\na: 1\n--- \nb: 2\n'), '%YAML 1.1\n---\na: 1\n');
});

test.run();
