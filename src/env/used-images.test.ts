import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newResource } from '../kustomize/resource.js';
import type { ImagePlan } from './plan.js';
import { checkImagesUsed } from './used-images.js';

const pod = (...images: string[]) =>
  newResource({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } });
const planned = (img: Partial<ImagePlan> & { name: string }): ImagePlan => ({ source: 'template', origin: 'kts.yaml images', ...img });

test('an image that runs as planned passes; a digest pin keeps the manifest tag', () => {
  checkImagesUsed([planned({ name: 'shop/web', newName: 'reg/shop/web', newTag: '1.2' })], [pod('reg/shop/web:1.2', 'busybox')], 'ci');
  const digest = `sha256:${'a'.repeat(64)}`;
  checkImagesUsed([planned({ name: 'shop/web', digest })], [pod(`shop/web:7@${digest}`)], 'ci');
});

test('an image of kts.yaml or --image that matches no container names itself and what the render runs', () => {
  assert.throws(
    () => checkImagesUsed([planned({ name: 'shop/web', newName: 'reg/shop/web', newTag: '1' }), planned({ name: 'shop/wrk', newTag: '1', origin: '--image shop/wrk' })], [pod('reg/shop/web:1', 'busybox:1.36')], 'ci'),
    (e: Error & { field?: string }) => e.field === '--image shop/wrk' && /image 'shop\/wrk' matches no container of the render of 'ci' \(images in the render: busybox, shop\/web\)/.test(e.message),
  );
});

test("a bare directory's project images are optional", () => {
  checkImagesUsed([planned({ name: 'shop/web', newTag: '1', optional: true })], [pod('redis:7')], 'redis');
});

test.run();
