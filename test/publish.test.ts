// kts publish / promote / unpublish end to end: the CLI against a real git smart-HTTP server
// (git http-backend), the resulting repository checked with the real git CLI.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hasProgram, ktsAsync, type CliResult } from './helpers/cli.js';
import { advanceRef, gitIn } from './git-server.js';
import { deployRig, ktsEnv, SECRET_VALUE } from './publish-fixture.js';

const test = suite('kts publish');
const haveGit = hasProgram('git');
if (!haveGit) console.log('skipping test/publish.test.ts: the git CLI is not installed (needed for git http-backend and verification)');

const SHA1 = 'abcdef1234567890abcdef1234567890abcdef12';
const SHA2 = '1234567abcdef1234567abcdef1234567abcdef1';
const SLUG = 'feature-x-ef6sx5i7c3u5ysncfbui'; // branchSlug('feature/x')
const FOLDER = `ci/${SLUG}`;

/** Commits the tests expect on main, oldest first (after the seed commit). */
const pushed: string[] = [];

function env(extra: NodeJS.ProcessEnv = {}) {
  return ktsEnv(rig.server, rig.cache, extra);
}

function config() {
  return join(rig.project.dir, 'kts.yaml');
}

function publish(envName: string, args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return ktsAsync(['publish', envName, '--config', config(), '--repo', rig.server.repoUrl('deploy'), ...args], { env: env(extra) });
}

function json(r: CliResult): Record<string, unknown> {
  assert.is(r.code, 0, `kts failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function tree(folder: string): string[] {
  return gitIn(rig.bare, ['ls-tree', '-r', '--name-only', 'main', `${folder}/`])
    .split('\n')
    .filter(Boolean)
    .map((p) => p.slice(folder.length + 1));
}

function show(path: string): string {
  return gitIn(rig.bare, ['show', `main:${path}`]);
}

function head(): string {
  return gitIn(rig.bare, ['rev-parse', 'main']).trim();
}

/** One error line after the progress lines (`kts: fetching …`), exit 1, no stack trace, no token. */
function assertFailure(r: CliResult, pattern: RegExp) {
  assert.is(r.code, 1, `expected exit 1, got ${r.code}: ${r.stderr}`);
  assert.is(r.stdout, '');
  const errors = r.stderr.split('\n').filter((l) => l && !l.endsWith('…'));
  assert.is(errors.length, 1, `expected one line: ${r.stderr}`);
  assert.match(`${errors[0]}\n`, pattern);
  assert.not.match(r.stderr, /\bat .*\.(ts|js):\d+/);
  assert.not.ok(r.stderr.includes(rig.server.password), 'the token must never be printed');
}

const rig = deployRig(test, { files: { 'README.md': 'deploy repository\n', 'other/app.yaml': 'kind: Keep\n' } });

test('first publish writes one file per resource, metadata, and one commit naming the source', async () => {
  if (!haveGit) return;
  const r = await publish('ci', ['--branch', 'feature/x', '--commit', SHA1, '--build', '7', '--json']);
  const report = json(r);
  assert.is(report.status, 'published');
  assert.is(report.folder, FOLDER);
  assert.equal(report.added, ['configmap-settings.yaml', 'deployment-web.yaml', 'secret-credentials.yaml', 'service-web.yaml']);
  assert.is(report.summary, '+4 ~0 -0');
  assert.is(report.commit, head());
  pushed.push(report.commit as string);
  assert.equal(tree(FOLDER), ['.kts-publish', 'configmap-settings.yaml', 'deployment-web.yaml', 'secret-credentials.yaml', 'service-web.yaml']);
  const deployment = show(`${FOLDER}/deployment-web.yaml`);
  assert.match(deployment, /^apiVersion: apps\/v1\n/);
  assert.match(deployment, `namespace: ci-${SLUG}`);
  assert.match(deployment, 'image: registry.example.test/shop/web:1.7-abcdef1');
  const meta = JSON.parse(show(`${FOLDER}/.kts-publish`)) as Record<string, unknown>;
  assert.is(meta.environment, 'ci');
  assert.is(meta.branch, 'feature/x');
  assert.equal(meta.source, { commit: SHA1 });
  assert.is(meta.build, '7');
  assert.match(String(meta.tool), /^kts \d/);
  assert.ok(!Number.isNaN(Date.parse(String(meta.renderedAt))));
  const message = gitIn(rig.bare, ['log', '-1', '--format=%B', 'main']);
  assert.match(message, `publish ${FOLDER}: +4 ~0 -0 (abcdef123456, build 7)`);
  assert.match(message, `Source: ${SHA1}`);
  assert.match(message, '+ deployment-web.yaml');
  // The Secret is in the repository as rendered, but never echoed.
  assert.match(show(`${FOLDER}/secret-credentials.yaml`), Buffer.from(SECRET_VALUE).toString('base64'));
  assert.not.ok(`${r.stdout}${r.stderr}`.includes(Buffer.from(SECRET_VALUE).toString('base64')));
  // Everything else in the repository is untouched.
  assert.is(show('other/app.yaml'), 'kind: Keep\n');
});

test('publishing the same render again is a no-op: no commit, exit 0, a message saying so', async () => {
  if (!haveGit) return;
  const before = head();
  const r = await publish('ci', ['--branch', 'feature/x', '--commit', SHA1, '--build', '7']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, `${FOLDER} in ${rig.server.repoUrl('deploy')} (main) is up to date: nothing to publish`);
  assert.match(r.stderr, /^kts: fetching main from \S+…\n/, 'a CI log (stderr not a terminal) gets one line per step');
  assert.not.match(r.stderr, /\r|\x1b/, 'no terminal control characters in a log');
  assert.is(head(), before);
});

test('a changed render commits exactly the difference: +added ~changed -removed', async () => {
  if (!haveGit) return;
  const kustomization = readFileSync(join(rig.project.dir, 'app/kustomization.yaml'), 'utf8');
  rig.project.write('app/kustomization.yaml', kustomization.replace('MODE=fast', 'MODE=slow').replace('- service.yaml\n', '- service.yaml\n- worker.yaml\n'));
  rig.project.write(
    'app/worker.yaml',
    'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: cleanup\nspec:\n  schedule: "0 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: cleanup\n            image: shop/web\n',
  );
  const report = json(await publish('ci', ['--branch', 'feature/x', '--commit', SHA1, '--build', '7', '--json']));
  assert.is(report.status, 'published');
  assert.equal(report.added, ['cronjob-cleanup.yaml']);
  assert.equal(report.changed, ['configmap-settings.yaml']);
  assert.equal(report.removed, []);
  assert.is(report.summary, '+1 ~1 -0');
  pushed.push(report.commit as string);
  assert.match(show(`${FOLDER}/configmap-settings.yaml`), 'MODE: slow');
  assert.match(gitIn(rig.bare, ['log', '-1', '--format=%s', 'main']), `publish ${FOLDER}: +1 ~1 -0`);
  // Only the two files and the metadata changed in that commit.
  assert.equal(gitIn(rig.bare, ['diff', '--name-only', 'main~1', 'main']).split('\n').filter(Boolean), [
    `${FOLDER}/.kts-publish`,
    `${FOLDER}/configmap-settings.yaml`,
    `${FOLDER}/cronjob-cleanup.yaml`,
  ]);
});

test('a resource no longer rendered is removed from the folder', async () => {
  if (!haveGit) return;
  const kustomization = readFileSync(join(rig.project.dir, 'app/kustomization.yaml'), 'utf8');
  rig.project.write('app/kustomization.yaml', kustomization.replace('- worker.yaml\n', ''));
  const r = await publish('ci', ['--branch', 'feature/x', '--commit', SHA1, '--build', '7']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /published .*: \+0 ~0 -1, commit [0-9a-f]{12}\n$/);
  pushed.push(head());
  assert.not.ok(tree(FOLDER).includes('cronjob-cleanup.yaml'));
  assert.match(gitIn(rig.bare, ['log', '-1', '--format=%B', 'main']), '- cronjob-cleanup.yaml');
});

test('an older render never replaces a newer one in the folder', async () => {
  if (!haveGit) return;
  const before = head();
  const report = json(await publish('ci', ['--branch', 'feature/x', '--commit', SHA2, '--build', '6', '--json']));
  assert.is(report.status, 'superseded');
  assert.equal((report.newer as Record<string, unknown>).build, '7');
  assert.is(head(), before);
});

test('promote copies the validated images into production as one commit', async () => {
  if (!haveGit) return;
  const [production, ci] = (
    await Promise.all([
      publish('production', ['--branch', 'master', '--commit', SHA2, '--build', '41', '--json']),
      publish('ci', ['--branch', 'master', '--commit', SHA1, '--build', '42', '--json']),
    ])
  ).map(json);
  assert.is(production!.folder, 'production');
  assert.is(ci!.folder, 'ci/master');
  // Both landed, in whichever order the race went.
  pushed.push(...gitIn(rig.bare, ['rev-list', '--reverse', `${pushed.at(-1)}..main`]).trim().split('\n'));
  assert.equal([...pushed.slice(-2)].sort(), [production!.commit, ci!.commit].sort());
  const before = show('production/deployment-web.yaml');
  assert.match(before, 'image: registry.example.test/shop/web:1.41-1234567');

  const args = ['promote', '--from', 'ci', '--to', 'production', '--branch', 'master', '--config', config(), '--repo', rig.server.repoUrl('deploy')];
  const promoted = json(await ktsAsync([...args, '--json'], { env: env() }));
  assert.is(promoted.status, 'promoted');
  assert.equal(promoted.source, { commit: SHA1, build: '42' });
  pushed.push(promoted.commit as string);
  const after = show('production/deployment-web.yaml');
  assert.is(after, before.replace('registry.example.test/shop/web:1.41-1234567', 'registry.example.test/shop/web:1.42-abcdef1'));
  assert.match(after, 'namespace: shop');
  assert.match(after, 'image: busybox:1.36');
  assert.equal(gitIn(rig.bare, ['diff', '--name-only', 'main~1', 'main']).split('\n').filter(Boolean), ['production/.kts-publish', 'production/deployment-web.yaml']);
  assert.match(gitIn(rig.bare, ['log', '-1', '--format=%B', 'main']), 'promote ci/master -> production: 1 image (abcdef123456, build 42)');

  const again = await ktsAsync(args, { env: env() });
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, 'production already runs the images of ci/master: nothing to promote');
});

test('unpublish removes the branch folder in one commit, and is a no-op afterwards', async () => {
  if (!haveGit) return;
  const args = ['unpublish', 'ci', '--branch', 'feature/x', '--config', config(), '--repo', rig.server.repoUrl('deploy')];
  const report = json(await ktsAsync([...args, '--json'], { env: env() }));
  assert.is(report.status, 'removed');
  assert.is(report.folder, FOLDER);
  pushed.push(report.commit as string);
  assert.equal(tree(FOLDER), []);
  assert.ok(tree('ci/master').length > 0, 'other branches stay');
  const [again, production] = await Promise.all([
    ktsAsync(args, { env: env() }),
    ktsAsync(['unpublish', 'production', '--branch', 'master', '--config', config(), '--repo', rig.server.repoUrl('deploy')], { env: env() }),
  ]);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, 'nothing to remove');
  assertFailure(production, /the folder of production \(<env>\) does not depend on the branch; refusing to remove it/);
  assert.ok(tree('production').length > 0);
});

test('wrong or missing credentials fail with one line and never print the token', async () => {
  if (!haveGit) return;
  const before = head();
  const args = ['--branch', 'auth', '--commit', SHA1, '--build', '1'];
  const withUrlCredentials = rig.server.repoUrl('nothere').replace('//', `//${rig.server.username}:${rig.server.password}@`);
  const [wrong, none, inUrl] = await Promise.all([
    publish('ci', args, { KTS_GIT_TOKEN: 'not-the-token' }),
    publish('ci', args, { KTS_GIT_TOKEN: '' }),
    ktsAsync(['publish', 'ci', '--config', config(), '--repo', withUrlCredentials, ...args], { env: env({ KTS_GIT_TOKEN: '' }) }),
  ]);
  assertFailure(wrong, /authentication failed for http:\/\/127\.0\.0\.1:\d+\/deploy\.git \(HTTP 401\)/);
  assert.not.ok(wrong.stderr.includes('not-the-token'));
  assertFailure(none, /requires authentication \(HTTP 401\); set KTS_GIT_TOKEN/);
  // Credentials inside the URL are used (past the 401), and redacted from every message.
  assertFailure(inUrl, /^kts: http:\/\/127\.0\.0\.1:\d+\/nothere\.git is not a git repository \(HTTP 404\)/);
  assert.is(head(), before);
});

test('bad remotes, refs and renders fail with one line naming the cause', async () => {
  if (!haveGit) return;
  const before = head();
  const args = ['--branch', 'faults', '--commit', SHA1, '--build', '1'];
  // A web server that answers everything with a page: reachable, but no git there.
  const web = createServer((_, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>welcome</html>'));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  const webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}/deploy.git`;
  const [missingRef, unreachable, notRepo, notGit, badRender] = await Promise.all([
    publish('ci', [...args, '--ref', 'release']),
    ktsAsync(['publish', 'ci', '--config', config(), '--repo', 'http://127.0.0.1:9/deploy.git', ...args], { env: env() }),
    ktsAsync(['publish', 'ci', '--config', config(), '--repo', rig.server.repoUrl('missing'), ...args], { env: env() }),
    ktsAsync(['publish', 'ci', '--config', config(), '--repo', webUrl, ...args], { env: env() }),
    publish('nosuchenv', args),
  ]).finally(() => web.close());
  assertFailure(notGit, /http:\/\/127\.0\.0\.1:\d+\/deploy\.git is not a git repository \(no git smart-HTTP service there\)/);
  assertFailure(missingRef, /branch 'release' does not exist in http:\/\/127\.0\.0\.1:\d+\/deploy\.git/);
  assertFailure(unreachable, /cannot reach http:\/\/127\.0\.0\.1:9\/deploy\.git \(ECONNREFUSED\)/);
  assertFailure(notRepo, /is not a git repository/);
  // A render error: nothing reaches the remote.
  assertFailure(badRender, /unknown environment 'nosuchenv'/);
  assert.is(head(), before);
});

test('a push the server refuses although nothing moved fails at once with its reason', async () => {
  if (!haveGit) return;
  const hook = join(rig.bare, 'hooks', 'pre-receive');
  writeFileSync(hook, '#!/bin/sh\necho "deploys are frozen" >&2\nexit 1\n', { mode: 0o755 });
  const attempts = rig.server.pushAttempts;
  try {
    const r = await publish('ci', ['--branch', 'frozen', '--commit', SHA1, '--build', '1']);
    assertFailure(r, /push to .* \(main\) was rejected: pre-receive hook declined/);
    assert.is(rig.server.pushAttempts - attempts, 1, 'no retry when the branch did not move');
  } finally {
    rmSync(hook);
  }
});

test('a branch that keeps moving exhausts the bounded retries; the remote holds nothing half-written', async () => {
  if (!haveGit) return;
  const attempts = rig.server.pushAttempts;
  const interlopers: string[] = [];
  rig.server.beforeReceivePack = (repo) => void interlopers.push(advanceRef(repo, 'main', `interloper ${interlopers.length + 1}`));
  try {
    const r = await publish('ci', ['--branch', 'busy', '--commit', SHA1, '--build', '1', '--retries', '2']);
    assertFailure(r, /push to .* \(main\) was rejected 3 times because the branch kept moving; gave up/);
  } finally {
    rig.server.beforeReceivePack = undefined;
  }
  assert.is(rig.server.pushAttempts - attempts, 3);
  assert.equal(tree('ci/busy'), []);
  pushed.push(...interlopers);
});

test('the repository is sound and holds exactly the expected commits', () => {
  if (!haveGit) return;
  gitIn(rig.bare, ['fsck', '--strict', '--no-dangling']);
  const history = gitIn(rig.bare, ['rev-list', '--reverse', 'main']).split('\n').filter(Boolean);
  assert.equal(history.slice(1), pushed);
  assert.is(gitIn(rig.bare, ['log', '--format=%s', '-1', history[0]!]).trim(), 'initial commit');
  assert.equal(gitIn(rig.bare, ['for-each-ref', '--format=%(refname)']).trim().split('\n'), ['refs/heads/main']);
});

test.run();
