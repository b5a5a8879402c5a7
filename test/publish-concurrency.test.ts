// Many `kts publish` processes against one deploy repository at the same moment: 8 for different
// branches (all must land), then 4 for the same branch (the newest render must win). Afterwards the
// real git CLI checks the repository and its history; the folders are compared with in-process renders.
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { renderEnvironment } from '../src/env/render.js';
import { manifestFiles } from '../src/gitops/publish.js';
import { hasProgram, ktsAsync, type CliResult } from './helpers/cli.js';
import { gitIn } from './git-server.js';
import { deployRig, ktsEnv } from './publish-fixture.js';

const test = suite('kts publish under concurrency');
const haveGit = hasProgram('git');
if (!haveGit) console.log('skipping test/publish-concurrency.test.ts: the git CLI is not installed (needed for git http-backend and verification)');


interface Report {
  status: string;
  folder: string;
  commit: string | null;
  attempts: number;
}

const sha = (n: number) => n.toString(16).padStart(7, '0').repeat(6).slice(0, 40);

function publish(branch: string, build: number): Promise<CliResult> {
  const args = ['publish', 'ci', '--config', join(rig.project.dir, 'kts.yaml'), '--repo', rig.server.repoUrl('deploy'), '--json'];
  return ktsAsync([...args, '--branch', branch, '--commit', sha(build), '--build', String(build)], { env: ktsEnv(rig.server, rig.cache) });
}

function reportOf(r: CliResult): Report {
  assert.is(r.code, 0, `kts publish failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Report;
}

/** The folder in the repository equals what rendering (branch, build) gives, file for file. */
async function assertFolderHoldsRender(folder: string, branch: string, build: number) {
  const rendered = await renderEnvironment({
    env: 'ci',
    configFile: join(rig.project.dir, 'kts.yaml'),
    flags: { branch, commit: sha(build), build: String(build) },
    environ: {},
  });
  const expected = manifestFiles(rendered.resources);
  const names = gitIn(rig.bare, ['ls-tree', '--name-only', 'main', `${folder}/`])
    .split('\n')
    .filter(Boolean)
    .map((p) => p.slice(folder.length + 1));
  assert.equal(names, ['.kts-publish', ...[...expected.keys()].sort()]);
  for (const [name, content] of expected) assert.is(gitIn(rig.bare, ['show', `main:${folder}/${name}`]), content, `${folder}/${name}`);
  const meta = JSON.parse(gitIn(rig.bare, ['show', `main:${folder}/.kts-publish`])) as { build: string; source: { commit: string } };
  assert.is(meta.build, String(build));
  assert.is(meta.source.commit, sha(build));
}

const rig = deployRig(test);

const published: string[] = [];

/**
 * Holds pushes until two are waiting (or a second passed), then lets them race: however the
 * processes happen to be scheduled, some push is computed against a head that has moved.
 */
function pairUpPushes(): () => void {
  let waiting: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  const release = () => {
    clearTimeout(timer);
    for (const go of waiting) go();
    waiting = [];
  };
  rig.server.beforeReceivePack = () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (waiting.length >= 2) release();
      else timer = setTimeout(release, 1000);
    });
  return () => {
    release();
    rig.server.beforeReceivePack = undefined;
  };
}

test('8 jobs for different branches at the same moment all land, each exactly once', async () => {
  if (!haveGit) return;
  const branches = Array.from({ length: 8 }, (_, i) => `feature/job-${i + 1}`);
  const stop = pairUpPushes();
  const reports = (await Promise.all(branches.map((b, i) => publish(b, i + 1))).finally(stop)).map(reportOf);
  for (const r of reports) {
    assert.is(r.status, 'published');
    assert.ok(r.commit);
    published.push(r.commit!);
  }
  assert.is(new Set(reports.map((r) => r.folder)).size, 8);
  assert.ok(reports.some((r) => r.attempts > 1), 'at least one job must have been pushed out and retried');
  for (const [i, r] of reports.entries()) await assertFolderHoldsRender(r.folder, branches[i]!, i + 1);
});

test('4 jobs for the same branch: every landed commit is kept, the newest render wins', async () => {
  if (!haveGit) return;
  const builds = [11, 12, 13, 14];
  const reports = (await Promise.all(builds.map((b) => publish('feature/same', b)))).map(reportOf);
  for (const r of reports) {
    assert.ok(['published', 'superseded'].includes(r.status), r.status);
    if (r.status === 'published') published.push(r.commit!);
  }
  assert.is(reports[3]!.status, 'published', 'the newest build is never superseded');
  await assertFolderHoldsRender(reports[0]!.folder, 'feature/same', 14);
});

test('the repository is sound and holds every reported commit exactly once', () => {
  if (!haveGit) return;
  gitIn(rig.bare, ['fsck', '--strict', '--no-dangling']);
  const history = gitIn(rig.bare, ['rev-list', 'main']).split('\n').filter(Boolean);
  assert.is(history.length, 1 + published.length);
  assert.equal([...history.slice(0, -1)].sort(), [...published].sort());
  // History is linear: each publish landed on top of the previous one, none replaced another.
  assert.is(gitIn(rig.bare, ['rev-list', '--merges', 'main']).trim(), '');
  const subjects = gitIn(rig.bare, ['log', '--format=%s', 'main']).split('\n').filter((s) => s.startsWith('publish '));
  assert.is(subjects.length, published.length);
  assert.is(new Set(subjects).size, subjects.length, 'no publish landed twice');
});

test.run();
