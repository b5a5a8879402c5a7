// The shipped executable (dist/bin/cli.js) runs the CLI bundles through V8 code caches written by
// `npm run build`. It must stay an ordinary npm bin: never write into its install folder, and
// build the same bytes when a cache is missing or was made by another Node.js (V8 refuses it).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { distBuilt } from './helpers/cli.js';
import { repoRoot } from './helpers/paths.js';

/** A copy of the installed package: its bin folder, the schemas, package.json and node_modules. */
function install(): string {
  const pkg = mkdtempSync(join(tmpdir(), 'kts-install-'));
  cpSync(join(repoRoot, 'dist', 'bin'), join(pkg, 'dist', 'bin'), { recursive: true });
  cpSync(join(repoRoot, 'schemas'), join(pkg, 'schemas'), { recursive: true });
  cpSync(join(repoRoot, 'package.json'), join(pkg, 'package.json'));
  symlinkSync(join(repoRoot, 'node_modules'), join(pkg, 'node_modules'));
  return pkg;
}

/** `kts build DIR` (dist/bin/kts-build.js) or `kts render DIR` (dist/bin/kts.js). */
function run(pkg: string, command: 'build' | 'render', dir: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(pkg, 'dist', 'bin', 'cli.js'), command, dir], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function snapshot(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .map((f) => `${f} ${statSync(join(dir, f)).mtimeMs} ${statSync(join(dir, f)).size}`);
}

// A strategic-merge patch (reads schemas/patch-meta.json), a JSON patch (inlined fast-json-patch),
// a generator (hashing) and an anchor (the full YAML parser, dist/bin/yaml.js).
const fixture = mkdtempSync(join(tmpdir(), 'kts-launch-'));
writeFileSync(
  join(fixture, 'app.yaml'),
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: &l\n    app: web\n  annotations: *l\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1\t\n',
);
writeFileSync(
  join(fixture, 'kustomization.yaml'),
  `resources:
- app.yaml
configMapGenerator:
- name: cfg
  literals: [a=b]
patches:
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      template:
        spec:
          containers:
          - name: web
            envFrom: [{configMapRef: {name: cfg}}]
- target: {kind: Deployment}
  patch: '[{"op": "add", "path": "/spec/replicas", "value": 2}]'
`,
);

test('the bin builds and renders without writing to its install folder, with its caches, without them, and with foreign ones', () => {
  if (!distBuilt) {
    console.log('  (skipped: dist/bin/cli.js not built)');
    return;
  }
  const pkg = install();
  try {
    const bin = join(pkg, 'dist', 'bin');
    const before = snapshot(bin);
    const first = run(pkg, 'build', fixture);
    assert.is(first.stderr, '');
    assert.is(first.code, 0);
    assert.match(first.stdout, /name: cfg-[a-z0-9]{10}\n/);
    assert.match(first.stdout, /replicas: 2\n/);
    assert.match(first.stdout, /image: nginx:1\n/);
    assert.match(first.stdout, /annotations:\n    app: web\n/);
    const rendered = run(pkg, 'render', fixture);
    assert.is(rendered.code, 0, rendered.stderr);
    assert.match(rendered.stdout, /annotations:\n    app: web\n/);
    assert.equal(snapshot(bin), before, 'nothing written next to the package');

    for (const cache of ['kts-build.js.cache', 'kts.js.cache']) writeFileSync(join(bin, cache), Buffer.from('not a V8 code cache, or one from another Node.js'));
    assert.equal(run(pkg, 'build', fixture), first);
    assert.equal(run(pkg, 'render', fixture), rendered);
    for (const cache of ['kts-build.js.cache', 'kts.js.cache']) rmSync(join(bin, cache));
    assert.equal(run(pkg, 'build', fixture), first);
    assert.equal(run(pkg, 'render', fixture), rendered);
  } finally {
    rmSync(pkg, { recursive: true, force: true });
  }
});

test.run();
