// The test server through @kubernetes/client-node 1.x, as src/cluster uses it.

import { ApiException, CoreV1Api, KubeConfig, type KubernetesObject, KubernetesObjectApi, PatchStrategy, Watch } from '@kubernetes/client-node';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonObject } from '../../src/kustomize/resource.js';
import { type KubeServer, startKubeServer } from './server.js';

const test = suite<{ kube: KubeServer; kc: KubeConfig }>('@kubernetes/client-node against the test server');

test.before(async (ctx) => {
  ctx.kube = await startKubeServer({ requireToken: true });
  ctx.kc = new KubeConfig();
  ctx.kc.loadFromFile(ctx.kube.kubeconfigPath);
});
test.after(async ({ kube }) => kube.close());

const cm = (data: Record<string, string>): KubernetesObject & { data: Record<string, string> } => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data });

test('sends the kubeconfig token; a wrong token is 401', async ({ kube }) => {
  const kc = new KubeConfig();
  kc.loadFromFile(kube.writeKubeconfig(`${kube.dir}/wrong`, { token: 'nope' }));
  const err = await kc.makeApiClient(CoreV1Api).listNamespace().catch((e: unknown) => e);
  assert.instance(err, ApiException);
  assert.is((err as ApiException<unknown>).code, 401);
});

test('server-side apply through KubernetesObjectApi: create, no-op, conflict (409 Status with causes), force', async ({ kube, kc }) => {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const created = await api.patch(cm({ a: '1' }), undefined, undefined, 'kts', false, PatchStrategy.ServerSideApply);
  assert.is(created.metadata?.name, 'cfg');
  const rv = created.metadata?.resourceVersion;
  const again = await api.patch(cm({ a: '1' }), undefined, undefined, 'kts', false, PatchStrategy.ServerSideApply);
  assert.is(again.metadata?.resourceVersion, rv);

  const err = await api.patch(cm({ a: '2' }), undefined, undefined, 'other', false, PatchStrategy.ServerSideApply).catch((e: unknown) => e);
  assert.instance(err, ApiException);
  const e = err as ApiException<string>;
  assert.is(e.code, 409);
  const status = JSON.parse(e.body) as JsonObject;
  assert.is(status.kind, 'Status');
  assert.is(status.reason, 'Conflict');
  assert.is(status.message, 'Apply failed with 1 conflict: conflict with "kts": .data.a');
  assert.equal((status.details as JsonObject).causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kts"', field: '.data.a' }]);

  const forced = await api.patch(cm({ a: '2' }), undefined, undefined, 'other', true, PatchStrategy.ServerSideApply);
  assert.equal(forced.data, { a: '2' });
  assert.ok(Number(forced.metadata?.resourceVersion) > Number(rv));
  assert.equal(
    forced.metadata?.managedFields?.map((m) => m.manager),
    ['other'],
    'kts owned only .data.a, which moved to other',
  );
  assert.ok(kube.requests.some((r) => r.verb === 'patch' && r.contentType === 'application/apply-patch+yaml' && r.query.force === 'true'));
});

test('dry run, list with selectors and delete through the typed and generic clients', async ({ kube, kc }) => {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const dry = await api.patch({ ...cm({}), metadata: { name: 'ghost', namespace: 'default', labels: { x: 'y' } } }, undefined, 'All', 'kts', false, PatchStrategy.ServerSideApply);
  assert.is(dry.metadata?.name, 'ghost');
  assert.is(kube.get('v1', 'ConfigMap', 'default', 'ghost'), undefined);

  await api.create({ ...cm({}), metadata: { name: 'lab', namespace: 'default', labels: { tier: 'db' } } });
  const core = kc.makeApiClient(CoreV1Api);
  const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'tier in (db,cache)' });
  assert.equal(list.items.map((i) => i.metadata?.name), ['lab']);
  await api.delete({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'lab', namespace: 'default' } });
  const err = await core.readNamespacedConfigMap({ name: 'lab', namespace: 'default' }).catch((e: unknown) => e);
  assert.is((err as ApiException<unknown>).code, 404);
});

test('watch streams ADDED, MODIFIED and DELETED events', async ({ kube, kc }) => {
  const events: string[] = [];
  const done = new Promise<void>((resolve, reject) => {
    void new Watch(kc)
      .watch(
        '/api/v1/namespaces/default/configmaps',
        { labelSelector: 'watched=yes' },
        (type: string, obj: JsonObject) => {
          events.push(`${type} ${(obj.metadata as JsonObject).name}`);
          if (type === 'DELETED') resolve();
        },
        (err: unknown) => (err ? reject(err as Error) : undefined),
      )
      .then((req) => setTimeout(() => req.abort(), 3000));
  });
  await new Promise((r) => setTimeout(r, 50));
  const api = KubernetesObjectApi.makeApiClient(kc);
  const obj = { ...cm({ k: '1' }), metadata: { name: 'w', namespace: 'default', labels: { watched: 'yes' } } };
  await api.patch(obj, undefined, undefined, 'kts', false, PatchStrategy.ServerSideApply);
  await api.patch({ ...obj, data: { k: '2' } }, undefined, undefined, 'kts', false, PatchStrategy.ServerSideApply);
  await api.delete(obj);
  await done;
  assert.equal(events, ['ADDED w', 'MODIFIED w', 'DELETED w']);
  assert.ok(kube.requests.some((r) => r.verb === 'watch'));
});

test.run();
