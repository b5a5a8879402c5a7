import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expand } from './template.js';

const where = { file: 'kts.yaml', field: 'environments.ci.host' };

test('placeholders are replaced by their values', () => {
  assert.is(expand('{slug}.{domain}', { slug: 'feat-x', domain: 'dev.example.com' }, where), 'feat-x.dev.example.com');
});

test('a placeholder named like an Object.prototype member is unknown, not a function text', () => {
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    assert.throws(() => expand(`{${name}}`, { slug: 'x' }, where), /placeholder \{.*\} is unknown/);
  }
});

test('a known placeholder without a value here is named as such', () => {
  assert.throws(() => expand('{commit}', {}, where), /placeholder \{commit\} is not available here/);
});

test.run();
