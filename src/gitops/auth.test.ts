import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { redactUrl } from '../net/redact.js';
import { credentialsFromEnv, identityFrom, splitUrlCredentials } from './auth.js';

test('credentialsFromEnv: token as the basic-auth password', () => {
  assert.equal(credentialsFromEnv({ KTS_GIT_TOKEN: 't', GIT_TOKEN: 'other' }), { username: 'kts', password: 't' });
  assert.equal(credentialsFromEnv({ GIT_TOKEN: 't', GIT_USERNAME: 'bot' }), { username: 'bot', password: 't' });
  assert.is(credentialsFromEnv({}), undefined);
});

test('splitUrlCredentials takes user:token out of the URL; redactUrl hides it', () => {
  assert.equal(splitUrlCredentials('https://bot:s%40cret@git.example/deploy.git'), {
    url: 'https://git.example/deploy.git',
    credentials: { username: 'bot', password: 's@cret' },
  });
  assert.equal(splitUrlCredentials('http://127.0.0.1:8080/x.git'), { url: 'http://127.0.0.1:8080/x.git' });
  assert.throws(() => splitUrlCredentials('git@github.com:x/y.git'), /not a URL/);
  assert.throws(() => splitUrlCredentials('ssh://git@github.com/x/y.git'), /only http\(s\)/);
  assert.is(redactUrl('https://bot:secret@git.example/x.git'), 'https://git.example/x.git');
  assert.is(redactUrl('failed: https://tok@a.example/x.git and http://u:p@b.example/y'), 'failed: https://a.example/x.git and http://b.example/y');
});

test('identityFrom: flag, then environment, then a bot identity', () => {
  assert.equal(identityFrom('CI Bot <ci@example.test>', {}), { name: 'CI Bot', email: 'ci@example.test' });
  assert.throws(() => identityFrom('no email', {}), /expected 'Name <email>'/);
  assert.equal(identityFrom(undefined, { GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@x' }), { name: 'A', email: 'a@x' });
  assert.equal(identityFrom(undefined, {}), { name: 'kts', email: 'kts@localhost' });
});

test.run();

test('a source repository with credentials is recorded without them', async () => {
  const { publishMessage } = await import('./publish.js');
  const message = publishMessage(
    { env: 'ci', folder: 'ci', sourceRepository: 'https://user:TOKEN123@git.example/app.git', commit: 'abc' } as Parameters<typeof publishMessage>[0],
    { added: [], changed: [], removed: [] } as unknown as Parameters<typeof publishMessage>[1],
  );
  assert.match(message, /Source: https:\/\/git\.example\/app\.git @ abc/);
  assert.not.match(message, /TOKEN123|user/);
});
