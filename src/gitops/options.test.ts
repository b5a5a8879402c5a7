import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../errors.js';
import { DEFAULT_RETRIES, gitSetup, sourceRepositoryFrom } from './options.js';

const usage = (values: Record<string, unknown>, pattern: RegExp) =>
  assert.throws(() => gitSetup(values, {}), (e: unknown) => e instanceof UsageError && pattern.test(e.message));

test('gitSetup: repository, branch, retries, cache and identity from flags and environment', () => {
  const { git, json } = gitSetup({ repo: 'https://git.example/deploy.git', json: true }, { KTS_GIT_TOKEN: 'tok', KTS_CACHE_DIR: '/c' });
  assert.is(json, true);
  assert.equal(
    [git.remote.url, git.remote.ref, git.remote.credentials, git.remote.cacheRoot, git.remote.createRef, git.retries],
    ['https://git.example/deploy.git', 'main', { username: 'kts', password: 'tok' }, '/c', false, DEFAULT_RETRIES],
  );
  assert.equal(git.author, { name: 'kts', email: 'kts@localhost' });
  const other = gitSetup({ ref: 'deploy/prod', retries: '0', 'no-cache': true, 'create-ref': true, author: 'Bot <bot@x>' }, { KTS_DEPLOY_REPO: 'http://bot:urltok@h/x.git', KTS_GIT_TOKEN: 'envtok' });
  assert.is(other.git.remote.url, 'http://h/x.git');
  assert.equal(other.git.remote.credentials, { username: 'bot', password: 'urltok' }, 'credentials in the URL are the more specific');
  assert.equal([other.git.remote.ref, other.git.retries, other.git.remote.cacheRoot, other.git.remote.createRef], ['deploy/prod', 0, undefined, true]);
  assert.equal(other.git.author, { name: 'Bot', email: 'bot@x' });
});

test('gitSetup: usage errors', () => {
  usage({}, /--repo URL is required/);
  usage({ repo: 'http://h/x.git', ref: 'a..b' }, /not a valid branch name/);
  usage({ repo: 'http://h/x.git', retries: '-1' }, /--retries/);
  usage({ repo: 'http://h/x.git', retries: 'many' }, /--retries/);
});

test('sourceRepositoryFrom: CI variables, without credentials', () => {
  assert.is(sourceRepositoryFrom({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/shop' }), 'https://github.com/acme/shop');
  assert.is(sourceRepositoryFrom({ CI_PROJECT_URL: 'https://gitlab.example/acme/shop' }), 'https://gitlab.example/acme/shop');
  assert.is(sourceRepositoryFrom({ GIT_URL: 'https://user:tok@git.example/shop.git' }), 'https://git.example/shop.git');
  assert.is(sourceRepositoryFrom({}), undefined);
});

test.run();
