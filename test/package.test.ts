import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { distBuilt, hasProgram, kts } from './helpers/cli.js';
import { repoRoot } from './helpers/paths.js';

// The package as users get it: `npm pack`, then installed into an empty project with `npm ci
// --offline` (its lock lists our dependencies as the repository's lock resolves them, so the npm
// cache `npm ci` filled serves them: no network), then `kts build` and `kts render` from there.

const ready = distBuilt && hasProgram('npm');
const npm = (args: string[], cwd: string) => spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });

interface PackResult {
  filename: string;
  files: { path: string }[];
}

const BUNDLE = ['cli.js', 'kts-build.js', 'kts-build.js.cache', 'kts.js', 'kts.js.cache', 'package.json', 'yaml.js'];
const SHIPPED = [/^dist\/bin\/(cli\.js|kts(-build)?\.js(\.cache)?|yaml\.js|package\.json)$/, /^dist\/src\/[\w/.-]+(?<!\.test)\.(js|d\.ts)$/, /^dist\/schemas\/[\w.]+\.cjs$/, /^schemas\/[\w.-]+\.json$/, /^(package\.json|README\.md|LICENSE)$/];
const REQUIRED = ['LICENSE', 'README.md', 'package.json', ...BUNDLE.map((f) => `dist/bin/${f}`), 'dist/src/index.js', 'dist/src/index.d.ts', 'schemas/kts.schema.json', 'schemas/kustomization.schema.json', 'schemas/patch-meta.json', 'dist/schemas/kts.validate.cjs', 'dist/schemas/kustomization.validate.cjs'];

test('npm pack ships the bundle, the library with its types, the schemas, README and LICENSE, and nothing stale', () => {
  if (!ready) return console.log('  (dist not built or npm missing: package test skipped)');
  const dest = mkdtempSync(join(tmpdir(), 'kts-pack-'));
  const r = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dest], repoRoot);
  assert.is(r.status, 0, r.stderr);
  const [pack] = JSON.parse(r.stdout) as PackResult[];
  const files = pack!.files.map((f) => f.path);
  for (const f of files) assert.ok(SHIPPED.some((re) => re.test(f)), `${f} should not be in the package`);
  for (const f of REQUIRED) assert.ok(files.includes(f), `${f} missing from the package`);
  assert.equal(files.filter((f) => f.startsWith('dist/bin/')).sort(), BUNDLE.map((f) => `dist/bin/${f}`), 'the bundles, their launcher and code caches');
  assert.equal(readdirSync(join(repoRoot, 'dist', 'bin')).sort(), BUNDLE, 'nothing stale in dist/bin');
  for (const f of files.filter((f) => f.startsWith('dist/src/') && f.endsWith('.js'))) {
    assert.ok(existsSync(join(repoRoot, f.replace(/^dist\//, '').replace(/\.js$/, '.ts'))), `${f} has no source (a stale build output)`);
  }
});

test('the packed tarball installs offline into an empty project; kts build and kts render work from it', () => {
  if (!ready) return;
  const project = mkdtempSync(join(tmpdir(), 'kts-consumer-'));
  const r = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', project], repoRoot);
  assert.is(r.status, 0, r.stderr);
  const tarball = (JSON.parse(r.stdout) as PackResult[])[0]!.filename;
  // A lock for `npm install --save-dev kustomize-ts` as our own lock resolves its dependencies.
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
  const self = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', devDependencies: { 'kustomize-ts': `file:${tarball}` } },
    'node_modules/kustomize-ts': { version: self.version, resolved: `file:${tarball}`, dev: true, license: self.license, dependencies: self.dependencies, bin: self.bin, engines: self.engines },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path.startsWith('node_modules/') && !entry.dev && !entry.devOptional) packages[path] = { ...entry, dev: true };
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, devDependencies: { 'kustomize-ts': `file:${tarball}` } }));
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }));
  const install = npm(['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], project);
  if (install.status !== 0 && /ENOTCACHED/.test(install.stderr)) return console.log('  (npm cache lacks the dependencies: offline install skipped)');
  assert.is(install.status, 0, install.stderr);
  for (const path of ['kts.yaml', 'bases', 'overlays']) cpSync(join(repoRoot, path), join(project, path), { recursive: true });
  const installed = (args: string[]) => spawnSync(join(project, 'node_modules', '.bin', 'kts'), args, { cwd: project, encoding: 'utf8' });
  const build = installed(['build', 'overlays/production']);
  assert.is(build.status, 0, build.stderr);
  assert.is(build.stdout, kts(['build', 'overlays/production']).stdout);
  const ctx = ['--branch', 'main', '--commit', '0123456789abcdef0123456789abcdef01234567', '--build', '7'];
  const render = installed(['render', 'ci', ...ctx]);
  assert.is(render.status, 0, render.stderr);
  assert.is(render.stdout, kts(['render', 'ci', ...ctx]).stdout);
  const npx = spawnSync('npx', ['--offline', 'kts', '--version'], { cwd: project, encoding: 'utf8' });
  assert.is(npx.stdout, `${String(self.version)}\n`, npx.stderr);
});

test.run();
