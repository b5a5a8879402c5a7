import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { kts } from './helpers/cli.js';
import { repoRoot } from './helpers/paths.js';

// kts init on the bundled example with its kts.yaml removed writes an equivalent file: the same
// environments, overlays, namespaces, host templates and images (what it cannot know, such as
// configMap values and preview quotas, it leaves out and says so).

interface Config {
  major?: string;
  images: { name: string; newName?: string }[];
  environments: Record<string, { overlay: string; namespace?: string; namespacePrefix?: string; host?: unknown }>;
}

const noCi = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(CI|GITHUB_|GITLAB_|JENKINS_|TEAMCITY_|BUILD_|GIT_|JOB_NAME|BRANCH_NAME)/.test(k)));

function example(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kts-init-'));
  for (const path of ['bases', 'overlays']) cpSync(join(repoRoot, path), join(dir, path), { recursive: true });
  return dir;
}

test('kts init on the example without kts.yaml writes an equivalent kts.yaml and renders every environment', () => {
  const dir = example();
  const r = kts(['init', '--domain', 'example.test', '--registry', 'registry.example.com', '--major', '3'], { cwd: dir, env: noCi });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'wrote kts.yaml: environments ci, branch, production; images shop/web, shop/worker\nok: every environment renders\n');
  assert.match(r.stderr, "kts: note: overlay 'overlays/shared-services' runs no image CI builds: left out (kts render/apply it as a directory)\n");
  assert.match(r.stderr, 'kts: note: images left as pinned in the manifests: docker.elastic.co/elasticsearch/elasticsearch:8.15.0, nginx:1.27-alpine, postgres:16-alpine, redis:7-alpine\n');
  const written = parse(readFileSync(join(dir, 'kts.yaml'), 'utf8')) as Config;
  const bundled = parse(readFileSync(join(repoRoot, 'kts.yaml'), 'utf8')) as Config;
  assert.is(written.major, bundled.major);
  assert.equal(written.images, bundled.images);
  for (const env of ['ci', 'branch', 'production']) {
    const { overlay, namespace, namespacePrefix, host } = bundled.environments[env]!;
    assert.equal(written.environments[env], JSON.parse(JSON.stringify({ overlay, namespace, namespacePrefix, host })), env);
  }
  assert.equal(Object.keys(written.environments), ['ci', 'branch', 'production']);
  const validate = kts(['validate', 'branch', '--branch', 'feature/x', '--commit', '0123456', '--build', '2'], { cwd: dir, env: noCi });
  assert.is(validate.code, 0, validate.stderr);
});

test('kts init never replaces a kts.yaml unless --force; --print only shows the proposal; no overlays is an error', () => {
  const dir = example();
  assert.is(kts(['init'], { cwd: dir, env: noCi }).code, 0);
  const first = readFileSync(join(dir, 'kts.yaml'), 'utf8');
  const again = kts(['init', '--major', '9'], { cwd: dir, env: noCi });
  assert.is(again.code, 1);
  assert.match(again.stderr, /^kts: kts\.yaml: kts\.yaml exists \(--force replaces it, --print shows the proposal\)\n$/);
  assert.is(readFileSync(join(dir, 'kts.yaml'), 'utf8'), first);
  const printed = kts(['init', '--print'], { cwd: dir, env: noCi });
  assert.is(printed.stdout, first);
  assert.match(first, /major: "1"/);
  assert.is(kts(['init', '--force', '--major', '9'], { cwd: dir, env: noCi }).code, 0);
  assert.match(readFileSync(join(dir, 'kts.yaml'), 'utf8'), /major: "9"/);
  const empty = kts(['init', mkdtempSync(join(tmpdir(), 'kts-init-empty-'))], { env: noCi });
  assert.is(empty.code, 1);
  assert.match(empty.stderr, /no overlays found: kts init looks for folders with a kustomization under an overlays\/ folder/);
});

test.run();
