import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KtsError } from '../errors.js';
import { checkExpectedBuild, planPromotion, sourceImages } from './promote.js';

const deployment = (image: string, init = 'busybox:1.36') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
      - image: ${image}
        name: web
      initContainers:
      - image: ${init}
        name: init
`;
const cronjob = (image: string) => `apiVersion: batch/v1
kind: CronJob
metadata:
  name: cleanup
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - image: ${image}
            name: cleanup
`;
const where = { from: 'ci/master', to: 'production' };
const listed = new Set(['registry.test/shop/web', 'registry.test/shop/worker']);
const promote = (source: Map<string, string>, target: Map<string, string>) => planPromotion(sourceImages(source, listed, where.from), target, where);

test('planPromotion: copies tags and digests by repository, into every container list and nested template', () => {
  const digest = `registry.test/shop/worker@sha256:${'a'.repeat(64)}`;
  const plan = promote(
    new Map([
      ['deployment-web.yaml', deployment('registry.test/shop/web:1.42-abc')],
      ['cronjob-cleanup.yaml', cronjob(digest)],
      ['.kts-publish', '{}'],
    ]),
    new Map([
      ['deployment-web.yaml', deployment('registry.test/shop/web:1.41-def')],
      ['cronjob-cleanup.yaml', cronjob('registry.test/shop/worker:1.41-def')],
      ['service-web.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n'],
    ]),
  );
  assert.equal([...plan.files.keys()].sort(), ['cronjob-cleanup.yaml', 'deployment-web.yaml']);
  assert.is(plan.files.get('deployment-web.yaml'), deployment('registry.test/shop/web:1.42-abc'));
  assert.is(plan.files.get('cronjob-cleanup.yaml'), cronjob(digest));
  assert.equal(
    plan.images.map((p) => [p.repository, p.image, p.replaced]),
    [
      ['registry.test/shop/web', 'registry.test/shop/web:1.42-abc', [{ file: 'deployment-web.yaml', was: 'registry.test/shop/web:1.41-def' }]],
      ['registry.test/shop/worker', digest, [{ file: 'cronjob-cleanup.yaml', was: 'registry.test/shop/worker:1.41-def' }]],
    ],
  );
});

test('planPromotion: nothing to change when the target already runs the images', () => {
  const files = new Map([['deployment-web.yaml', deployment('registry.test/shop/web:1.42-abc')]]);
  const plan = promote(files, files);
  assert.is(plan.files.size, 0);
  assert.equal(plan.images, []);
});

test('planPromotion: refuses an ambiguous source, a source without images, and unrelated folders', () => {
  const fails = (source: Map<string, string>, target: Map<string, string>, pattern: RegExp) =>
    assert.throws(() => promote(source, target), (e: unknown) => e instanceof KtsError && pattern.test(e.message));
  const target = new Map([['deployment-web.yaml', deployment('registry.test/shop/web:1')]]);
  fails(
    new Map([
      ['a.yaml', deployment('registry.test/shop/web:2')],
      ['b.yaml', cronjob('registry.test/shop/web:3')],
    ]),
    target,
    /runs two versions of registry\.test\/shop\/web/,
  );
  fails(new Map([['s.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n']]), target, /runs none of the images kts.yaml lists \(registry.test\/shop\/web, registry.test\/shop\/worker\)/);
  fails(new Map([['a.yaml', deployment('registry.test/shop/worker:2', 'other/init:1')]]), target, /no image of ci\/master \(registry.test\/shop\/worker\) appears in production/);
});

test('planPromotion: only the images kts.yaml lists are promoted; a pinned third-party image keeps the target value', () => {
  const source = new Map([['deployment-web.yaml', deployment('registry.test/shop/web:1.42-abc', 'envoyproxy/envoy:v1.30.1')]]);
  const target = new Map([['deployment-web.yaml', deployment('registry.test/shop/web:1.41-def', 'envoyproxy/envoy:v1.30.4')]]);
  const plan = promote(source, target);
  assert.is(plan.files.get('deployment-web.yaml'), deployment('registry.test/shop/web:1.42-abc', 'envoyproxy/envoy:v1.30.4'));
  assert.equal(plan.images.map((p) => p.repository), ['registry.test/shop/web']);
});

test('checkExpectedBuild: --build/--commit certify exactly what passed', () => {
  const meta = { environment: 'ci', source: { commit: 'abcdef1234567890' }, build: '10', renderedAt: '2026-01-01T00:00:00Z', tool: 'kts', resources: 3 };
  checkExpectedBuild('ci/master', meta, { build: '10', commit: 'abcdef1' });
  checkExpectedBuild('ci/master', meta, undefined);
  assert.throws(() => checkExpectedBuild('ci/master', meta, { build: '9' }), /ci\/master holds build 10, commit abcdef123456, not build 9: refusing to promote another build/);
  assert.throws(() => checkExpectedBuild('ci/master', meta, { commit: '1234567' }), /not commit 1234567/);
  assert.throws(() => checkExpectedBuild('ci/master', undefined, { build: '10' }), /holds build \(unknown\)/);
});

test.run();
