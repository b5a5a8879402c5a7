// The optimistic push loop against a real git smart-HTTP server (git http-backend), in process.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { newResource } from '../kustomize/resource.js';
import { KtsError } from '../errors.js';
import { advanceRef, commitFile, gitIn, startGitServer, type GitServer } from '../../test/git-server.js';
import { hasProgram } from '../../test/helpers/cli.js';
import { leaseCache } from './cache.js';
import { publishResources } from './publish.js';
import { DeployRepo } from './remote.js';
import { commitWithRetry, type GitOptions } from './transaction.js';

const test = suite('deploy repository transactions');
const haveGit = hasProgram('git');
if (!haveGit) console.log('skipping src/gitops/transaction.test.ts: the git CLI is not installed');

let server: GitServer;
let cache: string;

const configMap = (name: string, value: string) => newResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { value } });

function options(repo: string, extra: Partial<GitOptions['remote']> = {}): GitOptions {
  return {
    remote: { url: server.repoUrl(repo), ref: 'main', credentials: { username: server.username, password: server.password }, cacheRoot: cache, ...extra },
    author: { name: 'Test CI', email: 'ci@example.test' },
    retries: 3,
    backoff: { baseMs: 1, capMs: 5 },
  };
}

test.before(async () => {
  if (!haveGit) return;
  server = await startGitServer();
  cache = mkdtempSync(join(tmpdir(), 'kts-tx-cache-'));
});

test.after(async () => {
  if (!haveGit) return;
  await server.close();
  rmSync(cache, { recursive: true, force: true });
});

test('a push overtaken by another writer is rebuilt on the new head and keeps its work', async () => {
  if (!haveGit) return;
  const bare = server.createRepo('moved', { files: { 'README.md': 'x\n' } });
  let other = '';
  server.beforeReceivePack = (repo) => {
    server.beforeReceivePack = undefined;
    other = commitFile(repo, 'main', 'team-b/app.yaml', 'kind: Other\n', 'team b publishes');
  };
  const report = await publishResources([configMap('a', '1')], { env: 'ci', folder: 'ci/a', commit: 'abc1234', build: '1' }, options('moved'));
  assert.is(report.status, 'published');
  assert.is(report.attempts, 2);
  assert.is(report.parent, other);
  assert.equal(gitIn(bare, ['rev-list', 'main']).trim().split('\n').slice(0, 2), [report.commit, other]);
  assert.equal(gitIn(bare, ['ls-tree', '-r', '--name-only', 'main']).trim().split('\n'), ['README.md', 'ci/a/.kts-publish', 'ci/a/configmap-a.yaml', 'team-b/app.yaml']);
  gitIn(bare, ['fsck', '--strict']);
});

test('the cache is reused: a second publish only sends what changed', async () => {
  if (!haveGit) return;
  const bare = server.createRepo('reuse', { files: { 'README.md': 'x\n' } });
  const many = Array.from({ length: 50 }, (_, i) => configMap(`cm-${i}`, String(i)));
  await publishResources(many, { env: 'ci', folder: 'ci/x', build: '1' }, options('reuse'));
  many[7] = configMap('cm-7', 'changed');
  const report = await publishResources(many, { env: 'ci', folder: 'ci/x', build: '2' }, options('reuse'));
  assert.equal([report.added, report.changed, report.removed], [[], ['configmap-cm-7.yaml'], []]);
  // The pushed commit references exactly the new blobs: the changed file and the metadata.
  const changed = gitIn(bare, ['diff-tree', '-r', '--name-only', '--no-commit-id', 'main']).trim().split('\n');
  assert.equal(changed, ['ci/x/.kts-publish', 'ci/x/configmap-cm-7.yaml']);
  gitIn(bare, ['fsck', '--strict']);
});

test('a broken cache is thrown away and fetched again', async () => {
  if (!haveGit) return;
  server.createRepo('broken', { files: { 'README.md': 'x\n' } });
  await publishResources([configMap('a', '1')], { env: 'ci', folder: 'ci/a', build: '1' }, options('broken'));
  const lease = leaseCache(cache, server.repoUrl('broken'), 'main');
  lease.release();
  const packs = join(lease.gitdir, 'objects', 'pack');
  rmSync(packs, { recursive: true });
  writeFileSync(packs, 'not a directory');
  const report = await publishResources([configMap('a', '2')], { env: 'ci', folder: 'ci/a', build: '2' }, options('broken'));
  assert.equal(report.changed, ['configmap-a.yaml']);
});

test('retries are bounded and spaced by the jittered backoff', async () => {
  if (!haveGit) return;
  server.createRepo('busy', { files: { 'README.md': 'x\n' } });
  server.beforeReceivePack = (repo) => void advanceRef(repo, 'main', 'someone else');
  const delays: number[] = [];
  const repo = await DeployRepo.open(options('busy').remote);
  try {
    await commitWithRetry(
      repo,
      async () => ({ edits: [{ path: 'x', files: new Map([['f', { content: 'f' }]]) }], message: 'm', result: null }),
      { author: { name: 'a', email: 'a@x' }, retries: 3, random: () => 0.5, sleep: async (ms) => void delays.push(ms), backoff: { baseMs: 100, capMs: 300 } },
    );
    assert.unreachable('must give up');
  } catch (e) {
    assert.instance(e, KtsError);
    assert.match((e as Error).message, /rejected 4 times because the branch kept moving/);
  } finally {
    server.beforeReceivePack = undefined;
    repo.close();
  }
  assert.equal(delays, [50, 100, 150]);
});

test('a missing branch is an error unless asked to create it; then the first commit has no parent', async () => {
  if (!haveGit) return;
  const bare = server.createRepo('empty');
  try {
    await publishResources([configMap('a', '1')], { env: 'ci', folder: 'ci/a' }, options('empty'));
    assert.unreachable('must fail');
  } catch (e) {
    assert.match((e as Error).message, /branch 'main' does not exist in .*empty\.git \(pass --create-ref to start it\)/);
  }
  const report = await publishResources([configMap('a', '1')], { env: 'ci', folder: 'ci/a' }, options('empty', { createRef: true }));
  assert.is(report.parent, null);
  assert.is(gitIn(bare, ['rev-list', '--count', 'main']).trim(), '1');
  gitIn(bare, ['fsck', '--strict']);
});

test.run();
