// Preview environments over a branch's whole life, played through the CLI exactly as the README's
// CI recipes run it (Jenkins, TeamCity, GitHub Actions, GitLab CI: their variables, no flags but
// the README's) against the Kubernetes API test server and a real git deploy repository: many
// builds of one branch, build-only redeploys, two apps on one cluster and one deploy repository,
// env down/gc of one app, an app with the same namespace prefix, env up into a namespace still
// terminating, colliding branch names, and the teardown of a preview's shared database.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import type { JsonObject } from '../src/kustomize/resource.js';
import { connect } from '../src/cluster/client.js';
import { ENV_FIELD_MANAGER } from '../src/cluster/previews.js';
import { branchSlug, slugRoom } from '../src/env/slug.js';
import { scenarios } from './cluster-scenario.js';
import { hasProgram, ktsAsync, type CliResult } from './helpers/cli.js';
import { repoRoot } from './helpers/paths.js';
import { startGitServer, type GitServer } from './git-server.js';
import { startKubeServer } from './kube/server.js';

const kube = await startKubeServer({ namespaceDeletionDelayMs: 300 });
const client = await connect({ kubeconfig: kube.kubeconfigPath });
const work = mkdtempSync(join(tmpdir(), 'kts-previews-'));
const git: GitServer | undefined = hasProgram('git') ? await startGitServer() : undefined;
const deployRepo = git?.createRepo('deploy', { files: { 'README.md': 'deploy repository\n' } });

// A second application deploying to the same cluster and deploy repository.
const blog = join(work, 'blog');
const blogFiles: Record<string, string> = {
  'kts.yaml': `apiVersion: kts.dev/v1alpha1
kind: Environments
app: blog
environments:
  branch:
    overlay: app
    namespacePrefix: blog
  ci:
    overlay: app
    namespacePrefix: ci
`,
  'app/kustomization.yaml': 'resources:\n- deployment.yaml\nconfigMapGenerator:\n- name: settings\n  literals:\n  - MODE=blog\n',
  'app/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: blog
spec:
  selector:
    matchLabels: {app: blog}
  template:
    metadata:
      labels: {app: blog}
    spec:
      containers:
      - name: blog
        image: blog/web:1
`,
};
for (const [path, content] of Object.entries(blogFiles)) {
  mkdirSync(join(blog, path, '..'), { recursive: true });
  writeFileSync(join(blog, path), content);
}

/** The runner's environment: no CI variables of the machine running the tests. */
const base: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  KUBECONFIG: kube.kubeconfigPath,
  DEVELOPMENT_SERVER_DOMAIN: 'dev.example.com',
  ...(git ? { KTS_DEPLOY_REPO: git.repoUrl('deploy'), KTS_GIT_TOKEN: git.password, KTS_GIT_USERNAME: git.username, KTS_CACHE_DIR: join(work, 'cache') } : {}),
};
const sha = (n: number) => n.toString(16).padStart(40, 'c');
const jenkins = (branch: string, n: number) => ({ JENKINS_URL: 'https://jenkins.example.com/', BRANCH_NAME: branch, GIT_COMMIT: sha(n), BUILD_NUMBER: String(n) });
const teamcity = (branch: string, n: number) => ({ TEAMCITY_VERSION: '2024.07', TEAMCITY_BUILD_BRANCH: branch, BUILD_VCS_NUMBER: sha(n), BUILD_NUMBER: String(n) });
const github = (branch: string, n: number) => ({ GITHUB_ACTIONS: 'true', GITHUB_HEAD_REF: branch, GITHUB_SHA: sha(n), GITHUB_RUN_NUMBER: String(n) });
const gitlab = (branch: string, n: number) => ({ GITLAB_CI: 'true', CI_COMMIT_REF_NAME: branch, CI_COMMIT_SHA: sha(n), CI_PIPELINE_IID: String(n) });

/** `npx kts ARGS` in a CI job of the shop (or of `cwd`). */
const ci = (vars: Record<string, string>, args: string[], cwd = repoRoot) => ktsAsync(args, { cwd, env: { ...base, ...vars } });
const json = <T>(r: CliResult): T => JSON.parse(r.stdout) as T;
interface Report {
  ok: boolean;
  objects: { kind: string; name: string; action: string; note?: string }[];
}
const actions = (r: CliResult) => new Set(json<Report>(r).objects.map((o) => o.action));

const nsOf = (name: string) => kube.get('v1', 'Namespace', undefined, name);
const live = (name: string) => {
  const ns = nsOf(name);
  return ns !== undefined && !(ns.metadata as { deletionTimestamp?: string }).deletionTimestamp;
};
const annotations = (o: JsonObject | undefined) => ((o?.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {});
/** resourceVersion of every object in `namespace`, by kind/name. */
const versions = (namespace: string) => new Map(kube.objects({ namespace }).map((o) => [`${o.kind}/${(o.metadata as { name: string }).name}`, (o.metadata as { resourceVersion: string }).resourceVersion]));
/** The preview namespace of `branch` under `prefix`, as kts names it. */
const namespaceOf = (prefix: string, branch: string) => `${prefix}-${branchSlug(branch, slugRoom(prefix))}`;

const scenario = scenarios(test);

// GitHub Actions: every push of a pull request runs `kts env up branch --wait`; closing it runs `kts env down branch`.
const githubBranch = scenario(async () => {
  const branch = 'feature/JIRA-7_Payments';
  const namespace = namespaceOf('preview', branch);
  const builds: CliResult[] = [];
  for (const n of [1, 2, 3]) builds.push(await ci(github(branch, n), ['env', 'up', 'branch', '--wait', '--json']));
  const afterThree = annotations(nsOf(namespace));
  const objectAnnotations = kube.objects({ namespace }).filter((o) => !(o.metadata as { name: string }).name.startsWith('kts-applyset.')).map((o) => Object.keys(annotations(o)));
  // Build-only redeploys: the same images (--tag) and config from a new build number and commit.
  const tagged = await ci(github(branch, 4), ['env', 'up', 'branch', '--wait', '--tag', '3.0-pinned', '--json']);
  const before = versions(namespace);
  const started = Date.now();
  const redeploy = await ci(github(branch, 5), ['env', 'up', 'branch', '--wait', '--tag', '3.0-pinned', '--json']);
  const redeployMs = Date.now() - started;
  const after = versions(namespace);
  const parent = kube.objects({ namespace, kind: 'Secret' }).find((s) => (s.metadata as { name: string }).name.startsWith('kts-applyset.'));
  const publishes = git ? [await ci(github(branch, 4), ['publish', 'branch', '--tag', '3.0-pinned', '--json']), await ci(github(branch, 5), ['publish', 'branch', '--tag', '3.0-pinned', '--json'])] : [];
  const down = await ci(github(branch, 5), ['env', 'down', 'branch']);
  const goneAfterDown = !nsOf(namespace);
  const upAfterDown = await ci(github(branch, 6), ['env', 'up', 'branch', '--wait']);
  const liveAfterUp = live(namespace);
  // Another job's gc deletes it (gc does not wait): env up must wait it out and create it afresh.
  // A finalizer holds the namespace terminating until env up has seen it so.
  const hold = (finalizers: string[]) => client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, finalizers } }, { fieldManager: 'test-hold' });
  await hold(['example.com/hold']);
  await client.delete('v1', 'Namespace', namespace);
  const terminatingBefore = !live(namespace) && nsOf(namespace) !== undefined;
  const mark = kube.requests.length;
  const pending = ci(github(branch, 7), ['env', 'up', 'branch', '--wait']);
  while (!kube.requests.slice(mark).some((q) => q.verb === 'get' && q.resource === 'namespaces' && q.name === namespace)) await sleep(50);
  await hold([]);
  const upWhileTerminating = await pending;
  const liveAtEnd = live(namespace) && kube.objects({ namespace, kind: 'Deployment' }).length > 0;
  return { namespace, builds, afterThree, objectAnnotations, tagged, before, redeploy, redeployMs, after, parent, publishes, down, goneAfterDown, upAfterDown, liveAfterUp, terminatingBefore, upWhileTerminating, liveAtEnd };
});

// Jenkins: `kts env up ci --wait && kts publish ci`, then `post { always { kts env down ci } }`, on master.
const jenkinsMaster = scenario(async () => {
  const namespace = namespaceOf('ci', 'master');
  const b10 = await ci(jenkins('master', 10), ['env', 'up', 'ci', '--wait', '--json']);
  const p10 = git ? await ci(jenkins('master', 10), ['publish', 'ci', '--json']) : undefined;
  const b11 = await ci(jenkins('master', 11), ['env', 'up', 'ci', '--wait', '--json']);
  const p11 = git ? await ci(jenkins('master', 11), ['publish', 'ci', '--json']) : undefined;
  // Another app whose `ci` environment has the same namespace prefix: ci-master is not its namespace.
  const otherApp = await ci(jenkins('master', 3), ['env', 'up', 'ci'], blog);
  const unpublishAll = git ? await ci(jenkins('master', 11), ['unpublish', 'ci', '--branch', 'ci', '--path', '<branch-slug>']) : undefined;
  const liveBeforePost = live(namespace);
  const post = await ci(jenkins('master', 11), ['env', 'down', 'ci']);
  return { namespace, b10, p10, b11, p11, otherApp, unpublishAll, liveBeforePost, post, goneAfterPost: !nsOf(namespace) };
});

// Two apps, one cluster, one deploy repository (TeamCity builds the shop, GitLab the blog).
const twoApps = scenario(async () => {
  const branch = 'feature/shared-name';
  const shopNs = namespaceOf('preview', branch);
  const shopUp = await ci(teamcity(branch, 20), ['env', 'up', 'branch', '--wait']);
  const blogUps = [await ci(gitlab(branch, 5), ['env', 'up', 'branch', '--wait'], blog), await ci(gitlab('feature/old', 2), ['env', 'up', 'branch'], blog)];
  const shopPublish = git ? await ci(teamcity(branch, 20), ['publish', 'branch']) : undefined;
  const blogSameFolder = git ? await ci(gitlab(branch, 5), ['publish', 'branch'], blog) : undefined;
  const blogOwnFolder = git ? await ci(gitlab(branch, 5), ['publish', 'branch', '--path', '<app>/<env>/<branch-slug>'], blog) : undefined;
  const blogList = await ci({}, ['env', 'list', '--json'], blog);
  const allList = await ci({}, ['env', 'list', '--all-apps', '--json']);
  const blogGc = await ci({}, ['env', 'gc', 'branch', '--keep', branch, '--json'], blog);
  const blogDown = await ci(gitlab(branch, 5), ['env', 'down', 'branch'], blog);
  const shopList = await ci({}, ['env', 'list', 'branch', '--json']);
  // Labels anyone could set: a namespace dressed up as a shop preview is not proof.
  kube.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'forged', labels: { 'app.kubernetes.io/managed-by': 'kts', 'kts.dev/app': 'shop', 'kts.dev/environment': 'branch', 'kts.dev/branch': 'x', 'kts.dev/preview': 'true' } } });
  const forgedDown = await ci({}, ['env', 'down', '--namespace', 'forged']);
  const shopGc = await ci({}, ['env', 'gc', 'branch', '--keep', branch, '--keep', 'feature/JIRA-7_Payments', '--keep', 'feature/x', '--json']);
  return { shopNs, shopUp, blogUps, shopPublish, blogSameFolder, blogOwnFolder, blogList, allList, blogGc, blogDown, shopList, forgedDown, shopGc, shopLive: live(shopNs), forgedLive: live('forged') };
});

// Two branches whose slugs collide (simulated: the namespace records another branch's full name).
const collision = scenario(async () => {
  const up = await ci(github('feature/x', 1), ['env', 'up', 'branch-shared']);
  const namespace = namespaceOf('preview', 'feature/x');
  const ns = nsOf(namespace)!;
  await client.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: (ns.metadata as { labels: Record<string, string> }).labels, annotations: { ...annotations(ns), 'kts.dev/branch-name': 'feature/other' } } },
    { fieldManager: ENV_FIELD_MANAGER, force: true },
  );
  const refusedUp = await ci(github('feature/x', 2), ['env', 'up', 'branch-shared']);
  const refusedDown = await ci(github('feature/x', 2), ['env', 'down', 'branch-shared']);
  return { up, namespace, refusedUp, refusedDown, stillThere: live(namespace) };
});

// GitLab: the shared PostgreSQL/Elasticsearch are an environment of their own; a branch-shared
// preview's stop job (`kts env down branch-shared`) drops the branch's database and index first.
const sharedBackends = scenario(async () => {
  const shared = await ci(gitlab('master', 1), ['apply', 'overlays/shared-services', '--prune', '--wait']);
  const branch = 'feature/db';
  const namespace = namespaceOf('preview', branch);
  const up = await ci(gitlab(branch, 8), ['env', 'up', 'branch-shared', '--wait']);
  const mark = kube.requests.length;
  const down = await ci(gitlab(branch, 8), ['env', 'down', 'branch-shared']);
  const log = kube.requests.slice(mark).filter((r) => r.namespace === namespace || (r.resource === 'namespaces' && r.name === namespace));
  return { shared, namespace, up, down, log, gone: !nsOf(namespace) };
});

test.after(async () => {
  await Promise.allSettled([githubBranch(), jenkinsMaster(), twoApps(), collision(), sharedBackends()]);
  await kube.close();
  await git?.close();
  rmSync(work, { recursive: true, force: true });
});

test('three builds of one branch redeploy cleanly; commit and build are recorded on the namespace, not on the objects', async () => {
  const r = await githubBranch();
  for (const b of r.builds) assert.is(b.code, 0, b.stderr);
  assert.equal(new Set(json<Report>(r.builds[0]!).objects.filter((o) => o.kind !== 'Namespace').map((o) => o.action)), new Set(['created']));
  assert.ok(actions(r.builds[1]!).has('configured'), 'a new build tag changes the workloads');
  assert.is(r.afterThree['kts.dev/build'], '3');
  assert.is(r.afterThree['kts.dev/commit'], sha(3));
  assert.is(r.afterThree['kts.dev/branch-name'], 'feature/JIRA-7_Payments');
  for (const keys of r.objectAnnotations) assert.not.ok(keys.includes('kts.dev/build') || keys.includes('kts.dev/commit'), keys.join(','));
});

test('a build-only redeploy (same images and config) changes no object but the records; publish commits nothing', async () => {
  const r = await githubBranch();
  assert.is(r.tagged.code, 0, r.tagged.stderr);
  assert.is(r.redeploy.code, 0, r.redeploy.stderr);
  assert.equal(actions(r.redeploy), new Set(['unchanged']));
  const moved = [...r.before].filter(([k, v]) => r.after.get(k) !== v).map(([k]) => k);
  // The records: the ApplySet parent and the revision `--atomic` rolls back to (written after every apply).
  const parent = (r.parent!.metadata as { name: string }).name;
  assert.equal(moved.sort(), [`Secret/${parent}`, `Secret/${parent}-revision`], 'only the records changed');
  assert.is(annotations(r.parent)['kts.dev/build'], '5');
  console.log(`  env up on a build-only redeploy: ${r.redeployMs} ms`);
  if (r.publishes.length) {
    const [first, second] = r.publishes.map((p) => json<{ status: string }>(p));
    assert.is(first!.status, 'published', r.publishes[0]!.stderr);
    assert.is(second!.status, 'unchanged', 'no file changed');
  }
});

test('env down takes the CI context; env up right after it, or into a namespace still terminating, ends live', async () => {
  const r = await githubBranch();
  assert.is(r.down.code, 0, r.down.stderr);
  assert.ok(r.goneAfterDown, 'down waits until the namespace is gone');
  assert.is(r.upAfterDown.code, 0, r.upAfterDown.stderr);
  assert.ok(r.liveAfterUp);
  assert.ok(r.terminatingBefore, 'the namespace was terminating when env up started');
  assert.is(r.upWhileTerminating.code, 0, r.upWhileTerminating.stderr);
  assert.match(r.upWhileTerminating.stdout, new RegExp(`namespace ${r.namespace} is being deleted; waiting until it is gone to create it afresh`));
  assert.ok(r.liveAtEnd, 'a live preview with its objects');
});

test('ci on master: a new build recreates the integration-test Job without flags; post-build env down; another app with the same prefix is refused', async () => {
  const r = await jenkinsMaster();
  assert.is(r.namespace, 'ci-master');
  assert.is(r.b10.code, 0, r.b10.stderr);
  assert.is(r.b11.code, 0, r.b11.stderr);
  const job = json<Report>(r.b11).objects.find((o) => o.kind === 'Job');
  assert.equal(job && [job.action, job.note], ['created', 'recreated: spec.template cannot change']);
  if (r.p10 && r.p11) {
    assert.is(r.p10.code, 0, r.p10.stderr);
    assert.is(json<{ status: string }>(r.p11).status, 'published', r.p11.stderr);
    assert.is(r.unpublishAll!.code, 1);
    assert.match(r.unpublishAll!.stderr, /kts: ci has no \.kts-publish marker of kts publish; refusing to remove it\n/);
  }
  assert.is(r.otherApp.code, 1);
  assert.match(r.otherApp.stderr, /^kts: namespace ci-master belongs to app 'shop', not 'blog'; refusing\n$/);
  assert.ok(r.liveBeforePost);
  assert.is(r.post.code, 0, r.post.stderr);
  assert.match(r.post.stdout, /namespace ci-master deleted/);
  assert.ok(r.goneAfterPost);
});

test('two apps on one cluster and one deploy repository: list, gc and down see only their own app', async () => {
  const r = await twoApps();
  assert.is(r.shopUp.code, 0, r.shopUp.stderr);
  for (const u of r.blogUps) assert.is(u.code, 0, u.stderr);
  if (r.shopPublish) {
    assert.is(r.shopPublish.code, 0, r.shopPublish.stderr);
    assert.is(r.blogSameFolder!.code, 1);
    assert.match(r.blogSameFolder!.stderr, /kts: branch\/feature-shared-name-[a-z2-7]{20} holds app 'shop', not 'blog'; refusing to overwrite it\n/);
    assert.is(r.blogOwnFolder!.code, 0, r.blogOwnFolder!.stderr);
    assert.match(r.blogOwnFolder!.stdout, /published blog\/branch\/feature-shared-name-/);
  }
  const blogs = json<{ app: string; branch: string }[]>(r.blogList);
  assert.equal(blogs.map((p) => [p.app, p.branch]).sort(), [['blog', 'feature/old'], ['blog', 'feature/shared-name']]);
  const apps = new Set(json<{ app: string }[]>(r.allList).map((p) => p.app));
  assert.ok(apps.has('shop') && apps.has('blog'), [...apps].join(','));
  assert.equal(json<{ deleted: { branch: string }[] }>(r.blogGc).deleted.map((d) => d.branch), ['feature/old']);
  assert.is(r.blogDown.code, 0, r.blogDown.stderr);
  assert.ok(json<{ namespace: string }[]>(r.shopList).some((p) => p.namespace === r.shopNs), 'the shop preview of the same branch is intact');
  assert.ok(r.shopLive);
  assert.is(r.forgedDown.code, 1);
  assert.match(r.forgedDown.stderr, /^kts: namespace forged carries preview labels that kts env up did not apply \(field manager kts-env\); refusing to delete it\n$/);
  assert.is(r.shopGc.code, 0, r.shopGc.stderr);
  assert.match(r.shopGc.stderr, /kept forged: namespace forged carries preview labels that kts env up did not apply/);
  assert.ok(r.forgedLive, 'gc never deletes a namespace on labels alone');
});

test('branch names whose slugs collide are refused by env up and env down', async () => {
  const r = await collision();
  assert.is(r.up.code, 0, r.up.stderr);
  assert.is(r.refusedUp.code, 1);
  assert.match(r.refusedUp.stderr, new RegExp(`^kts: namespace ${r.namespace} belongs to branch 'feature/other', not 'feature/x' \\(their slugs collide\\); refusing\\n$`));
  assert.is(r.refusedDown.code, 1);
  assert.match(r.refusedDown.stderr, /belongs to branch 'feature\/other', not 'feature\/x'/);
  assert.ok(r.stillThere);
});

test("env down of a preview on the shared backends drops the branch's database and index first", async () => {
  const r = await sharedBackends();
  assert.is(r.shared.code, 0, r.shared.stderr);
  assert.is(r.up.code, 0, r.up.stderr);
  assert.is(r.down.code, 0, r.down.stderr);
  assert.match(r.down.stdout, /running the teardown of branch-shared/);
  const steps = r.log.map((q) => `${q.verb} ${q.resource}/${q.name ?? ''}`);
  const teardownJob = steps.indexOf('patch jobs/drop-branch-data');
  const deleted = steps.indexOf(`delete namespaces/${r.namespace}`);
  assert.ok(teardownJob >= 0 && deleted > teardownJob, steps.join('\n'));
  const config = r.log.find((q) => q.verb === 'patch' && q.resource === 'configmaps' && JSON.stringify(q.body).includes('DATABASE_HOST'));
  const data = (config?.body as { data?: Record<string, string> } | undefined)?.data ?? {};
  assert.match(data.DATABASE_NAME ?? '', /^shop_feature_db_[a-z2-7]{20}$/);
  assert.ok(r.gone);
});

test.run();
