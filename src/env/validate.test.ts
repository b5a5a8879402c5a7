import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot, sharedDir } from '../../test/helpers/paths.js';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newResource, type JsonObject } from '../kustomize/resource.js';
import { checkKustomizations, checkObjects } from './validate.js';

const cm = (metadata: JsonObject, extra: JsonObject = {}) => newResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata, ...extra });

test('valid objects have no problems', () => {
  assert.equal(checkObjects([cm({ name: 'a.b-c', namespace: 'ns', labels: { 'app.kubernetes.io/name': 'x', empty: '' }, annotations: { 'example.com/long': 'x'.repeat(500) } })], 'out'), []);
});

test('every problem of every object is listed with its id and field', () => {
  const problems = checkObjects(
    [
      cm({ name: 'Bad_Name', labels: { 'bad key': 'v', ok: 'has space', long: 'x'.repeat(64) }, annotations: { 'Bad_Prefix/x': 'v' } }),
      newResource({ kind: 'Service', metadata: { name: 'a.b' } }),
      newResource({ apiVersion: 'v1', kind: 'Secret' }),
      cm({ name: 'dup', namespace: 'ns' }),
      cm({ name: 'dup', namespace: 'ns' }),
      cm({ name: 'dup', namespace: 'other' }),
    ],
    'render ci',
  );
  const lines = problems.map((p) => `${p.field}: ${p.message}`);
  const expect = [
    /^v1 ConfigMap Bad_Name metadata.name: 'Bad_Name' is not a valid DNS-1123 subdomain name$/,
    /^v1 ConfigMap Bad_Name metadata.labels\["bad key"\]: key name 'bad key'/,
    /^v1 ConfigMap Bad_Name metadata.labels\["ok"\]: value 'has space' is not a valid label value/,
    /^v1 ConfigMap Bad_Name metadata.labels\["long"\]: value 'x{64}' is not a valid label value/,
    /^v1 ConfigMap Bad_Name metadata.annotations\["Bad_Prefix\/x"\]: key prefix 'Bad_Prefix' is not a DNS subdomain$/,
    /^Service a.b apiVersion: required field is missing$/,
    /^Service a.b metadata.name: 'a.b' is not a valid DNS-1123 label name$/,
    /^object #3 metadata: required field is missing$/,
    /^v1 ConfigMap ns\/dup: duplicate of object #4/,
  ];
  assert.is(lines.length, expect.length, lines.join('\n'));
  expect.forEach((re, i) => assert.match(lines[i]!, re));
  assert.ok(problems.every((p) => p.file === 'render ci'));
});

let root = '';
test.before.each(() => {
  root = mkdtempSync(join(tmpdir(), 'kts-validate-'));
});
test.after.each(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, text: string) {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

test('kustomization files are checked along resources and components, each once', () => {
  file('base/kustomization.yaml', 'resources: [cm.yaml]\nnamePrefx: x-\n');
  file('base/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
  file('comp/kustomization.yaml', 'kind: Component\napiVersion: kustomize.config.k8s.io/v1alpha1\nimages: [{newTag: "1"}]\n');
  file('overlay/kustomization.yaml', 'resources: [../base, ../base, missing.yaml]\ncomponents: [../comp]\nNamespace: ok\nreplicas: [{name: web, count: -1}]\n');
  const { problems, files } = checkKustomizations(join(root, 'overlay'), root);
  assert.is(files, 3);
  assert.equal(
    problems.map((p) => `${p.file}: ${p.field}: ${p.message}`),
    [
      'overlay/kustomization.yaml: replicas[0].count: must be >= 0',
      'base/kustomization.yaml: namePrefx: unknown field',
      "overlay/kustomization.yaml: resources[2]: 'missing.yaml' does not exist",
      'comp/kustomization.yaml: images[0].name: required field is missing',
    ],
  );
});

test('a directory without a kustomization and a YAML error are problems, not crashes', () => {
  mkdirSync(join(root, 'empty'));
  assert.equal(checkKustomizations(join(root, 'empty'), root).problems.map((p) => p.message), ['no kustomization.yaml in this directory']);
  file('bad/kustomization.yaml', 'resources: [\n');
  const [p] = checkKustomizations(join(root, 'bad'), root).problems;
  assert.is(p!.file, 'bad/kustomization.yaml');
  assert.match(p!.field, /^line \d+$/);
});

test('the example overlays and component are valid kustomizations', () => {
  for (const dir of ['overlays/ci', 'overlays/branch', 'overlays/production', 'bases/components/shared-backends']) {
    assert.equal(checkKustomizations(join(repoRoot, dir), repoRoot).problems, [], dir);
  }
});

// Every kustomization kustomize v5.5.0 builds must pass the schema (no false alarms from kts validate).
const corpus = sharedDir ? join(sharedDir, 'conformance', 'cases') : undefined;
(corpus ? test : test.skip)('the kustomization schema accepts every kustomization of the conformance corpus that kustomize builds', () => {
  let checked = 0;
  const rejected: string[] = [];
  for (const name of readdirSync(corpus!)) {
    const meta = JSON.parse(readFileSync(join(corpus!, name, 'case.json'), 'utf8')) as { build: string; expect: string };
    if (meta.expect !== 'output') continue;
    const files = join(corpus!, name, 'files');
    // YAML syntax is the parser's business (src/kustomize/yaml), not the schema's.
    const problems = checkKustomizations(join(files, meta.build), files).problems.filter((p) => !p.field.startsWith('line '));
    if (problems.length) rejected.push(`${name}: ${problems.map((p) => `${p.file}: ${p.field}: ${p.message}`).join('; ')}`);
    checked++;
  }
  assert.ok(checked > 200, `checked ${checked} cases`);
  assert.equal(rejected, []);
});

test.run();
