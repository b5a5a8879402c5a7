import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseImageFlag, parseImageRef } from './images.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

test('image references: tag, digest, registry port', () => {
  assert.equal(parseImageRef('reg:5000/shop/web', 'f'), { repository: 'reg:5000/shop/web', tag: undefined, digest: undefined });
  assert.equal(parseImageRef('reg:5000/shop/web:1.2', 'f'), { repository: 'reg:5000/shop/web', tag: '1.2', digest: undefined });
  assert.equal(parseImageRef(`web:1@${DIGEST}`, 'f'), { repository: 'web', tag: '1', digest: DIGEST });
  assert.equal(parseImageRef(`web@${DIGEST}`, 'f'), { repository: 'web', tag: undefined, digest: DIGEST });
});

test('--image NAME=REF retargets, --image REF retags, digests are pinned', () => {
  assert.equal(parseImageFlag('shop/web=reg/web:3.1-abc'), { name: 'shop/web', newName: 'reg/web', newTag: '3.1-abc' });
  assert.equal(parseImageFlag('shop/web:7'), { name: 'shop/web', newTag: '7' });
  assert.equal(parseImageFlag(`shop/web=shop/web@${DIGEST}`), { name: 'shop/web', digest: DIGEST });
  assert.equal(parseImageFlag(`shop/web=reg/web:2@${DIGEST}`), { name: 'shop/web', newName: 'reg/web', newTag: '2', digest: DIGEST });
});

test('bad image flags are errors naming the flag', () => {
  assert.throws(() => parseImageFlag('=reg/web:1'), /missing image name/);
  assert.throws(() => parseImageFlag('shop/web=reg/web'), /no tag or digest/);
  assert.throws(() => parseImageFlag('shop/web=reg/web@sha256:xyz'), /invalid digest/);
  assert.throws(() => parseImageFlag('shop/web=reg/web:-bad'), /invalid image tag/);
});

test.run();
