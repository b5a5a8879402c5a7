import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { EnvironmentConfig } from './config.js';
import { PLACEHOLDER, readGit, resolveContext, type ContextFlags, type GitInfo } from './context.js';
import { isKtsError } from '../errors.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasProgram } from '../../test/helpers/cli.js';

const env: EnvironmentConfig = {
  name: 'branch',
  overlay: '/repo/overlays/branch',
  components: [],
  namespacePrefix: 'preview',
  domain: 'preview.example.test',
  tagTemplate: '{major}.{build}-{shortSha}',
  images: [],
  major: '3',
  configFile: '/repo/kts.yaml',
};
const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
const SHA2 = '1111111111222222222233333333334444444444';

function resolve(environ: Record<string, string>, flags: ContextFlags = {}, git: GitInfo = {}) {
  let gitCalls = 0;
  const ctx = resolveContext({ flags, environ, env, cwd: '/repo', git: () => (gitCalls++, git) });
  return { ...ctx, gitCalls };
}

test('GitHub Actions: pull request head ref, sha, run number', () => {
  const c = resolve({ GITHUB_ACTIONS: 'true', GITHUB_SHA: SHA, GITHUB_HEAD_REF: 'feature/pay', GITHUB_REF_NAME: '12/merge', GITHUB_RUN_NUMBER: '77' });
  assert.is(c.provider, 'github');
  assert.is(c.branch, 'feature/pay');
  assert.is(c.sources.branch, 'env GITHUB_HEAD_REF (GitHub Actions)');
  assert.is(c.commit, SHA);
  assert.is(c.shortSha, 'abcdef0');
  assert.is(c.build, '77');
  assert.is(c.sources.build, 'env GITHUB_RUN_NUMBER (GitHub Actions)');
});

test('GitHub Actions: push uses GITHUB_REF_NAME when GITHUB_HEAD_REF is empty', () => {
  const c = resolve({ GITHUB_ACTIONS: 'true', GITHUB_SHA: SHA, GITHUB_HEAD_REF: '', GITHUB_REF_NAME: 'main', GITHUB_RUN_NUMBER: '3' });
  assert.is(c.branch, 'main');
  assert.is(c.sources.branch, 'env GITHUB_REF_NAME (GitHub Actions)');
});

test('GitLab CI: ref name, sha, pipeline iid', () => {
  const c = resolve({ GITLAB_CI: 'true', CI_COMMIT_SHA: SHA, CI_COMMIT_REF_NAME: 'JIRA-9_fix', CI_PIPELINE_IID: '501' });
  assert.is(c.provider, 'gitlab');
  assert.equal([c.branch, c.commit, c.build], ['JIRA-9_fix', SHA, '501']);
  assert.is(c.sources.commit, 'env CI_COMMIT_SHA (GitLab CI)');
});

test('TeamCity: vcs number, build number, branch passed from teamcity.build.branch', () => {
  const c = resolve({ TEAMCITY_VERSION: '2024.03', BUILD_VCS_NUMBER: SHA, BUILD_NUMBER: '1204', TEAMCITY_BUILD_BRANCH: 'refs/heads/feature/search' });
  assert.is(c.provider, 'teamcity');
  assert.equal([c.branch, c.commit, c.build], ['feature/search', SHA, '1204']);
  assert.match(c.sources.branch!, /TEAMCITY_BUILD_BRANCH \(TeamCity/);
  const dotted = resolve({ BUILD_VCS_NUMBER: SHA, BUILD_NUMBER: '5', 'teamcity.build.branch': 'release/1.2' });
  assert.is(dotted.provider, 'teamcity');
  assert.is(dotted.branch, 'release/1.2');
});

test('Jenkins: BRANCH_NAME, then GIT_BRANCH without remote, then the job name', () => {
  const multi = resolve({ JENKINS_URL: 'http://ci/', GIT_COMMIT: SHA, BRANCH_NAME: 'feature/a', GIT_BRANCH: 'origin/other', BUILD_NUMBER: '9', JOB_NAME: 'shop/feature%2Fa' });
  assert.is(multi.provider, 'jenkins');
  assert.equal([multi.branch, multi.commit, multi.build], ['feature/a', SHA, '9']);
  const git = resolve({ JENKINS_URL: 'http://ci/', GIT_COMMIT: SHA, GIT_BRANCH: 'origin/feature/b', BUILD_NUMBER: '10' });
  assert.is(git.branch, 'feature/b');
  assert.match(git.sources.branch!, /^env GIT_BRANCH \(Jenkins, remote prefix stripped\)$/);
  const job = resolve({ JOB_NAME: 'shop/feature%2Fc', GIT_COMMIT: SHA, BUILD_NUMBER: '11' });
  assert.is(job.provider, 'jenkins');
  assert.is(job.branch, 'feature/c');
});

test('DEVELOPMENT_SERVER_DOMAIN beats kts.yaml, --domain beats both', () => {
  assert.is(resolve({}, {}, { branch: 'x', commit: SHA }).domain, 'preview.example.test');
  const e = resolve({ DEVELOPMENT_SERVER_DOMAIN: 'Dev.Example.org' }, {}, { branch: 'x', commit: SHA });
  assert.is(e.domain, 'dev.example.org');
  assert.is(e.sources.domain, 'env DEVELOPMENT_SERVER_DOMAIN');
  const f = resolve({ DEVELOPMENT_SERVER_DOMAIN: 'dev.example.org' }, { domain: 'flag.example.net' }, { branch: 'x', commit: SHA });
  assert.is(f.domain, 'flag.example.net');
  assert.is(f.sources.domain, 'flag --domain');
});

test('flags win over CI variables', () => {
  const c = resolve(
    { GITLAB_CI: 'true', CI_COMMIT_SHA: SHA, CI_COMMIT_REF_NAME: 'from-env', CI_PIPELINE_IID: '1' },
    { branch: 'from-flag', commit: SHA2, build: '99', tag: 'v9', image: ['shop/web=reg/web:1'] },
  );
  assert.equal([c.branch, c.commit, c.build, c.tag], ['from-flag', SHA2, '99', 'v9']);
  assert.equal(c.sources, { branch: 'flag --branch', commit: 'flag --commit', build: 'flag --build', domain: 'kts.yaml environments.branch.domain', major: 'kts.yaml major', tag: 'flag --tag' });
  assert.equal(c.images, [{ name: 'shop/web', newName: 'reg/web', newTag: '1' }]);
  assert.is(c.gitCalls, 0, 'git not consulted when everything is given');
});

test('outside CI: the local checkout, then placeholders, clearly marked', () => {
  const local = resolve({}, {}, { branch: 'topic', commit: SHA });
  assert.is(local.provider, undefined);
  assert.equal([local.branch, local.commit], ['topic', SHA]);
  assert.is(local.sources.branch, 'git (local checkout)');
  assert.equal(local.placeholders, ['build']);
  assert.is(local.build, PLACEHOLDER.build);
  const bare = resolve({}, {}, {});
  assert.equal(bare.placeholders, ['branch', 'commit', 'build']);
  assert.equal([bare.branch, bare.commit], [PLACEHOLDER.branch, PLACEHOLDER.commit]);
  assert.is(bare.sources.commit, 'placeholder');
});

test('the slug leaves room for the namespace prefix', () => {
  const c = resolve({}, { branch: 'x'.repeat(200), commit: SHA, build: '1' });
  assert.ok(c.slug.length <= 63 - 'preview-'.length);
});

test('bad context values are errors naming their source', () => {
  const bad = (environ: Record<string, string>, flags: ContextFlags, re: RegExp) => {
    try {
      resolve(environ, flags, {});
      assert.unreachable('should throw');
    } catch (e) {
      assert.ok(isKtsError(e), String(e));
      assert.match(`${e.field}: ${e.message}`, re);
    }
  };
  bad({ GITLAB_CI: 'true', CI_COMMIT_SHA: 'not-a-sha', CI_COMMIT_REF_NAME: 'b', CI_PIPELINE_IID: '1' }, {}, /CI_COMMIT_SHA.*not a git hash/);
  bad({}, { commit: SHA, branch: 'b', build: '1 2' }, /flag --build: build '1 2'/);
  bad({}, { commit: SHA, branch: 'b', build: '1', domain: 'not a domain' }, /flag --domain: .*not a valid domain/);
  bad({}, { commit: SHA, branch: 'b', build: '1', image: ['shop/web=reg/web'] }, /--image shop\/web=reg\/web: no tag or digest/);
  // CI variables are hostile input: no line breaks, no 10k-character echo.
  bad({ JENKINS_URL: 'x', JOB_NAME: 'a\nSource: forged', GIT_COMMIT: SHA, BUILD_NUMBER: '1' }, {}, /^env JOB_NAME \(Jenkins, last segment of the job name\): branch 'a\\nSource: forged' holds a control character/);
  bad({}, { commit: SHA, branch: 'x'.repeat(10_000), build: '1' }, /^flag --branch: branch 'x{80}… \(10000 characters\)' is longer than 255 characters/);
  bad({}, { commit: `${SHA}${'0'.repeat(10_000)}`, branch: 'b', build: '1' }, /commit '[0-9a-f]{80}… \(10040 characters\)' is not a git hash/);
});

test('--branch refs/heads/x is branch x, as the CI variables are normalised', () => {
  const c = resolve({}, { branch: 'refs/heads/feature/x', commit: SHA, build: '1' });
  assert.is(c.branch, 'feature/x');
  assert.is(c.sources.branch, 'flag --branch (ref prefix stripped)');
  assert.is(resolve({}, { branch: 'origin/main', commit: SHA, build: '1' }).branch, 'main');
  assert.is(resolve({}, { branch: 'main', commit: SHA, build: '1' }).sources.branch, 'flag --branch');
});

test('strict mode (on in CI, or --strict) refuses placeholders for branch, commit and build, naming the variables', () => {
  const failing = (environ: Record<string, string>, flags: ContextFlags, message: string) => {
    try {
      resolve(environ, flags, {});
      assert.unreachable('should throw');
    } catch (e) {
      assert.ok(isKtsError(e), String(e));
      assert.is(e.message, message);
    }
  };
  failing(
    { JENKINS_URL: 'http://ci/', GIT_COMMIT: SHA },
    {},
    'no branch, build in the CI context (Jenkins detected; --strict=false allows placeholders): set --branch or BRANCH_NAME/GIT_BRANCH/JOB_NAME; --build or BUILD_NUMBER',
  );
  failing({}, { strict: true, branch: 'b' }, 'no commit, build in the CI context (--strict): set --commit; --build');
  const relaxed = resolve({ JENKINS_URL: 'http://ci/', GIT_COMMIT: SHA }, { strict: false });
  assert.equal(relaxed.placeholders, ['branch', 'build']);
  assert.is(resolve({ JENKINS_URL: 'http://ci/', GIT_COMMIT: SHA, BRANCH_NAME: 'b', BUILD_NUMBER: '3' }).build, '3');
  assert.equal(resolve({}, {}, {}).placeholders.slice(0, 3), ['branch', 'commit', 'build'], 'outside CI placeholders stay allowed');
});

test('readGit: commit and branch of a real checkout; none while unborn, no branch when detached, nothing outside a repository', () => {
  if (!hasProgram('git')) return console.log('skipped: git is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'kts-readgit-'));
  try {
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, encoding: 'utf8' }).trim();
    assert.equal(readGit(dir), {}, 'not a repository');
    git('init', '-q', '-b', 'feature/x');
    assert.equal(readGit(dir), {}, 'unborn branch');
    git('commit', '-q', '--allow-empty', '-m', 'first');
    const commit = git('rev-parse', 'HEAD');
    assert.equal(readGit(dir), { commit, branch: 'feature/x' });
    git('checkout', '-q', '--detach');
    assert.equal(readGit(dir), { commit, branch: undefined });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
