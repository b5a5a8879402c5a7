import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonObject } from '../kustomize/resource.js';
import { checkRepository, containersOf, parseImageFlag, parseImageRef } from './images.js';

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

test('repositories follow the reference grammar: lowercase paths, a registry host with an optional port', () => {
  for (const ok of ['web', 'shop/web', 'Registry.Example.com:5000/shop/web', 'localhost/a__b', 'a-b_c/e--f.g']) assert.is(checkRepository(ok, 'f'), ok);
  assert.throws(() => parseImageFlag('shop/web=registry/Shop/Web:1'), /invalid image repository 'registry\/Shop\/Web': repository path components must be lowercase/);
  assert.throws(() => checkRepository('reg.example.com/shop//web', 'f'), /path components/);
  assert.throws(() => checkRepository('reg_x.com:5000/web', 'f'), /registry 'reg_x.com:5000' is not a host name/);
  assert.throws(() => checkRepository('shop/-web', 'f'), /path components/);
  assert.throws(() => parseImageRef('shop/web:1:2', 'f'), /invalid image repository 'shop\/web:1'/);
});

test('containers are found in pods, templates and job templates, init and ephemeral ones too', () => {
  const cronJob: JsonObject = { spec: { jobTemplate: { spec: { template: { spec: { initContainers: [{ image: 'a' }], containers: [{ image: 'b' }, { name: 'no-image' }] } } } } } };
  assert.equal(containersOf(cronJob).map((c) => c.image), ['a', 'b']);
  assert.equal(containersOf({ spec: { ephemeralContainers: [{ image: 'c' }] } }).map((c) => c.image), ['c']);
});

test.run();
