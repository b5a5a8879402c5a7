// Certify and roll out, end to end, as the README's Jenkins recipe plays it: CI publishes ci for
// master (build 10), a certify stage promotes it to a production that was never published (its
// pinned third-party image untouched), production is deployed from the deploy repository; then a
// build whose web image never becomes ready is promoted, and the atomic rollout names why, rolls
// back and leaves build 10 running. Test git server (git http-backend) + test API server with pods.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonObject } from '../src/kustomize/resource.js';
import { hasProgram, ktsAsync, type CliResult } from './helpers/cli.js';
import { gitIn, startGitServer, type GitServer } from './git-server.js';
import { startKubeServer, type KubeServer } from './kube/server.js';

const test = suite('certify and roll out');
const haveGit = hasProgram('git');
if (!haveGit) console.log('skipping test/certify.test.ts: the git CLI is not installed (needed for git http-backend)');

const SHA10 = '1010101010101010101010101010101010101010';
const SHA11 = '1111111111111111111111111111111111111111';
const WEB10 = 'registry.example.test/shop/web:1.10-1010101';
const WEB11 = 'registry.example.test/shop/web:1.11-1111111';

const files: Record<string, string> = {
  'kts.yaml': `apiVersion: kts.dev/v1alpha1
kind: Environments
app: shop
major: "1"
images:
- name: shop/web
  newName: registry.example.test/shop/web
environments:
  ci:
    overlay: overlays/ci
    namespacePrefix: ci
  production:
    overlay: overlays/production
    namespace: shop
`,
  'base/kustomization.yaml': 'resources:\n- web.yaml\n',
  'base/web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: shop/web
      - name: envoy
        image: envoyproxy/envoy:v1.30.1
`,
  'overlays/ci/kustomization.yaml': 'resources:\n- ../../base\n',
  'overlays/production/kustomization.yaml': `resources:
- namespace.yaml
- ../../base
images:
- name: envoyproxy/envoy
  newTag: v1.30.4
`,
  'overlays/production/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n',
};

let git: GitServer;
let kube: KubeServer;
let project: string;
let cache: string;

/** A Jenkins build of master: the variables Jenkins sets, the deploy repository and the cluster. */
function jenkins(build: string, commit: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'NODE_OPTIONS']) if (process.env[key]) env[key] = process.env[key];
  return {
    ...env,
    JENKINS_URL: 'http://jenkins.example.test/',
    BRANCH_NAME: 'master',
    GIT_COMMIT: commit,
    BUILD_NUMBER: build,
    KTS_DEPLOY_REPO: git.repoUrl('deploy'),
    KTS_GIT_TOKEN: git.password,
    KTS_GIT_USERNAME: git.username,
    KTS_CACHE_DIR: cache,
    KUBECONFIG: kube.kubeconfigPath,
  };
}

/** `sh 'npx kts …'` in the project checkout. */
const sh = (env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> => ktsAsync(args, { cwd: project, env });
const ok = (r: CliResult) => assert.is(r.code, 0, `kts failed:\n${r.stdout}\n${r.stderr}`);
const show = (path: string) => gitIn(join(git.root, 'deploy.git'), ['show', `main:${path}`]);
/** The web images of the pods running (ready) in `namespace`. */
const running = (namespace: string) =>
  kube
    .objects({ kind: 'Pod', namespace })
    .flatMap((p) => ((p.status as JsonObject).containerStatuses as { name: string; image: string; ready: boolean }[]).filter((c) => c.name === 'web' && c.ready).map((c) => c.image));
const images = (obj: JsonObject | undefined) =>
  (((obj?.spec as JsonObject).template as JsonObject).spec as { containers: { image: string }[] }).containers.map((c) => c.image);

test.before(async () => {
  if (!haveGit) return;
  git = await startGitServer();
  git.createRepo('deploy', { files: { 'README.md': 'deploy repository\n' } });
  // ImagePullBackOff fails a rollout at its progress deadline (600 s by default): a second here.
  kube = await startKubeServer({ progressDeadlineMs: 1000 });
  project = mkdtempSync(join(tmpdir(), 'kts-certify-project-'));
  cache = mkdtempSync(join(tmpdir(), 'kts-certify-cache-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(project, path, '..'), { recursive: true });
    writeFileSync(join(project, path), content);
  }
});

test.after(async () => {
  if (!haveGit) return;
  await Promise.all([git.close(), kube.close()]);
  rmSync(project, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});

test('build 10 of master: published to ci, certified to a never-published production, deployed from the deploy repository', async () => {
  if (!haveGit) return;
  const build10 = jenkins('10', SHA10);
  ok(await sh(build10, 'env', 'up', 'ci', '--wait'));
  ok(await sh(build10, 'publish', 'ci'));
  assert.match(show('ci/master/deployment-web.yaml'), `image: ${WEB10}`);

  const promoted = await sh(build10, 'promote', '--from', 'ci', '--to', 'production', '--build', '10');
  ok(promoted);
  assert.match(promoted.stdout, `promoted ci/master -> production (first render of the target)`);
  const web = show('production/deployment-web.yaml');
  assert.match(web, `image: ${WEB10}`);
  assert.match(web, 'image: envoyproxy/envoy:v1.30.4', 'the pinned third-party image keeps the production value');
  assert.match(web, 'namespace: shop');
  assert.match(show('production/.kts-publish'), '"folder": "ci/master"');

  const applied = await sh(build10, 'apply', 'production', '--from-repo', '--prune', '--wait', '--atomic');
  ok(applied);
  assert.match(applied.stdout, /^production: applying 2 objects from production at [0-9a-f]{12} in .* \(build 10, commit 101010101010, promoted from ci\/master\)/);
  assert.match(applied.stdout, 'apps/v1 Deployment shop/web rolled out');
  assert.equal(images(kube.get('apps/v1', 'Deployment', 'shop', 'web')), [WEB10, 'envoyproxy/envoy:v1.30.4']);
  assert.equal(running('shop'), [WEB10, WEB10]);
  ok(await sh(build10, 'env', 'down', 'ci'));
});

test('a certify job refuses to promote a build other than the one that passed', async () => {
  if (!haveGit) return;
  const before = gitIn(join(git.root, 'deploy.git'), ['rev-parse', 'main']);
  const r = await sh(jenkins('9', SHA10), 'promote', '--from', 'ci', '--to', 'production', '--build', '9');
  assert.is(r.code, 1);
  assert.is(r.stderr.trim().split('\n').at(-1), 'kts: ci/master holds build 10, commit 101010101010, not build 9: refusing to promote another build than the one that passed', r.stderr);
  assert.is(gitIn(join(git.root, 'deploy.git'), ['rev-parse', 'main']), before);
});

test('build 11, whose web image production cannot pull: previewed, then the atomic rollout names ImagePullBackOff and leaves build 10 running', async () => {
  if (!haveGit) return;
  kube.setPodBehaviour({ image: WEB11, namespace: 'shop' }, 'ImagePullBackOff');
  const build11 = jenkins('11', SHA11);
  ok(await sh(build11, 'env', 'up', 'ci', '--wait'));
  ok(await sh(build11, 'publish', 'ci'));
  ok(await sh(build11, 'promote', '--from', 'ci', '--to', 'production', '--build', '11'));
  assert.match(show('production/deployment-web.yaml'), `image: ${WEB11}`);

  const preview = await sh(build11, 'diff', 'production', '--against', 'cluster', '--from-repo', '--color', 'never');
  assert.is(preview.code, 1, preview.stderr);
  assert.match(preview.stdout, `-      - image: ${WEB10}\n+      - image: ${WEB11}`, preview.stdout);

  const rollout = await sh(build11, 'apply', 'production', '--from-repo', '--prune', '--wait', '--atomic');
  assert.is(rollout.code, 1, rollout.stdout);
  assert.match(rollout.stdout, /apps\/v1 Deployment shop\/web:\n(  .*\n)*  pod web-[a-z0-9]+-[a-z0-9]+( \(and \d+ more\))?: container web: ImagePullBackOff: Back-off pulling image "registry.example.test\/shop\/web:1.11-1111111"\n/);
  assert.match(rollout.stdout, /production: applying 2 objects from the previous revision \(build 10, commit 101010101010\)/);
  assert.match(rollout.stdout, 'rollback: production: 0 created, 1 configured, 1 unchanged');
  const error = rollout.stderr.trim().split('\n').at(-1)!;
  assert.match(error, /^kts: apps\/v1 Deployment shop\/web: rollout failed: condition Progressing=False \(ProgressDeadlineExceeded\): .*; pod web-[a-z0-9]+-[a-z0-9]+( \(and \d+ more\))?: container web: ImagePullBackOff: Back-off pulling image "registry.example.test\/shop\/web:1.11-1111111"; rolled back to the previous revision \(build 10, commit 101010101010\), which is rolled out$/);
  assert.equal(images(kube.get('apps/v1', 'Deployment', 'shop', 'web')), [WEB10, 'envoyproxy/envoy:v1.30.4']);
  assert.equal(running('shop'), [WEB10, WEB10], 'build 10 runs, the pods of build 11 are gone');
  ok(await sh(build11, 'env', 'down', 'ci'));
});

test('image typos and unknown --image are errors naming the image', async () => {
  if (!haveGit) return;
  const typo = await sh(jenkins('12', SHA11), 'render', 'ci', '--image', 'shop/web=registry.example.test/Shop/Web:1');
  assert.is(typo.code, 1);
  assert.match(typo.stderr, /^kts: --image shop\/web=registry.example.test\/Shop\/Web:1: invalid image repository 'registry.example.test\/Shop\/Web': repository path components must be lowercase/);
  const unknown = await sh(jenkins('12', SHA11), 'publish', 'ci', '--image', 'shop/wbe=registry.example.test/shop/web:1');
  assert.is(unknown.code, 1);
  assert.match(unknown.stderr, /^kts: --image shop\/wbe: image 'shop\/wbe' matches no container of the render of 'ci' \(images in the render: envoyproxy\/envoy, shop\/web\)\n$/);
});

test.run();
