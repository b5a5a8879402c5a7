// `kts env up/down/list/gc` end to end: the example shop's `branch` environment rendered by the
// CLI and applied to the Kubernetes API test server; garbage collection over previews seeded with
// past deploy times, a real git remote for --keep-from-git, and the refusal of namespaces we do
// not own.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentFor, parentObject, PARENT_FIELD_MANAGER } from '../src/cluster/applyset.js';
import { connect } from '../src/cluster/client.js';
import { ANNOTATION_DEPLOYED_AT, ENV_FIELD_MANAGER, previewLabels } from '../src/cluster/previews.js';
import { scenarios } from './cluster-scenario.js';
import { hasProgram, ktsAsync } from './helpers/cli.js';
import { startKubeServer } from './kube/server.js';

const kube = await startKubeServer({ namespaceDeletionDelayMs: 300 });
const env = { ...process.env, KUBECONFIG: kube.kubeconfigPath };
const dir = mkdtempSync(join(tmpdir(), 'kts-env-'));
const kts = (...args: string[]) => ktsAsync(args, { env });
const context = ['--commit', '0123456789abcdef0123456789abcdef01234567', '--build', '42'];

const H = 3_600_000;
const client = await connect({ kubeconfig: kube.kubeconfigPath });
/** A preview as env up leaves it (namespace applied by kts-env, our ApplySet parent inside), deployed some hours ago. */
async function seedPreviews(...previews: [name: string, envName: string, branch: string, deployedHoursAgo: number][]): Promise<void> {
  for (const [name, envName, branch, deployedHoursAgo] of previews) {
    const ns = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels: previewLabels('shop', envName, branch.replace(/[^a-z0-9]+/g, '-')),
        annotations: { 'kts.dev/branch-name': branch, [ANNOTATION_DEPLOYED_AT]: new Date(Date.now() - deployedHoursAgo * H).toISOString() },
      },
    };
    await client.apply(ns, { fieldManager: ENV_FIELD_MANAGER });
    await client.apply(parentObject(parentFor('shop', envName, name), '0.0.0', [], []), { fieldManager: PARENT_FIELD_MANAGER });
  }
}
const exists = (name: string) => kube.get('v1', 'Namespace', undefined, name) !== undefined;
const nsMeta = (name: string) => kube.get('v1', 'Namespace', undefined, name)?.metadata as { labels: Record<string, string>; annotations: Record<string, string> } | undefined;

const scenario = scenarios(test);

const lifecycle = scenario(async () => {
  const [upA, upB] = await Promise.all([
    kts('env', 'up', 'branch', '--branch', 'feature/login', ...context, '--wait', '--timeout', '30s'),
    kts('env', 'up', 'branch', '--branch', 'main', ...context),
  ]);
  const list = await kts('env', 'list', 'branch', '--json');
  const namespaces = (JSON.parse(list.stdout || '[]') as { namespace: string }[]).map((p) => p.namespace);
  const loginNs = namespaces.find((n) => n.includes('login'));
  const objectsInA = loginNs ? kube.objects({ namespace: loginNs }) : [];
  const reUp = await kts('env', 'up', 'branch', '--branch', 'feature/login', ...context, '--json');
  const down = await kts('env', 'down', 'branch', '--branch', 'feature/login');
  const goneAfterDown = loginNs ? !exists(loginNs) : false;
  const downAgain = await kts('env', 'down', 'branch', '--branch', 'feature/login', ...context);
  return { upA, upB, list, namespaces, objectsInA, reUp, down, goneAfterDown, downAgain, loginNs };
});

const refusals = scenario(async () => {
  kube.seed(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'app.kubernetes.io/managed-by': 'kts', 'kts.dev/environment': 'production', 'kts.dev/branch': 'master' } } },
  );
  const runs = await Promise.all([
    kts('env', 'up', 'production', '--branch', 'master', ...context),
    kts('env', 'down', '--namespace', 'kube-system'),
    kts('env', 'down', '--namespace', 'default'),
    kts('env', 'down', '--namespace', 'plain'),
    kts('env', 'down', '--namespace', 'shop'),
  ]);
  return { runs, survivors: ['kube-system', 'default', 'plain', 'shop'].filter(exists) };
});

const gc = scenario(async () => {
  await seedPreviews(['gc-old', 'gcenv', 'feature/old', 100], ['gc-mid', 'gcenv', 'feature/mid', 30], ['gc-new', 'gcenv', 'feature/new', 2], ['gc-newest', 'gcenv', 'main', 1], ['gc-other-env', 'otherenv', 'feature/old', 500]);
  const usage = await kts('env', 'gc', 'gcenv');
  const byAge = await kts('env', 'gc', 'gcenv', '--max-age', '72h', '--json');
  const afterAge = ['gc-old', 'gc-mid', 'gc-new', 'gc-newest'].filter(exists);
  const dryCount = await kts('env', 'gc', 'gcenv', '--max-envs', '2', '--dry-run');
  const afterDry = ['gc-mid', 'gc-new', 'gc-newest'].filter(exists);
  const byCount = await kts('env', 'gc', 'gcenv', '--max-envs', '2', '--json');
  const afterCount = ['gc-mid', 'gc-new', 'gc-newest'].filter(exists);
  return { usage, byAge, afterAge, dryCount, afterDry, byCount, afterCount, otherEnvKept: exists('gc-other-env') };
});

const git = scenario(async () => {
  if (!hasProgram('git')) return undefined;
  await seedPreviews(['git-main', 'gitenv', 'main', 1], ['git-live', 'gitenv', 'feature/live', 1], ['git-gone', 'gitenv', 'feature/gone', 1]);
  const repo = join(dir, 'repo');
  const g = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  g('commit', '-q', '--allow-empty', '-m', 'init');
  g('branch', 'feature/live');
  const emptyRepo = join(dir, 'empty');
  execFileSync('git', ['init', '-q', emptyRepo]);
  const [run, refusedEmpty] = await Promise.all([kts('env', 'gc', 'gitenv', '--keep-from-git', repo, '--json'), kts('env', 'gc', 'gitenv', '--keep-from-git', emptyRepo)]);
  const kept = await kts('env', 'gc', 'gitenv', '--keep', 'main', '--json');
  return { run, kept, refusedEmpty, survivors: ['git-main', 'git-live', 'git-gone'].filter(exists) };
});

test.after(async () => {
  await Promise.allSettled([lifecycle(), refusals(), gc(), git()]);
  await kube.close();
  rmSync(dir, { recursive: true, force: true });
});

const fromCi = scenario(async () => {
  const ci = { ...env, GITHUB_ACTIONS: 'true', GITHUB_HEAD_REF: 'feature/from-ci', GITHUB_SHA: '89abcdef0123456789abcdef0123456789abcdef', GITHUB_RUN_NUMBER: '7' };
  // its own environment, so the other scenarios' previews of `branch` stay as they count them
  const up = await ktsAsync(['env', 'up', 'branch-shared'], { env: ci });
  const list = await kts('env', 'list', 'branch-shared', '--json');
  return { up, previews: JSON.parse(list.stdout || '[]') as { namespace: string; branch: string }[] };
});

test('env up takes the branch from the CI context when --branch is not given', async () => {
  const { up, previews } = await fromCi();
  assert.is(up.code, 0, up.stderr);
  const preview = previews.find((p) => p.branch === 'feature/from-ci');
  assert.ok(preview, JSON.stringify(previews));
  assert.match(preview!.namespace, /^preview-feature-from-ci-[a-z2-7]{20}$/);
});

test('env up labels the preview namespace, applies the render with its quota; list shows it; down deletes it', async () => {
  const r = await lifecycle();
  assert.is(r.upA.code, 0, r.upA.stderr);
  assert.is(r.upB.code, 0, r.upB.stderr);
  assert.match(r.upA.stdout, /namespace preview-feature-login-[a-z2-7]{20} ready for branch \(branch feature\/login\)/);
  assert.match(r.upA.stdout, /rolled out/);
  assert.is(r.namespaces.length, 2, r.list.stdout);
  const login = r.loginNs!;
  const kinds = new Set(r.objectsInA.map((o) => o.kind));
  for (const k of ['ResourceQuota', 'LimitRange', 'Deployment', 'Service', 'ConfigMap']) assert.ok(kinds.has(k), `${k} applied`);
  const parsed = JSON.parse(r.list.stdout) as { namespace: string; env: string; branch: string; commit: string; build: string }[];
  assert.equal(
    parsed.map((p) => [p.env, p.branch, p.commit, p.build]).sort(),
    [
      ['branch', 'feature/login', '0123456789abcdef0123456789abcdef01234567', '42'],
      ['branch', 'main', '0123456789abcdef0123456789abcdef01234567', '42'],
    ],
  );
  const report = JSON.parse(r.reUp.stdout) as { ok: boolean; objects: { action: string }[] };
  assert.ok(report.ok);
  assert.equal(new Set(report.objects.map((o) => o.action)), new Set(['unchanged']), 'a second up changes nothing');
  assert.is(r.down.code, 0, r.down.stderr);
  assert.match(r.down.stdout, new RegExp(`namespace ${login} deleted`));
  assert.ok(r.goneAfterDown, 'down waits until the namespace is gone');
  assert.is(r.downAgain.code, 0);
  assert.match(r.downAgain.stdout, new RegExp(`there is no preview of branch for branch feature/login \\(namespace ${login}\\); nothing to delete`));
  const main = r.namespaces.find((n) => n !== login)!;
  assert.is(nsMeta(main)!.labels['kts.dev/preview'], 'true');
  assert.ok(nsMeta(main)!.annotations[ANNOTATION_DEPLOYED_AT]);
});

test('system, unlabeled and non-preview namespaces are refused even when named explicitly; env up only makes previews', async () => {
  const { runs, survivors } = await refusals();
  for (const run of runs) assert.is(run.code, 1, run.stdout + run.stderr);
  assert.match(runs[0]!.stderr, /environment 'production' has no per-branch namespace .* use kts apply/);
  assert.match(runs[1]!.stderr, /namespace kube-system is a system namespace/);
  assert.match(runs[2]!.stderr, /namespace default is a system namespace/);
  assert.match(runs[3]!.stderr, /namespace plain is not a kts preview/);
  assert.match(runs[4]!.stderr, /namespace shop is not a kts preview \(missing labels kts.dev\/app, kts.dev\/preview\)/);
  assert.equal(survivors, ['kube-system', 'default', 'plain', 'shop']);
});

test('gc deletes previews past --max-age, then the oldest beyond --max-envs, only in the environment named', async () => {
  const r = await gc();
  assert.is(r.usage.code, 2);
  assert.match(r.usage.stderr, /nothing to collect by/);
  assert.is(r.byAge.code, 0, r.byAge.stderr);
  assert.equal(JSON.parse(r.byAge.stdout).deleted, [{ namespace: 'gc-old', env: 'gcenv', branch: 'feature/old', reason: 'last deployed 4d4h ago (max age 3d)' }]);
  assert.equal(r.afterAge.filter((n) => n !== 'gc-old'), ['gc-mid', 'gc-new', 'gc-newest']);
  assert.is(r.dryCount.code, 0);
  assert.match(r.dryCount.stdout, /would delete gc-mid: beyond the 2 most recently deployed previews/);
  assert.not.match(r.dryCount.stdout, /\bdeleted gc-/);
  assert.equal(r.afterDry, ['gc-mid', 'gc-new', 'gc-newest'], 'a dry run deletes nothing');
  assert.equal(JSON.parse(r.byCount.stdout).deleted.map((d: { namespace: string }) => d.namespace), ['gc-mid']);
  assert.equal(r.afterCount.filter((n) => n !== 'gc-mid'), ['gc-new', 'gc-newest']);
  assert.ok(r.otherEnvKept, 'previews of other environments are out of scope');
});

test('gc --keep-from-git deletes previews whose branch is gone from the remote', async () => {
  const r = await git();
  if (!r) {
    console.log('  (skipped: git not installed)');
    return;
  }
  assert.is(r.run.code, 0, r.run.stderr);
  assert.equal(JSON.parse(r.run.stdout).deleted, [{ namespace: 'git-gone', env: 'gitenv', branch: 'feature/gone', reason: 'branch feature/gone no longer exists' }]);
  assert.equal(JSON.parse(r.kept.stdout).deleted.map((d: { namespace: string }) => d.namespace), ['git-live']);
  assert.is(r.refusedEmpty.code, 1);
  assert.match(r.refusedEmpty.stderr, /has no branches; refusing/);
  assert.ok(r.survivors.includes('git-main'));
});

test.run();
