// End to end through the CLI: kts render/context/validate on the bundled example.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { hasProgram, kts } from './helpers/cli.js';
import { repoRoot } from './helpers/paths.js';
import { GOLDEN_ENVS, goldenArgs, goldenFile, noCiEnv } from './env-fixtures.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

for (const env of GOLDEN_ENVS) {
  test(`kts render ${env} with a fixed context equals the golden file`, () => {
    const r = kts(goldenArgs(env), { env: noCiEnv });
    assert.is(r.stderr, '');
    assert.is(r.code, 0);
    assert.fixture(r.stdout, readFileSync(goldenFile(env), 'utf8'));
  });
}

if (hasProgram('kubectl')) {
  test('kts build equals kubectl kustomize byte for byte on every overlay', () => {
    for (const o of ['ci', 'branch', 'production']) {
      const ref = spawnSync('kubectl', ['kustomize', join(repoRoot, 'overlays', o)], { encoding: 'utf8' });
      const ours = kts(['build', join('overlays', o)]);
      assert.is(ours.code, 0, `${o}: ${ours.stderr}`);
      assert.fixture(ours.stdout, ref.stdout, o);
    }
  });
} else {
  console.log('env-cli: kubectl not found, kts build vs kubectl kustomize skipped');
}

const providers: [string, NodeJS.ProcessEnv, Record<string, [string, string]>][] = [
  ['Jenkins', { JENKINS_URL: 'http://jenkins/', GIT_COMMIT: SHA, GIT_BRANCH: 'origin/feature/jenkins', BUILD_NUMBER: '11', JOB_NAME: 'shop/x' }, { branch: ['feature/jenkins', 'env GIT_BRANCH (Jenkins, remote prefix stripped)'], build: ['11', 'env BUILD_NUMBER (Jenkins)'] }],
  ['TeamCity', { TEAMCITY_VERSION: '2024.1', BUILD_VCS_NUMBER: SHA, BUILD_NUMBER: '12', TEAMCITY_BUILD_BRANCH: 'feature/tc' }, { branch: ['feature/tc', 'env TEAMCITY_BUILD_BRANCH (TeamCity, set from %teamcity.build.branch%)'], build: ['12', 'env BUILD_NUMBER (TeamCity)'] }],
  ['GitHub Actions', { GITHUB_ACTIONS: 'true', GITHUB_SHA: SHA, GITHUB_HEAD_REF: 'feature/gh', GITHUB_RUN_NUMBER: '13' }, { branch: ['feature/gh', 'env GITHUB_HEAD_REF (GitHub Actions)'], build: ['13', 'env GITHUB_RUN_NUMBER (GitHub Actions)'] }],
  ['GitLab CI', { GITLAB_CI: 'true', CI_COMMIT_SHA: SHA, CI_COMMIT_REF_NAME: 'feature/gl', CI_PIPELINE_IID: '14' }, { branch: ['feature/gl', 'env CI_COMMIT_REF_NAME (GitLab CI)'], build: ['14', 'env CI_PIPELINE_IID (GitLab CI)'] }],
];

for (const [name, vars, expected] of providers) {
  test(`kts context reads ${name} variables and names them as sources`, () => {
    const r = kts(['context', 'branch', '--json'], { env: { ...noCiEnv, ...vars, DEVELOPMENT_SERVER_DOMAIN: 'dev.example.org' } });
    assert.is(r.code, 0, r.stderr);
    const ctx = JSON.parse(r.stdout) as Record<string, { value: string; source: string }>;
    assert.is(ctx.provider!.value, name);
    assert.equal([ctx.branch!.value, ctx.branch!.source], expected.branch);
    assert.equal([ctx.build!.value, ctx.build!.source], expected.build);
    assert.is(ctx.commit!.value, SHA);
    assert.is(ctx.domain!.source, 'env DEVELOPMENT_SERVER_DOMAIN');
    assert.is(ctx.host!.value, `${ctx.slug!.value}.dev.example.org`);
    assert.is(ctx['image shop/web']!.value, `registry.example.com/shop/web:3.${expected.build[0]}-0123456`);
  });
}

test('flags win over CI variables in kts context and kts render', () => {
  const env = { ...noCiEnv, GITLAB_CI: 'true', CI_COMMIT_SHA: SHA, CI_COMMIT_REF_NAME: 'from-env', CI_PIPELINE_IID: '1' };
  const ctx = JSON.parse(kts(['context', 'ci', '--json', '--branch', 'from-flag', '--build', '2'], { env }).stdout) as Record<string, { value: string; source: string }>;
  assert.equal([ctx.branch!.value, ctx.branch!.source, ctx.build!.source, ctx.commit!.source], ['from-flag', 'flag --branch', 'flag --build', 'env CI_COMMIT_SHA (GitLab CI)']);
  const r = kts(['render', 'ci', '--branch', 'from-flag', '--tag', 'v7', '--image', `shop/worker=other/worker@sha256:${'e'.repeat(64)}`], { env });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /namespace: ci-from-flag\n/);
  assert.match(r.stdout, /image: registry.example.com\/shop\/web:v7\n/);
  assert.match(r.stdout, new RegExp(`image: other/worker@sha256:${'e'.repeat(64)}\\n`));
  assert.match(r.stdout, /kts.dev\/branch-name: from-flag\n/);
});

test('kts render -o writes the manifests to a file', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kts-out-'));
  try {
    const out = join(tmp, 'ci.yaml');
    const r = kts(['render', 'ci', '-o', out, '--branch', 'x', '--commit', SHA, '--build', '1'], { env: noCiEnv });
    assert.equal([r.code, r.stdout], [0, '']);
    assert.match(readFileSync(out, 'utf8'), /^apiVersion: v1\nkind: Namespace\n[\s\S]*  name: ci-x\n/);
    const bad = kts(['render', 'ci', '-o', join(tmp, 'missing', 'x.yaml'), '--build', '1'], { env: noCiEnv });
    assert.is(bad.code, 1);
    assert.match(bad.stderr, /missing\/x.yaml: cannot write output/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('kts context --field prints one value for shell scripts', () => {
  const args = ['context', 'branch', '--branch', 'Feature/X', '--commit', SHA, '--build', '9'];
  const image = kts([...args, '--field', 'image shop/web'], { env: noCiEnv });
  assert.equal([image.code, image.stdout, image.stderr], [0, 'registry.example.com/shop/web:3.9-0123456\n', '']);
  const ns = kts([...args, '--field', 'namespace'], { env: noCiEnv });
  assert.match(ns.stdout, /^preview-feature-x-[a-z2-7]{20}\n$/);
  const bad = kts([...args, '--field', 'nope'], { env: noCiEnv });
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /no field 'nope' \(fields: environment, provider, branch, slug/);
});

test('npm start scenario: kts render ci without CI variables uses the checkout, then placeholders (flagged)', () => {
  const inRepo = kts(['render', 'ci'], { env: noCiEnv });
  assert.is(inRepo.code, 0, inRepo.stderr);
  assert.match(inRepo.stderr, /^kts: warning: no CI context for build: using placeholders \(set --build\)\n$/);
  // No git repository at all (GIT_DIR points nowhere): every missing value is a marked placeholder.
  const bare = kts(['render', 'ci'], { env: { ...noCiEnv, GIT_DIR: join(tmpdir(), 'kts-no-such-git-dir') } });
  assert.is(bare.code, 0, bare.stderr);
  assert.match(bare.stderr, /warning: no CI context for branch, commit, build: using placeholders/);
  assert.match(bare.stdout, /namespace: ci-local\n/);
  assert.match(bare.stdout, /kts.dev\/branch-name: local\n/);
});

test('kts validate lists every problem and exits 1', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kts-validate-'));
  try {
    mkdirSync(join(tmp, 'app'));
    writeFileSync(join(tmp, 'app', 'kustomization.yaml'), 'resources: [cm.yaml, gone.yaml]\ncommonLabel: {a: b}\n');
    writeFileSync(join(tmp, 'app', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
    const r = kts(['validate', join(tmp, 'app')]);
    assert.is(r.code, 1);
    assert.match(r.stderr, /app\/kustomization.yaml: commonLabel: unknown field\n/);
    assert.match(r.stderr, /app\/kustomization.yaml: resources\[1\]: 'gone.yaml' does not exist\n/);
    assert.match(r.stderr, /2 problems found\n$/);
    const json = kts(['validate', join(tmp, 'app'), '--json']);
    assert.is(json.code, 1);
    assert.is(json.stderr, '');
    const report = JSON.parse(json.stdout) as { ok: boolean; problems: { file: string; field: string; message: string }[] };
    assert.is(report.ok, false);
    assert.equal(report.problems.map((p) => p.field), ['commonLabel', 'resources[1]']);
    assert.match(report.problems[1]!.message, "'gone.yaml' does not exist");
    writeFileSync(join(tmp, 'app', 'kustomization.yaml'), 'resources: [cm.yaml]\ncommonLabels: {team: has space}\n');
    const objects = kts(['validate', join(tmp, 'app')]);
    assert.is(objects.code, 1, objects.stderr);
    assert.match(objects.stderr, /app \(rendered\): v1 ConfigMap a metadata.labels\["team"\]: value 'has space' is not a valid label value/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('kts validate passes on the example environments and overlays', () => {
  for (const target of ['ci', 'branch', 'branch-shared', 'production', 'overlays/ci']) {
    const r = kts(['validate', target, '--branch', 'feature/x', '--commit', SHA, '--build', '1'], { env: noCiEnv });
    assert.is(r.code, 0, `${target}: ${r.stderr}`);
    assert.match(r.stdout, /^ok: \d+ kustomization files, \d+ objects\n$/);
  }
  const json = kts(['validate', 'production', '--json', '--branch', 'main', '--commit', SHA, '--build', '1'], { env: noCiEnv });
  assert.is(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as { ok: boolean; files: number; objects: number; problems: unknown[] };
  assert.equal([report.ok, report.problems], [true, []]);
  assert.ok(report.files > 0 && report.objects > 0);
});

test('kts validate and kts render refuse one host template over the two-host Ingress: the rules would collapse', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kts-hosts-'));
  try {
    const config = readFileSync(join(repoRoot, 'kts.yaml'), 'utf8')
      .replace(/^    host:.*\n(      .*\n)+/m, '    host: "{slug}.{domain}"\n')
      .replace(/overlay: /g, `overlay: ${repoRoot}/`)
      .replace(/- bases\//g, `- ${repoRoot}/bases/`);
    writeFileSync(join(tmp, 'kts.yaml'), config);
    const v = kts(['validate', 'ci', '--config', join(tmp, 'kts.yaml'), '--branch', 'b1', '--commit', SHA, '--build', '1'], { env: noCiEnv });
    assert.is(v.code, 1, v.stderr);
    assert.match(v.stderr, /kts.yaml: Ingress ci-b1\/web spec.rules\[1\].host 'api.shop.localhost' and Ingress ci-b1\/web spec.rules\[0\].host 'shop.localhost' would both become 'b1.ci.example.test': give each host its own template \(environments.ci.host: \{overlay host: template\}\)\n1 problem found\n$/);
    const r = kts(['render', 'ci', '--config', join(tmp, 'kts.yaml'), '--branch', 'b1', '--commit', SHA, '--build', '1'], { env: noCiEnv });
    assert.is(r.code, 1);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('bad input: schema errors name kts.yaml and the field; usage errors exit 2', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kts-badcfg-'));
  try {
    writeFileSync(join(tmp, 'kts.yaml'), 'environments:\n  ci: {overlay: ., namespacePrefix: BAD}\n');
    const r = kts(['render', 'ci', '--config', join(tmp, 'kts.yaml')], { env: noCiEnv });
    assert.is(r.code, 1);
    assert.match(r.stderr, /^kts: [^:]*kts.yaml: environments.ci.namespacePrefix: invalid value/);
    assert.not.match(r.stderr, /at .*\.js/, 'no stack trace');
    writeFileSync(join(tmp, 'kts.yaml'), 'environments:\n  ci: {overlay: ., namespacePrefix: BAD, colour: red}\n');
    const v = kts(['validate', 'ci', '--config', join(tmp, 'kts.yaml')], { env: noCiEnv });
    assert.is(v.code, 1);
    assert.match(v.stderr, /kts.yaml: environments.ci.colour: unknown field\n[^\n]*kts.yaml: environments.ci.namespacePrefix: invalid value[^\n]*\n2 problems found\n$/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  assert.is(kts(['render']).code, 2);
  assert.is(kts(['render', 'ci', '--nope']).code, 2);
  const unknown = kts(['render', 'staging'], { env: noCiEnv });
  assert.is(unknown.code, 1);
  assert.match(unknown.stderr, /unknown environment 'staging'.*environments: ci, branch, branch-shared, production/);
});

test.run();
