import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newResource, type JsonObject, type Resource } from '../kustomize/resource.js';
import type { BuildContext } from './context.js';
import type { EnvironmentConfig } from './config.js';
import { setIngressHosts } from './ingress.js';
import { addOwnership } from './ownership.js';
import { planRender } from './plan.js';
import { finishRender } from './render.js';

const ctx: BuildContext = {
  branch: 'feature/Pay',
  slug: 'feature-pay-0123456789',
  commit: 'abcdef0123456789abcdef0123456789abcdef01',
  shortSha: 'abcdef0',
  build: '42',
  major: '3',
  domain: 'dev.example.test',
  images: [],
  sources: {},
  placeholders: [],
};
const env: EnvironmentConfig = {
  name: 'branch',
  overlay: '/repo/overlays/branch',
  components: ['/repo/bases/components/shared'],
  namespacePrefix: 'preview',
  host: '{slug}.{domain}',
  tagTemplate: '{major}.{build}-{shortSha}',
  images: [{ name: 'shop/web', newName: 'reg/web' }, { name: 'shop/worker', tagTemplate: '{branch}' }],
  configMap: { name: 'app-config', data: { PUBLIC_URL: 'https://{host}', DB: 'shop_{slugSnake}' } },
  quota: { hard: { 'requests.cpu': '2' } },
  limits: { default: { memory: '256Mi' } },
  configFile: '/repo/kts.yaml',
};

test('the plan layers namespace, images, config, quota and components over the overlay', () => {
  const plan = planRender({ ...env, images: [env.images[0]!] }, ctx);
  assert.is(plan.namespace, 'preview-feature-pay-0123456789');
  assert.is(plan.host, 'feature-pay-0123456789.dev.example.test');
  assert.is(plan.dir, '/repo/overlays');
  assert.equal(plan.kustomization, {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['branch'],
    components: ['../bases/components/shared'],
    namespace: 'preview-feature-pay-0123456789',
    images: [{ name: 'shop/web', newName: 'reg/web', newTag: '3.42-abcdef0' }],
    configMapGenerator: [{ name: 'app-config', behavior: 'merge', literals: ['DB=shop_feature_pay_0123456789', 'PUBLIC_URL=https://feature-pay-0123456789.dev.example.test'] }],
    patches: [
      { target: { kind: 'ResourceQuota' }, patch: '[{"op":"replace","path":"/spec/hard","value":{"requests.cpu":"2"}}]' },
      { target: { kind: 'LimitRange' }, patch: '[{"op":"replace","path":"/spec/limits","value":[{"type":"Container","default":{"memory":"256Mi"}}]}]' },
    ],
  });
  assert.equal(plan.templateVars, ['domain', 'host', 'major', 'build', 'shortSha', 'slug', 'slugSnake'].sort());
  assert.equal(plan.labels, { 'app.kubernetes.io/managed-by': 'kts', 'kts.dev/environment': 'branch', 'kts.dev/branch': 'feature-pay-0123456789' });
  assert.equal(plan.annotations, { 'kts.dev/branch-name': 'feature/Pay' }, 'nothing per build on the objects');
  assert.equal(plan.record, { 'kts.dev/commit': ctx.commit, 'kts.dev/build': '42', 'kts.dev/branch-name': 'feature/Pay' });
});

test('image tags: --image beats --tag beats the template; a template producing a bad tag is an error', () => {
  const tagged = planRender(env, { ...ctx, tag: 'v9', images: [{ name: 'shop/web', newTag: 'pinned', digest: `sha256:${'0'.repeat(64)}` }] });
  assert.equal(tagged.images, [
    { name: 'shop/web', newName: 'reg/web', newTag: 'pinned', digest: `sha256:${'0'.repeat(64)}`, source: 'flag --image', origin: '--image shop/web' },
    { name: 'shop/worker', newTag: 'v9', source: 'flag --tag', origin: 'kts.yaml images' },
  ]);
  assert.throws(() => planRender(env, ctx), /invalid image tag 'feature\/Pay'/);
});

test('a fixed namespace and host (production)', () => {
  const plan = planRender({ ...env, namespacePrefix: undefined, namespace: 'shop', host: 'shop.example.com', images: [], configMap: undefined, quota: undefined, limits: undefined, components: [] }, ctx);
  assert.is(plan.namespace, 'shop');
  assert.is(plan.host, 'shop.example.com');
  assert.equal(plan.kustomization, { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['branch'], namespace: 'shop' });
});

test('an invalid host from the template is an error naming the field', () => {
  assert.throws(() => planRender({ ...env, images: [], host: '{branch}.{domain}' }, ctx), /host 'feature\/pay.dev.example.test' is not a valid DNS name/);
  assert.throws(() => planRender({ ...env, images: [], host: { 'a.localhost': 'ok.test', 'b.localhost': '{branch}.x' } }, ctx), (e: Error & { field?: string }) => e.field === 'environments.branch.host.b.localhost');
});

test('per-host templates: each overlay host maps to its expanded template; {host} is the first', () => {
  const plan = planRender({ ...env, images: [], host: { 'shop.localhost': '{slug}.{domain}', 'api.shop.localhost': 'api.{slug}.{domain}' } }, ctx);
  assert.equal([...plan.hostMap!], [['shop.localhost', `${ctx.slug}.dev.example.test`], ['api.shop.localhost', `api.${ctx.slug}.dev.example.test`]]);
  assert.is(plan.host, `${ctx.slug}.dev.example.test`);
});

test('ownership metadata lands on every object, keeping existing labels, not on pod templates', () => {
  const dep = newResource({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { template: { metadata: { labels: { app: 'web' } } } },
  });
  const [out] = addOwnership([dep], { 'kts.dev/environment': 'ci' }, { 'kts.dev/commit': 'abc' });
  assert.equal(out!.obj.metadata, { name: 'web', labels: { app: 'web', 'kts.dev/environment': 'ci' }, annotations: { 'kts.dev/commit': 'abc' } });
  assert.equal(((out!.obj.spec as JsonObject).template as JsonObject).metadata, { labels: { app: 'web' } });
});

const ingress = (): Resource =>
  newResource({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'x' }, spec: { rules: [{ host: 'a.localhost' }] } });

test('finishRender refuses a quota the overlay has no ResourceQuota for', () => {
  const plan = planRender({ ...env, images: [] }, ctx);
  assert.throws(() => finishRender(plan, [ingress()]), /configures a ResourceQuota but its overlay contains none/);
  const quota = newResource({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' } });
  const limits = newResource({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l' } });
  const out = finishRender(plan, [ingress(), quota, limits]);
  assert.is(((out[0]!.obj.spec as JsonObject).rules as JsonObject[])[0]!.host, plan.host!);
  assert.ok(out.every((r) => (r.obj.metadata as JsonObject).labels !== undefined));
});

test.run();
