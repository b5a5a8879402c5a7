// kts diff end to end: against a real deploy repository (git http-backend) and against the
// Kubernetes API test server, through the CLI.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasProgram, ktsAsync, neverPrinted, type CliResult } from './helpers/cli.js';
import { startGitServer, type GitServer } from './git-server.js';
import { connect } from '../src/cluster/client.js';
import { clusterSides } from '../src/diff/cluster.js';
import { parseResources } from '../src/kustomize/resources.js';
import { kubectl, kubectlAvailable } from './kube/kubectl.js';
import { startKubeServer, type KubeServer } from './kube/server.js';
import { appKustomization, DEPLOYMENT, ktsEnv, makeProject, type Project } from './publish-fixture.js';

const haveGit = hasProgram('git');
if (!haveGit) console.log('skipping the deploy-repository part of test/diff.test.ts: git is not installed');

const CONTEXT = ['--branch', 'feature/diff', '--commit', 'abcdef1234567890abcdef1234567890abcdef12', '--build', '7'];
const NEW_SECRET = 'correct-horse-battery';
// Every kts run of this file is checked for it (and SECRET_VALUE) by helpers/cli.ts.
neverPrinted(NEW_SECRET);

let git: GitServer | undefined;
let kube: KubeServer;
let project: Project;
let cache: string;

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  if (git) return ktsEnv(git, cache, { KUBECONFIG: kube.kubeconfigPath, ...extra });
  return { PATH: process.env.PATH, HOME: process.env.HOME, KUBECONFIG: kube.kubeconfigPath, ...extra };
}

const kts = (args: string[]): Promise<CliResult> => ktsAsync([...args, '--config', join(project.dir, 'kts.yaml'), ...CONTEXT], { env: env() });
const diffRepo = (...flags: string[]) => kts(['diff', 'ci', '--against', 'repo', '--repo', git!.repoUrl('deploy'), ...flags]);
const diffCluster = (...flags: string[]) => kts(['diff', 'ci', '--against', 'cluster', ...flags]);

test.before(async () => {
  project = makeProject();
  cache = mkdtempSync(join(tmpdir(), 'kts-diff-cache-'));
  kube = await startKubeServer({ namespaceDeletionDelayMs: 0 });
  if (haveGit) {
    git = await startGitServer();
    git.createRepo('deploy', { files: { 'README.md': 'deploy repo\n' } });
  }
});

test.after(async () => {
  await git?.close();
  await kube.close();
  project.cleanup();
  rmSync(cache, { recursive: true, force: true });
});

test('against the repo: before the first publish everything is added (exit 1)', async () => {
  if (!git) return;
  const r = await diffRepo('--output', 'json');
  assert.is(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout) as { summary: Record<string, number>; changes: { action: string; id: { kind: string } }[] };
  assert.equal(out.summary, { added: 4, changed: 0, removed: 0, unchanged: 0 });
  assert.equal(out.changes.map((c) => c.id.kind).sort(), ['ConfigMap', 'Deployment', 'Secret', 'Service']);
});

test('against the repo: no differences after publishing (exit 0)', async () => {
  if (!git) return;
  const p = await kts(['publish', 'ci', '--repo', git.repoUrl('deploy')]);
  assert.is(p.code, 0, p.stderr);
  const r = await diffRepo();
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /0 added, 0 changed, 0 removed, 4 unchanged/);
});

test('against the repo: a change, a removal and a masked secret change', async () => {
  if (!git) return;
  project.write('app/kustomization.yaml', appKustomization({ service: false, mode: 'slow', password: NEW_SECRET }));
  const r = await diffRepo('--color', 'never');
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /0 added, 2 changed, 1 removed, 1 unchanged/);
  assert.match(r.stdout, /  - v1 Service ci-feature-diff-[a-z2-7]+\/web/);
  assert.match(r.stdout, /-  MODE: fast\n\+  MODE: slow/);
  assert.match(r.stdout, /-  PASSWORD: '\*\*\* \(before\)'\n\+  PASSWORD: '\*\*\* \(after\)'/);

  const md = await diffRepo('--output', 'markdown');
  assert.is(md.code, 1);
  assert.ok(md.stdout.startsWith('### kts diff: ci against ci/feature-diff-'), md.stdout.slice(0, 200));
  assert.is((md.stdout.match(/<details>/g) ?? []).length, 3);

  const small = await diffRepo('--output', 'markdown', '--limit', '1500');
  assert.ok(small.stdout.length <= 1500, String(small.stdout.length));
  assert.match(small.stdout, /\*\*Truncated:\*\* \d of 3 changed resources not shown/);
});

test('against the repo: errors exit with 2 and one line', async () => {
  if (!git) return;
  const r = await kts(['diff', 'ci', '--against', 'repo', '--repo', `${git.base}/missing.git`]);
  assert.is(r.code, 2, r.stdout + r.stderr);
  assert.is(r.stderr.trim().split('\n').filter((l) => !l.endsWith('…')).length, 1, r.stderr);
  assert.not.match(r.stderr, /at .*\.js:\d+/);
  const usage = await kts(['diff', 'ci', '--against', 'nowhere']);
  assert.is(usage.code, 2);
});

test('against the cluster: applied environment shows no differences, then changes and prunes', async () => {
  project.write('app/kustomization.yaml', appKustomization());
  // The preview namespace does not exist yet: apply would fail, so the diff says so (exit 2), it does not show "added".
  const missing = await diffCluster('--output', 'json');
  assert.is(missing.code, 2, missing.stderr);
  const report = JSON.parse(missing.stdout) as { summary: { added: number }; problems: { id: { namespace: string }; message: string }[] };
  assert.is(report.summary.added, 0);
  assert.is(report.problems.length, 4);
  const namespace = report.problems[0]!.id.namespace;
  assert.match(missing.stderr, `kts: apps/v1 Deployment ${namespace}/web: namespaces "${namespace}" not found (HTTP 404)`);

  // A preview namespace is created by `kts env up`; here the test creates it directly.
  kube.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  const before = await diffCluster('--output', 'json');
  assert.is(before.code, 1, before.stderr);
  assert.is((JSON.parse(before.stdout) as { summary: { added: number } }).summary.added, 4);

  const applied = await kts(['apply', 'ci']);
  assert.is(applied.code, 0, applied.stderr);
  const same = await diffCluster();
  assert.is(same.code, 0, same.stdout + same.stderr);
  assert.match(same.stdout, /0 added, 0 changed, 0 removed, 4 unchanged/);

  project.write('app/kustomization.yaml', appKustomization({ service: false, mode: 'slow', password: NEW_SECRET }));
  const changed = await diffCluster('--color', 'never');
  assert.is(changed.code, 1, changed.stderr);
  assert.match(changed.stdout, /0 added, 2 changed, 1 removed, 1 unchanged/);
  assert.match(changed.stdout, /  - v1 Service .*\/web/);
  assert.not.match(changed.stdout, /managedFields|resourceVersion|creationTimestamp/);
});

test('against the cluster: a kubectl scale is a conflict on spec.replicas naming its manager; a refused new object is an error, not "added"', async () => {
  if (!kubectlAvailable) return console.log('SKIP the kubectl scale part of test/diff.test.ts: kubectl is not on PATH');
  project.write('app/kustomization.yaml', appKustomization());
  project.write('app/deployment.yaml', DEPLOYMENT.replace('spec:\n  selector:', 'spec:\n  replicas: 2\n  selector:'));
  const applied = await kts(['apply', 'ci']);
  assert.is(applied.code, 0, applied.stderr);
  const namespace = /Deployment (\S+)\/web/.exec(applied.stdout)![1]!;
  const scaled = await kubectl(kube, ['scale', 'deployment/web', '-n', namespace, '--replicas=5']);
  assert.is(scaled.code, 0, scaled.stderr);

  const conflict = await diffCluster('--color', 'never');
  assert.is(conflict.code, 2, conflict.stdout + conflict.stderr);
  assert.is(
    conflict.stderr,
    `kts: apps/v1 Deployment ${namespace}/web: conflict: .spec.replicas is owned by field manager "kubectl" (subresource scale) (kts apply --force-conflicts would take them over)\n`,
  );
  assert.match(conflict.stdout, /-  replicas: 5\n\+  replicas: 2/, 'the diff shows what --force-conflicts would change');
  const json = JSON.parse((await diffCluster('--output', 'json')).stdout) as { problems: { conflicts: unknown }[] };
  assert.equal(json.problems[0]!.conflicts, [{ field: '.spec.replicas', manager: 'kubectl', subresource: 'scale' }]);
  const applyRefused = await kts(['apply', 'ci']);
  assert.is(applyRefused.code, 1, 'apply fails as the diff said');
  const forced = await diffCluster('--force-conflicts');
  assert.is(forced.code, 1, forced.stderr);
  assert.is(forced.stderr, '');

  project.write('app/extra.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\nspec: {replicas: 1}\n');
  project.write('app/kustomization.yaml', appKustomization().replace('- deployment.yaml', '- deployment.yaml\n- extra.yaml'));
  const refused = await diffCluster('--output', 'json', '--force-conflicts');
  assert.is(refused.code, 2, refused.stderr);
  const out = JSON.parse(refused.stdout) as { summary: { added: number }; problems: { message: string }[] };
  assert.is(out.summary.added, 0, 'a new object the server refuses is not "added"');
  assert.match(refused.stderr, `kts: v1 ConfigMap ${namespace}/extra: failed to create typed patch object (${namespace}/extra; /v1, Kind=ConfigMap): .spec: field not declared in schema (HTTP 500)`);
  project.remove('app/extra.yaml');
  project.write('app/deployment.yaml', DEPLOYMENT);
});

test('against the cluster: an object in a namespace this apply creates shows as sent, numbers as the server would hold them', async () => {
  const client = await connect({ kubeconfig: kube.kubeconfigPath });
  const resources = parseResources(
    'apiVersion: v1\nkind: Namespace\nmetadata: {name: brand-new}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: big, namespace: brand-new}\nspec: {replicas: 1, progressDeadlineSeconds: 12345678901234567891}\n',
    'new.yaml',
  );
  const sides = await clusterSides(client, 'shop', 'sent', resources);
  const deployment = sides.after.find((o) => o.kind === 'Deployment') as { spec: { progressDeadlineSeconds: unknown } } | undefined;
  assert.ok(deployment, 'the Deployment is in the diff, as sent');
  assert.is(deployment.spec.progressDeadlineSeconds, 12345678901234567000, 'a float64, as the client sends it');
  assert.equal(sides.problems, []);
});

test.run();
