// Remote bases and files end to end: a real git smart-HTTP server (git http-backend) and an HTTP
// file server on 127.0.0.1. Every kustomization is built by kts and by `kubectl kustomize` (which
// fetches from the same servers with the git binary) and must match byte for byte; then built again
// without a single git fetch, pinned by a lock file, and finally rebuilt --offline with both servers
// gone. Credentials: never sent to unlisted hosts or across origins on a redirect, never printed.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commitFile, gitIn, startGitServer, type GitServer } from './git-server.js';
import { hasProgram, ktsAsync } from './helpers/cli.js';

const haveGit = hasProgram('git');
const haveKubectl = hasProgram('kubectl');

interface FileServer {
  base: string;
  files: Map<string, { status?: number; location?: string; body?: string }>;
  seen: { path: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

async function startFileServer(): Promise<FileServer> {
  const files: FileServer['files'] = new Map();
  const seen: FileServer['seen'] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    seen.push({ path, headers: req.headers });
    const f = files.get(path);
    if (!f) {
      res.writeHead(404).end('not found\n');
      return;
    }
    res.writeHead(f.status ?? 200, f.location ? { Location: f.location } : {}).end(f.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    files,
    seen,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function kubectl(dir: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('kubectl', ['kustomize', dir], { env, maxBuffer: 64 << 20 }, (e, stdout, stderr) => resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

const DEPLOYMENT = (replicas: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${replicas}\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n`;

let git: GitServer;
let files: FileServer;
let work: string;
let env: NodeJS.ProcessEnv;
let first: string;
const built = new Map<string, string>();

function write(dir: string, kustomization: string, extra: Record<string, string> = {}): string {
  const d = join(work, dir);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'kustomization.yaml'), kustomization);
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(d, name), text);
  return d;
}

const build = (dir: string, ...flags: string[]) => ktsAsync(['build', join(work, dir), ...flags], { env });
/** The lock test mutates its own cache, not the one the offline test rebuilds from. */
const buildLocked = (...flags: string[]) => ktsAsync(['build', join(work, 'locked'), ...flags], { env: { ...env, KTS_CACHE_DIR: join(work, '.cache-lock') } });

test.before(async () => {
  if (!haveGit) return;
  git = await startGitServer();
  files = await startFileServer();
  const repo = git.createRepo('bases', {
    files: {
      'base/kustomization.yaml': 'resources:\n- deployment.yaml\nconfigMapGenerator:\n- name: base-config\n  literals:\n  - LEVEL=info\n',
      'base/deployment.yaml': DEPLOYMENT(1),
      'component/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels:\n- pairs:\n    team: platform\n',
      'escape/kustomization.yaml': 'resources:\n- ../base/deployment.yaml\n',
    },
  });
  first = gitIn(repo, ['rev-parse', 'main']).trim();
  gitIn(repo, ['tag', 'v1', first]);
  gitIn(repo, ['tag', '-a', 'v2', '-m', 'annotated', first]);
  // main moves on: the branch now differs from the tags and from the first commit, which no ref names.
  commitFile(repo, 'main', 'base/deployment.yaml', DEPLOYMENT(2), 'two replicas');
  files.files.set('/cm.yaml', { body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: raw\ndata:\n  k: v\n' });
  files.files.set('/app.properties', { body: 'color=blue\nsize=3\n' });
  work = mkdtempSync(join(tmpdir(), 'kts-remote-'));
  const auth = `Basic ${Buffer.from(`${git.username}:${git.password}`).toString('base64')}`;
  env = {
    ...process.env,
    KTS_CACHE_DIR: join(work, '.cache'),
    KTS_GIT_TOKEN: git.password,
    KTS_GIT_USERNAME: git.username,
    KTS_GIT_TOKEN_HOSTS: `${new URL(git.base).host}, ${new URL(files.base).host}`,
    // kubectl's kustomize clones with the git binary: same credentials through git's own config.
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `Authorization: ${auth}`,
    GIT_TERMINAL_PROMPT: '0',
  };
  const url = git.repoUrl('bases');
  write('tag', `resources:\n- ${url}//base?ref=v1\nnamePrefix: tag-\n`);
  write('annotated', `resources:\n- ${url}/base?version=v2&timeout=60s\nnamePrefix: annotated-\n`);
  write('branch', `resources:\n- ${url}//base?ref=main\nnamePrefix: branch-\n`);
  write('commit', `resources:\n- ${url}//base?ref=${first}\nnamePrefix: commit-\n`);
  write('component', `resources:\n- cm.yaml\ncomponents:\n- ${url}//component?ref=v1\n`, { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\n' });
  write('raw', `resources:\n- ${files.base}/cm.yaml\nconfigMapGenerator:\n- name: props\n  files:\n  - ${files.base}/app.properties\n  - renamed=${files.base}/app.properties\n`);
  write('nested', 'resources:\n- ../tag\n- ../raw\nnamespace: nested\n');
});

test.after(async () => {
  if (!haveGit) return;
  await git?.close().catch(() => undefined);
  await files?.close().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

const DIRS = ['tag', 'annotated', 'branch', 'commit', 'component', 'raw', 'nested'];

test('remote bases by tag, annotated tag, branch and commit, a remote component and raw file URLs build as kubectl kustomize builds them', async () => {
  if (!haveGit) return console.log('skipped: git not installed');
  const results = await Promise.all(DIRS.map((d) => build(d)));
  for (const [i, d] of DIRS.entries()) {
    assert.is(results[i].code, 0, `${d}: ${results[i].stderr}`);
    built.set(d, results[i].stdout);
  }
  assert.match(built.get('tag')!, /name: tag-web\nspec:\n  replicas: 1\n/);
  assert.match(built.get('annotated')!, /replicas: 1\n/);
  assert.match(built.get('branch')!, /replicas: 2\n/);
  assert.match(built.get('commit')!, /replicas: 1\n/);
  assert.match(built.get('component')!, /team: platform/);
  assert.match(built.get('raw')!, /color=blue/);
  assert.match(built.get('nested')!, /namespace: nested/);
  if (!haveKubectl) return console.log('skipped comparison: kubectl not installed');
  const expected = await Promise.all(DIRS.map((d) => kubectl(join(work, d), env)));
  for (const [i, d] of DIRS.entries()) {
    assert.is(expected[i].code, 0, `${d}: ${expected[i].stderr}`);
    assert.fixture(built.get(d)!, expected[i].stdout, d);
  }
});

test('a second build of an unchanged tree fetches nothing: refs resolve, commits come from the cache', async () => {
  if (!haveGit) return;
  const before = git.fetches;
  const again = await Promise.all(DIRS.map((d) => build(d)));
  for (const [i, d] of DIRS.entries()) assert.fixture(again[i].stdout, built.get(d)!, d);
  // kts render builds environments with the same remote source and cache.
  const rendered = await ktsAsync(['render', join(work, 'nested')], { env });
  assert.is(rendered.code, 0, rendered.stderr);
  assert.match(rendered.stdout, /name: tag-web\n  namespace: nested\n/);
  assert.is(git.fetches, before);
});

test('a remote root loads files only below itself, as in kustomize', async () => {
  if (!haveGit) return;
  write('escape', `resources:\n- ${git.repoUrl('bases')}//escape?ref=v1\n`);
  const r = await build('escape');
  assert.is(r.code, 1);
  assert.match(r.stderr, /escape\/kustomization\.yaml: resources\[0\]: .*security; file .* is not in or below/);
  if (haveKubectl) assert.is.not((await kubectl(join(work, 'escape'), env)).code, 0);
});

test('the lock file pins commits and file digests; a changed file fails loudly; --update-lock accepts it', async () => {
  if (!haveGit) return;
  const dir = write('locked', `resources:\n- ${git.repoUrl('bases')}//base?ref=v3\n- ${files.base}/locked.yaml\n`);
  files.files.set('/locked.yaml', { body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: locked\ndata:\n  v: "1"\n' });
  gitIn(join(git.root, 'bases.git'), ['tag', 'v3', first]);
  const update = await buildLocked('--update-lock');
  assert.is(update.code, 0, update.stderr);
  const lock = JSON.parse(readFileSync(join(dir, 'kustomization.lock.json'), 'utf8'));
  assert.equal(Object.values(lock.git), [{ commit: first }]);
  assert.equal(Object.keys(lock.files), [`${files.base}/locked.yaml`]);
  // The tag moves to the new commit: the locked build still builds the old one, kubectl the new one.
  gitIn(join(git.root, 'bases.git'), ['tag', '-f', 'v3', 'main']);
  const pinned = await buildLocked();
  assert.is(pinned.stdout, update.stdout);
  assert.match(pinned.stdout, /replicas: 1\n/);
  files.files.set('/locked.yaml', { body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: locked\ndata:\n  v: "2"\n' });
  rmSync(join(work, '.cache-lock', 'files'), { recursive: true, force: true });
  const mismatch = await buildLocked();
  assert.is(mismatch.code, 1);
  assert.match(mismatch.stderr, /^kts: .*locked\/kustomization\.yaml: resources\[1\]: .*locked\.yaml' has content sha256 [0-9a-f]{64}, but the lock file records [0-9a-f]{64}; run 'kts build --update-lock'/);
  assert.is(mismatch.stderr.trim().split('\n').length, 1);
  const accepted = await buildLocked('--update-lock');
  assert.match(accepted.stdout, /replicas: 2\n/);
  assert.match(accepted.stdout, /v: "2"/);
});

test('credentials: only to listed hosts, never across origins on a redirect, never printed', async () => {
  if (!haveGit) return;
  const other = await startFileServer();
  try {
    other.files.set('/cm.yaml', { body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: moved\n' });
    // Same host, another port: another origin.
    files.files.set('/moved.yaml', { status: 302, location: `${other.base}/cm.yaml` });
    write('redirect', `resources:\n- ${files.base}/moved.yaml\n`);
    const r = await build('redirect');
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /name: moved/);
    assert.ok(files.seen.find((s) => s.path === '/moved.yaml')?.headers.authorization, 'the listed origin gets the token');
    assert.is(other.seen.find((s) => s.path === '/cm.yaml')?.headers.authorization, undefined);
    // Not listed: no token goes out, the server refuses, and the error names neither user nor token.
    write('unlisted', `resources:\n- ${git.repoUrl('bases')}//base?ref=main\n`);
    const refused = await ktsAsync(['build', join(work, 'unlisted')], { env: { ...env, KTS_GIT_TOKEN_HOSTS: '', KTS_CACHE_DIR: join(work, '.cache2') } });
    assert.is(refused.code, 1);
    assert.match(refused.stderr, /HTTP 401/);
    // Userinfo written in a URL is used for that origin and redacted from every message.
    const withUser = git.repoUrl('missing').replace('http://', `http://${git.username}:${git.password}@`);
    write('userinfo', `resources:\n- ${withUser}//base?ref=main\n`);
    const failed = await build('userinfo');
    assert.is(failed.code, 1);
    for (const out of [refused.stderr, failed.stderr, r.stderr]) assert.not.ok(out.includes(git.password), out);
  } finally {
    await other.close();
  }
});

test('an engine error on a remote file names its URL without user, password or token', async () => {
  if (!haveGit) return;
  files.files.set('/bad.yaml', { body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [1\n' });
  files.files.set('/stray-patch.yaml', { body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nowhere\n' });
  const url = (path: string) => `${files.base.replace('//', '//bob:pw-LEAK-1@')}${path}?token=tok-LEAK-2&ref=main`;
  write('remote-bad', `resources:\n- ${url('/bad.yaml')}\n`);
  write('remote-patch', `resources:\n- ${files.base}/cm.yaml\npatches:\n- path: ${url('/stray-patch.yaml')}\n`);
  const [bad, patch] = await Promise.all([build('remote-bad'), build('remote-patch')]);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, new RegExp(`^kts: ${files.base}/bad\\.yaml\\?token=REDACTED&ref=main:7: invalid YAML`));
  assert.is(patch.code, 1);
  assert.match(patch.stderr, new RegExp(`^kts: ${files.base}/stray-patch\\.yaml\\?token=REDACTED&ref=main: no matches for Id ConfigMap`));
  for (const r of [bad, patch]) assert.not.match(r.stderr, /LEAK|bob/);
});

test('kts env gc --keep-from-git never prints the password of a remote it cannot read', async () => {
  if (!haveGit) return;
  const r = await ktsAsync(['env', 'gc', '--keep-from-git', 'http://ci-bot:pw-SECRET-42@127.0.0.1:1/app.git'], { env });
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /git ls-remote http:\/\/127\.0\.0\.1:1\/app\.git failed/);
  assert.not.ok(r.stderr.includes('pw-SECRET-42') || r.stderr.includes('ci-bot'), r.stderr);
});

test('with both servers stopped, every tree rebuilds --offline from the cache, byte for byte', async () => {
  if (!haveGit) return;
  await git.close();
  await files.close();
  const offline = await Promise.all(DIRS.map((d) => build(d, '--offline')));
  for (const [i, d] of DIRS.entries()) {
    assert.is(offline[i].code, 0, `${d}: ${offline[i].stderr}`);
    assert.fixture(offline[i].stdout, built.get(d)!, d);
  }
  // Something never fetched: one line naming the reference.
  write('never', `resources:\n- ${git.repoUrl('bases')}//base?ref=never-fetched\n`);
  const missing = await build('never', '--offline');
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /never\/kustomization\.yaml: resources\[0\]: '.*bases\.git\/\/base\?ref=never-fetched' is not in the cache and --offline forbids fetching it\n$/);
  assert.ok(existsSync(join(work, '.cache', 'git', 'trees', first)));
});

test.run();
