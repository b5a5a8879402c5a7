import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { suggest } from './suggest.js';

const commands = ['build', 'render', 'context', 'validate', 'publish', 'promote', 'unpublish', 'apply', 'env', 'diff', 'version', 'help', 'init'];

test('typos, swaps and prefixes find the command; far-off words find nothing', () => {
  assert.is(suggest('biuld', commands), 'build');
  assert.is(suggest('buid', commands), 'build');
  assert.is(suggest('rendr', commands), 'render');
  assert.is(suggest('BUILD', commands), 'build');
  assert.is(suggest('val', commands), 'validate');
  assert.is(suggest('pub', commands), 'publish');
  assert.is(suggest('zzz', commands), undefined);
});

test('flags: one edit away is suggested, unrelated names are not', () => {
  const flags = ['branch', 'commit', 'build', 'tag', 'image', 'domain', 'config', 'output', 'help'];
  assert.is(suggest('brnach', flags), 'branch');
  assert.is(suggest('ouput', flags), 'output');
  assert.is(suggest('x', flags), undefined);
  assert.is(suggest('co', flags), undefined, 'a prefix of two flags names neither');
  assert.is(suggest('zzzzzz', flags), undefined);
  assert.is(suggest('a'.repeat(5000), flags), undefined);
});

test.run();
