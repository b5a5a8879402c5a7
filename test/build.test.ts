import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasProgram, kts, ktsArgv } from './helpers/cli.js';
import { sharedDir } from './helpers/paths.js';
import { equal } from '../src/kustomize/testing.js';
import { build, buildKustomization, serialize } from '../src/index.js';
import { tree } from './helpers/tree.js';

const app = tree({
  'base/kustomization.yaml': 'resources:\n- deploy.yaml\nconfigMapGenerator:\n- name: cfg\n  literals:\n  - a=b\n',
  'base/deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.0
        envFrom:
        - configMapRef:
            name: cfg
`,
  'overlay/kustomization.yaml': 'resources:\n- ../base\nnamePrefix: dev-\nnamespace: dev\nimages:\n- name: nginx\n  newTag: "2.0"\n',
});

const expected = `apiVersion: v1
data:
  a: b
kind: ConfigMap
metadata:
  name: dev-cfg-4h2mbtbbt6
  namespace: dev
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: dev-web
  namespace: dev
spec:
  template:
    spec:
      containers:
      - envFrom:
        - configMapRef:
            name: dev-cfg-4h2mbtbbt6
        image: nginx:2.0
        name: web
`;

test('kts build prints the overlay as kustomize does: prefix, namespace, image, hashed generator reference', () => {
  const r = kts(['build', join(app, 'overlay')]);
  assert.is(r.stderr, '');
  assert.is(r.code, 0);
  assert.is(r.stdout, expected);
});

test('the output is identical to kubectl kustomize', () => {
  if (!hasProgram('kubectl')) {
    console.log('skipped: kubectl not installed');
    return;
  }
  const r = kts(['build', join(app, 'overlay')]);
  const k = spawnSync('kubectl', ['kustomize', join(app, 'overlay')], { encoding: 'utf8' });
  assert.is(k.status, 0, k.stderr);
  assert.is(r.stdout, k.stdout);
});

test('library API: build and serialize give what the CLI prints; buildKustomization layers in memory', () => {
  const resources = build(join(app, 'overlay'));
  assert.is(resources.length, 2);
  assert.is(serialize(resources), expected);
  const layered = buildKustomization({ resources: ['../base'], commonLabels: { team: 'x' } }, join(app, 'overlay'));
  equal((layered[1]!.obj.metadata as { labels: unknown }).labels, { team: 'x' });
});

test('-o FILE writes the stream; -o DIR writes one file per resource named as kustomize names them', () => {
  const out = mkdtempSync(join(tmpdir(), 'kts-out-'));
  assert.is(kts(['build', join(app, 'overlay'), '-o', join(out, 'all.yaml')]).code, 0);
  assert.is(readFileSync(join(out, 'all.yaml'), 'utf8'), expected);
  const dir = join(out, 'dir');
  mkdirSync(dir);
  assert.is(kts(['build', join(app, 'overlay'), '--output', dir]).code, 0);
  assert.equal(readdirSync(dir).sort(), ['apps_v1_deployment_dev-web.yaml', 'v1_configmap_dev-cfg-4h2mbtbbt6.yaml']);
});

test('--reorder none keeps accumulation order; --enable-managedby-label adds the label', () => {
  const r = kts(['build', '--reorder', 'none', '--enable-managedby-label', join(app, 'overlay')]);
  assert.is(r.code, 0);
  assert.ok(r.stdout.indexOf('kind: Deployment') < r.stdout.indexOf('kind: ConfigMap'));
  assert.ok(r.stdout.includes('app.kubernetes.io/managed-by: kustomize-(devel)'));
});

test('local-config resources are dropped unless the annotation says false', () => {
  const dir = tree({
    'kustomization.yaml': 'resources:\n- r.yaml\n',
    'r.yaml': ['true', '""', '"yes"', 'false', '"false"']
      .map((v, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n  annotations:\n    config.kubernetes.io/local-config: ${v}\n`)
      .join('---\n'),
  });
  assert.equal(
    build(dir).map((r) => (r.obj.metadata as { name: string }).name),
    ['c3', 'c4'],
  );
});

test('user errors: one line naming file and field, exit 1, no stack trace', () => {
  const bad = tree({
    'missing/kustomization.yaml': 'resources:\n- nope.yaml\n',
    'unknown/kustomization.yaml': 'resourcez: []\n',
    'cycle/a/kustomization.yaml': 'resources:\n- ../b\n',
    'cycle/b/kustomization.yaml': 'resources:\n- ../a\n',
    'dup/kustomization.yaml': 'resources:\n- a.yaml\n- b.yaml\n',
    'dup/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
    'dup/b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
    'yaml/kustomization.yaml': 'resources:\n- r.yaml\n',
    'yaml/r.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n',
    'remote/kustomization.yaml': 'resources:\n- http://127.0.0.1:1/org/repo//base?ref=v1\n',
    'helm/kustomization.yaml': 'helmCharts:\n- name: x\n',
    'plugin/kustomization.yaml': 'transformers:\n- t.yaml\n',
    'plugin/t.yaml': 'apiVersion: someteam.example.com/v1\nkind: ChartInflator\nmetadata:\n  name: x\n',
    'outside/root/kustomization.yaml': 'resources:\n- ../cm.yaml\n',
    'outside/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
  });
  const cases: [string, RegExp][] = [
    ['missing', /kustomization\.yaml: resources\[0\]: .*nope\.yaml/],
    ['unknown', /kustomization\.yaml: resourcez: unknown field/],
    ['cycle/a', /cycle detected/],
    ['dup', /may not add resource with an already registered id: ConfigMap\.v1\.\[noGrp\]\/x\.\[noNs\]/],
    ['yaml', /r\.yaml:\d+: invalid YAML/],
    ['remote', /resources\[0\]: fetching 'http:\/\/127\.0\.0\.1:1\/org\/repo\/\/base\?ref=v1' failed: .*ECONNREFUSED/],
    ['helm', /helmCharts\[0\]: must specify --enable-helm/],
    ['plugin', /transformers\[0\]: external plugin .* refused/],
    ['outside/root', /security; file .* is not in or below/],
  ];
  for (const [dir, message] of cases) {
    const r = kts(['build', join(bad, dir)]);
    assert.is(r.code, 1, `${dir}: ${r.stderr}`);
    assert.match(r.stderr, message, dir);
    assert.is(r.stderr.trim().split('\n').length, 1, `${dir}: ${r.stderr}`);
    assert.not.match(r.stderr, /\n\s+at /);
  }
  assert.is(kts(['build', '--load-restrictor', 'LoadRestrictionsNone', join(bad, 'outside/root')]).code, 0);
});

test('usage errors exit 2', () => {
  assert.is(kts(['build', '--reorder', 'sideways', app]).code, 2);
  assert.is(kts(['build', '--no-such-flag', app]).code, 2);
  assert.is(kts(['build', 'a', 'b']).code, 2);
});

// kts writes its output to descriptor 1 directly (not through process.stdout): 2.6 MB, more than a pipe holds.
const large = tree({
  'kustomization.yaml': 'resources:\n- cm.yaml\n',
  'cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: large\ndata:\n${Array.from({ length: 40000 }, (_, i) => `  key${i}: value-${i}-${'x'.repeat(40)}\n`).join('')}`,
});

test('every byte reaches a reader through a non-blocking pipe (the write that would block goes on through process.stdout)', () => {
  if (!hasProgram('python3')) {
    console.log('skipped: python3 not found (Node.js cannot hand a child a non-blocking pipe)');
    return;
  }
  // the reader starts reading once the pipe is full
  const reader = `import os, subprocess, sys, time
r, w = os.pipe()
os.set_blocking(w, False)
p = subprocess.Popen(sys.argv[1:], stdout=w)
os.close(w)
time.sleep(0.3)
with os.fdopen(r, 'rb') as f:
    sys.stdout.buffer.write(f.read())
sys.exit(p.wait())
`;
  const r = spawnSync('python3', ['-c', reader, process.execPath, ...ktsArgv(['build', large])], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.is(r.status, 0, r.stderr);
  const direct = kts(['build', large]);
  assert.is(r.stdout.length, direct.stdout.length);
  assert.ok(r.stdout === direct.stdout);
});

test('-o FILE gets a large output whole; a file that cannot be created is a one-line user error', () => {
  const out = mkdtempSync(join(tmpdir(), 'kts-out-'));
  assert.is(kts(['build', large, '-o', join(out, 'all.yaml')]).code, 0);
  assert.ok(readFileSync(join(out, 'all.yaml'), 'utf8') === kts(['build', large]).stdout);
  const r = kts(['build', large, '-o', join(out, 'missing', 'all.yaml')]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /cannot write the build output/);
  assert.is(r.stderr.trim().split('\n').length, 1);
});

test('conformance corpus samples build byte-identically', () => {
  if (!sharedDir) {
    console.log('skipped: ../shared/conformance not present');
    return;
  }
  const cases = join(sharedDir, 'conformance', 'cases');
  for (const name of ['simple__TestSimple1', 'configmaps__TestGeneratorBasics', 'component__TestComponent__2', 'variableref__TestVarRefBig']) {
    const spec = JSON.parse(readFileSync(join(cases, name, 'case.json'), 'utf8')) as { build: string; flags: string[] };
    const files = join(cases, name, 'files');
    const r = kts(['build', ...spec.flags, join(files, spec.build)]);
    assert.is(r.code, 0, `${name}: ${r.stderr}`);
    assert.is(r.stdout, readFileSync(join(cases, name, 'expected.yaml'), 'utf8'), name);
  }
});

test.run();
