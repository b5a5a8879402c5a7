import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { redactUrl } from './redact.js';

test('userinfo goes, whatever it holds; the rest of the URL stays', () => {
  assert.is(redactUrl('https://bot:secret@git.example/x.git'), 'https://git.example/x.git');
  assert.is(redactUrl('failed: https://tok@a.example/x.git and http://u:p@b.example/y'), 'failed: https://a.example/x.git and http://b.example/y');
  assert.is(redactUrl('git ls-remote http://u:p@ss@127.0.0.1:9/r.git failed'), 'git ls-remote http://127.0.0.1:9/r.git failed');
  assert.is(redactUrl('https://host.example/org/repo//base?ref=v1'), 'https://host.example/org/repo//base?ref=v1');
});

test('tokens in query strings are replaced, other parameters kept', () => {
  assert.is(redactUrl('https://raw.example/a.yaml?token=abc123&ref=main'), 'https://raw.example/a.yaml?token=REDACTED&ref=main');
  assert.is(redactUrl('https://gitlab.example/api/v4/x?private_token=glpat-1'), 'https://gitlab.example/api/v4/x?private_token=REDACTED');
  assert.is(redactUrl('https://b.s3.example/k?X-Amz-Signature=f00&X-Amz-Credential=AK%2F1'), 'https://b.s3.example/k?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED');
});

test.run();
