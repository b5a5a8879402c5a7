// The test server's REST protocol at the HTTP level: status codes, Status bodies, patches,
// resourceVersion, selectors, watch, discovery, namespaces, CRDs, rollouts and faults.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Json, JsonObject } from '../../src/kustomize/resource.js';
import { type KubeServer, startKubeServer } from './server.js';

const test = suite<{ kube: KubeServer }>('Kubernetes API test server over HTTP');

test.before(async (ctx) => {
  ctx.kube = await startKubeServer({ namespaceDeletionDelayMs: 30, crdEstablishDelayMs: 400 });
});
test.after(async ({ kube }) => kube.close());

interface Res {
  status: number;
  body: JsonObject;
  headers: Headers;
}

async function call(kube: KubeServer, method: string, path: string, body?: Json | string, contentType = 'application/json', accept?: string): Promise<Res> {
  const headers: Record<string, string> = { Authorization: `Bearer ${kube.token}` };
  if (body !== undefined) headers['Content-Type'] = contentType;
  if (accept) headers.Accept = accept;
  const r = await fetch(kube.url + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? (JSON.parse(text) as JsonObject) : {}, headers: r.headers };
}

const meta = (o: Json | undefined) => ((o as JsonObject).metadata ?? {}) as JsonObject;
const CM = '/api/v1/namespaces/default/configmaps';
const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';

function deployment(name: string, image: string, extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }, { name: 'sidecar', image: 'envoy:1' }] } },
      ...extra,
    },
  };
}

test('discovery: legacy and aggregated documents', async ({ kube }) => {
  const v = await call(kube, 'GET', '/version');
  assert.is(v.body.gitVersion, 'v1.32.0');
  const groups = await call(kube, 'GET', '/apis');
  assert.is(groups.body.kind, 'APIGroupList');
  assert.ok((groups.body.groups as JsonObject[]).some((g) => g.name === 'apps'));
  const apps = await call(kube, 'GET', '/apis/apps/v1');
  const deploy = (apps.body.resources as JsonObject[]).find((r) => r.name === 'deployments')!;
  assert.equal(deploy, { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['deploy'], categories: ['all'] });
  assert.ok((apps.body.resources as JsonObject[]).some((r) => r.name === 'deployments/status'));
  const agg = await call(kube, 'GET', '/apis', undefined, undefined, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json');
  assert.is(agg.headers.get('content-type'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  assert.is(agg.body.kind, 'APIGroupDiscoveryList');
  const rbac = (agg.body.items as JsonObject[]).find((i) => meta(i).name === 'rbac.authorization.k8s.io')!;
  const roles = ((rbac.versions as JsonObject[])[0]!.resources as JsonObject[]).map((r) => `${r.resource}:${r.scope}`);
  assert.equal(roles.sort(), ['clusterrolebindings:Cluster', 'clusterroles:Cluster', 'rolebindings:Namespaced', 'roles:Namespaced']);
  assert.is((await call(kube, 'GET', '/apis/nope.example.com/v1')).status, 404);
});

test('create: server-set metadata, AlreadyExists, Invalid, generateName, missing namespace', async ({ kube }) => {
  const r = await call(kube, 'POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one' }, data: { a: '1' } });
  assert.is(r.status, 201);
  const m = meta(r.body);
  assert.match(String(m.uid), /^[0-9a-f-]{36}$/);
  assert.match(String(m.creationTimestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.is(m.namespace, 'default');
  assert.is(m.generation, undefined);
  assert.equal((m.managedFields as JsonObject[]).map((f) => [f.manager, f.operation]), [['node', 'Update']]);

  const dup = await call(kube, 'POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one' } });
  assert.is(dup.status, 409);
  assert.equal(dup.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'configmaps "one" already exists', reason: 'AlreadyExists', details: { name: 'one', kind: 'configmaps' }, code: 409 });

  const bad = await call(kube, 'POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } });
  assert.is(bad.status, 422);
  assert.is(bad.body.reason, 'Invalid');
  assert.match(String(bad.body.message), 'ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"');
  assert.is(((bad.body.details as JsonObject).causes as JsonObject[])[0]!.field, 'metadata.name');

  const gen = await call(kube, 'POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'job-' } });
  assert.match(String(meta(gen.body).name), /^job-[a-z0-9]{5}$/);

  const wrongNs = await call(kube, 'POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'other' } });
  assert.is(wrongNs.status, 400);
  const noNs = await call(kube, 'POST', '/api/v1/namespaces/missing/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
  assert.is(noNs.status, 404);
  assert.is(noNs.body.message, 'namespaces "missing" not found');
  const wrongKind = await call(kube, 'POST', CM, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } });
  assert.is(wrongKind.status, 400);
});

test('update: resourceVersion conflicts on a stale PUT; a no-op keeps the version', async ({ kube }) => {
  const cur = (await call(kube, 'GET', `${CM}/one`)).body;
  const ok = await call(kube, 'PUT', `${CM}/one`, { ...cur, data: { a: '2' } });
  assert.is(ok.status, 200);
  assert.ok(Number(meta(ok.body).resourceVersion) > Number(meta(cur).resourceVersion));
  const stale = await call(kube, 'PUT', `${CM}/one`, { ...cur, data: { a: '3' } });
  assert.is(stale.status, 409);
  assert.is(stale.body.reason, 'Conflict');
  assert.is(stale.body.message, 'Operation cannot be fulfilled on configmaps "one": the object has been modified; please apply your changes to the latest version and try again');
  const same = await call(kube, 'PUT', `${CM}/one`, ok.body);
  assert.is(meta(same.body).resourceVersion, meta(ok.body).resourceVersion);
  const missing = await call(kube, 'PUT', `${CM}/nope`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nope' } });
  assert.is(missing.status, 404);
  const renamed = await call(kube, 'PUT', `${CM}/one`, { ...ok.body, metadata: { ...meta(ok.body), name: 'two' } });
  assert.is(renamed.status, 400);
});

test('patches: merge, strategic merge (containers by name), JSON patch; generation bumps on spec changes only', async ({ kube }) => {
  const created = await call(kube, 'POST', DEPLOY, deployment('api', 'api:1'));
  assert.is(meta(created.body).generation, 1);
  assert.is((created.body.spec as JsonObject).replicas, 1, 'defaulted');

  const smp = await call(kube, 'PATCH', `${DEPLOY}/api`, { spec: { template: { spec: { containers: [{ name: 'app', image: 'api:2' }] } } } }, 'application/strategic-merge-patch+json');
  assert.is(smp.status, 200);
  const containers = ((((smp.body.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[]).map((c) => `${c.name}=${c.image}`);
  assert.equal(containers, ['app=api:2', 'sidecar=envoy:1']);
  assert.is(meta(smp.body).generation, 2);

  const merge = await call(kube, 'PATCH', `${DEPLOY}/api`, { metadata: { labels: { team: 'a' } }, spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }] } } } }, 'application/merge-patch+json');
  assert.is(((((merge.body.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[]).length, 1, 'merge patch replaces lists');
  assert.is(meta(merge.body).generation, 3);

  const labelOnly = await call(kube, 'PATCH', `${DEPLOY}/api`, [{ op: 'add', path: '/metadata/labels/extra', value: 'yes' }], 'application/json-patch+json');
  assert.is(labelOnly.status, 200);
  assert.is(meta(labelOnly.body).generation, 3, 'metadata changes do not bump generation');
  assert.equal(meta(labelOnly.body).labels, { team: 'a', extra: 'yes' });

  const failedTest = await call(kube, 'PATCH', `${DEPLOY}/api`, [{ op: 'test', path: '/spec/replicas', value: 5 }], 'application/json-patch+json');
  assert.is(failedTest.status, 422);
  const unknown = await call(kube, 'PATCH', `${DEPLOY}/api`, '{}', 'text/plain');
  assert.is(unknown.status, 415);
  const staleRv = await call(kube, 'PATCH', `${DEPLOY}/api`, { metadata: { resourceVersion: '1' } }, 'application/merge-patch+json');
  assert.is(staleRv.status, 409);
});

test('immutable fields: a Deployment selector, a Job template, an immutable ConfigMap are 422 Invalid', async ({ kube }) => {
  const sel = await call(kube, 'PATCH', `${DEPLOY}/api`, { spec: { selector: { matchLabels: { app: 'other' } } } }, 'application/merge-patch+json');
  assert.is(sel.status, 422);
  assert.is(sel.body.message, 'Deployment.apps "api" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"other"}}: field is immutable');
  const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once' }, spec: { template: { spec: { containers: [{ name: 'm', image: 'm:1' }], restartPolicy: 'Never' } } } };
  assert.is((await call(kube, 'POST', '/apis/batch/v1/namespaces/default/jobs', job)).status, 201);
  const retemplate = await call(kube, 'PATCH', '/apis/batch/v1/namespaces/default/jobs/once', { spec: { template: { spec: { containers: [{ name: 'm', image: 'm:2' }] } } } }, 'application/strategic-merge-patch+json');
  assert.is(retemplate.status, 422);
  assert.match(String(retemplate.body.message), 'spec.template: Invalid value:');
  await call(kube, 'POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen' }, data: { a: '1' }, immutable: true });
  const thaw = await call(kube, 'PATCH', `${CM}/frozen`, { data: { a: '2' } }, 'application/merge-patch+json');
  assert.is(thaw.status, 422);
  assert.is(thaw.body.message, 'ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set');
  assert.is((await call(kube, 'DELETE', `${CM}/frozen`)).status, 200, 'an immutable ConfigMap can still be deleted');
});

test('a Secret stores stringData as base64 data; re-applying it is a no-op', async ({ kube }) => {
  const secret = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, stringData: { user: 'admin' } });
  const first = await call(kube, 'PATCH', '/api/v1/namespaces/default/secrets/creds?fieldManager=kts', secret, 'application/apply-patch+yaml');
  assert.is(first.status, 201);
  assert.equal(first.body.data, { user: 'YWRtaW4=' });
  assert.is(first.body.stringData, undefined);
  assert.is(first.body.type, 'Opaque');
  const again = await call(kube, 'PATCH', '/api/v1/namespaces/default/secrets/creds?fieldManager=kts', secret, 'application/apply-patch+yaml');
  assert.is(meta(again.body).resourceVersion, meta(first.body).resourceVersion);
});

test('server-side apply over HTTP: YAML body, fieldManager required, status subresource, dry run', async ({ kube }) => {
  const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: v\n';
  const noManager = await call(kube, 'PATCH', `${CM}/applied`, yaml, 'application/apply-patch+yaml');
  assert.is(noManager.status, 400);
  const dry = await call(kube, 'PATCH', `${CM}/applied?fieldManager=kts&dryRun=All`, yaml, 'application/apply-patch+yaml');
  assert.is(dry.status, 201);
  assert.is(meta(dry.body).resourceVersion, undefined);
  assert.is(kube.get('v1', 'ConfigMap', 'default', 'applied'), undefined);
  const made = await call(kube, 'PATCH', `${CM}/applied?fieldManager=kts`, yaml, 'application/apply-patch+yaml');
  assert.is(made.status, 201);
  const wrongName = await call(kube, 'PATCH', `${CM}/other?fieldManager=kts`, yaml, 'application/apply-patch+yaml');
  assert.is(wrongName.status, 400);

  // The status of a workload is only written through /status.
  const body = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api' }, status: { replicas: 99 } };
  const main = await call(kube, 'PATCH', `${DEPLOY}/api?fieldManager=kts&force=true`, JSON.stringify(body), 'application/apply-patch+yaml');
  assert.is(main.status, 200, JSON.stringify(main.body));
  assert.not.equal((main.body.status as JsonObject | undefined)?.replicas, 99);
  const taken = await call(kube, 'PATCH', `${DEPLOY}/api/status?fieldManager=ctl`, JSON.stringify(body), 'application/apply-patch+yaml');
  assert.is(taken.status, 409, 'the simulated controller owns .status.replicas');
  assert.match(String(taken.body.message), 'conflict with "kube-controller-manager" with subresource "status" using apps/v1');
  const status = await call(kube, 'PATCH', `${DEPLOY}/api/status?fieldManager=ctl&force=true`, JSON.stringify(body), 'application/apply-patch+yaml');
  assert.is(status.status, 200);
  assert.is((status.body.status as JsonObject).replicas, 99);
  const entry = (meta(status.body).managedFields as JsonObject[]).find((f) => f.manager === 'ctl')!;
  assert.is(entry.subresource, 'status');
  assert.is(entry.operation, 'Apply');
});

test('lists: label and field selectors, pagination, Table and PartialObjectMetadataList, deletecollection', async ({ kube }) => {
  for (const [name, tier] of [['l1', 'a'], ['l2', 'b'], ['l3', 'a']]) {
    await call(kube, 'POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { group: 'list', tier: tier! } } });
  }
  const names = (r: Res) => (r.body.items as JsonObject[]).map((i) => meta(i).name);
  const sel = await call(kube, 'GET', `${CM}?labelSelector=${encodeURIComponent('group=list,tier!=b')}`);
  assert.equal(names(sel), ['l1', 'l3']);
  assert.is(sel.body.kind, 'ConfigMapList');
  assert.is((sel.body.items as JsonObject[])[0]!.kind, undefined, 'like the real server, items of built-in lists carry no kind');
  const field = await call(kube, 'GET', `/api/v1/configmaps?fieldSelector=metadata.name%3Dl2,metadata.namespace%3Ddefault`);
  assert.equal(names(field), ['l2']);
  const badField = await call(kube, 'GET', `${CM}?fieldSelector=spec.foo%3D1`);
  assert.is(badField.status, 400);
  const page1 = await call(kube, 'GET', `${CM}?labelSelector=group%3Dlist&limit=2`);
  assert.equal(names(page1), ['l1', 'l2']);
  assert.is(meta(page1.body).remainingItemCount, 1);
  const page2 = await call(kube, 'GET', `${CM}?labelSelector=group%3Dlist&limit=2&continue=${String(meta(page1.body).continue)}`);
  assert.equal(names(page2), ['l3']);
  assert.is(meta(page2.body).continue, undefined);
  assert.is((await call(kube, 'GET', `${CM}?limit=2&continue=garbage`)).status, 400);
  const table = await call(kube, 'GET', `${CM}?labelSelector=group%3Dlist`, undefined, undefined, 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
  assert.is(table.body.kind, 'Table');
  assert.equal((table.body.columnDefinitions as JsonObject[]).map((c) => c.name), ['Name', 'Data', 'Age']);
  assert.equal(((table.body.rows as JsonObject[])[0]!.cells as Json[]).slice(0, 2), ['l1', 0]);
  const partial = await call(kube, 'GET', `${CM}?labelSelector=group%3Dlist`, undefined, undefined, 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io');
  assert.is(partial.body.kind, 'PartialObjectMetadataList');
  const gone = await call(kube, 'DELETE', `${CM}?labelSelector=tier%3Da`);
  assert.equal(names(gone), ['l1', 'l3']);
  assert.equal(names(await call(kube, 'GET', `${CM}?labelSelector=group%3Dlist`)), ['l2']);
});

test('seed keeps a given creationTimestamp; the Table shows the age', async ({ kube }) => {
  const [ns] = kube.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'old', creationTimestamp: '2020-01-01T00:00:00Z' } });
  assert.is(meta(ns).creationTimestamp, '2020-01-01T00:00:00Z');
  assert.equal(meta(ns).labels, { 'kubernetes.io/metadata.name': 'old' });
  const table = await call(kube, 'GET', '/api/v1/namespaces/old', undefined, undefined, 'application/json;as=Table;v=v1;g=meta.k8s.io');
  assert.match(String(((table.body.rows as JsonObject[])[0]!.cells as Json[])[2]), /^\d+d$/);
});

test('delete: Status body, preconditions, dry run, finalizers hold an object until removed', async ({ kube }) => {
  const dry = await call(kube, 'DELETE', `${CM}/l2?dryRun=All`);
  assert.is(dry.status, 200);
  assert.ok(kube.get('v1', 'ConfigMap', 'default', 'l2'));
  const pre = await call(kube, 'DELETE', `${CM}/l2`, { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'other' } });
  assert.is(pre.status, 409);
  const del = await call(kube, 'DELETE', `${CM}/l2`);
  assert.equal({ ...del.body, details: { ...(del.body.details as JsonObject), uid: 'x' } }, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'l2', kind: 'configmaps', uid: 'x' } });
  assert.is((await call(kube, 'DELETE', `${CM}/l2`)).status, 404);

  await call(kube, 'POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } });
  const held = await call(kube, 'DELETE', `${CM}/held`);
  assert.is(held.status, 200);
  assert.ok(meta(held.body).deletionTimestamp);
  assert.ok(kube.get('v1', 'ConfigMap', 'default', 'held'));
  await call(kube, 'PATCH', `${CM}/held`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
  assert.is(kube.get('v1', 'ConfigMap', 'default', 'held'), undefined);
});

test('watch: initial state, live events, resume from a resourceVersion', async ({ kube }) => {
  const start = kube.resourceVersion;
  await call(kube, 'POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w1', labels: { w: 'y' } } });
  const ctl = new AbortController();
  const res = await fetch(`${kube.url}${CM}?watch=true&labelSelector=w%3Dy&resourceVersion=${start}`, { signal: ctl.signal });
  const reader = res.body!.getReader();
  await call(kube, 'PATCH', `${CM}/w1`, { data: { a: 'b' } }, 'application/merge-patch+json');
  await call(kube, 'PATCH', `${CM}/w1`, { metadata: { labels: { w: 'n' } } }, 'application/merge-patch+json');
  await call(kube, 'PATCH', `${CM}/w1`, { metadata: { labels: { w: 'y' } } }, 'application/merge-patch+json');
  await call(kube, 'DELETE', `${CM}/w1`);
  let text = '';
  while (text.split('\n').length < 6) text += new TextDecoder().decode((await reader.read()).value);
  ctl.abort();
  const events = text.trim().split('\n').map((l) => JSON.parse(l) as JsonObject);
  assert.equal(
    events.map((e) => `${e.type} ${meta(e.object).name} ${(e.object as JsonObject).kind}`),
    ['ADDED w1 ConfigMap', 'MODIFIED w1 ConfigMap', 'DELETED w1 ConfigMap', 'ADDED w1 ConfigMap', 'DELETED w1 ConfigMap'],
    'leaving and entering the selector are DELETED and ADDED',
  );
});

test('namespaces: Terminating refuses new content (403), then they and their objects are gone', async ({ kube }) => {
  // A metadata finalizer holds the namespace Terminating (after its content is gone) until removed.
  await call(kube, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tmp', finalizers: ['example.com/hold'] } });
  await call(kube, 'POST', '/api/v1/namespaces/tmp/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
  const del = await call(kube, 'DELETE', '/api/v1/namespaces/tmp');
  assert.is((del.body.status as JsonObject).phase, 'Terminating');
  const refused = await call(kube, 'POST', '/api/v1/namespaces/tmp/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd' } });
  assert.is(refused.status, 403);
  assert.is(refused.body.reason, 'Forbidden');
  assert.is(refused.body.message, 'configmaps "d" is forbidden: unable to create new content in namespace tmp because it is being terminated');
  for (let i = 0; i < 100 && kube.objects({ namespace: 'tmp' }).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(kube.objects({ namespace: 'tmp' }), []);
  assert.is((await call(kube, 'GET', '/api/v1/namespaces/tmp')).status, 200);
  await call(kube, 'PATCH', '/api/v1/namespaces/tmp', { metadata: { finalizers: null } }, 'application/merge-patch+json');
  assert.is((await call(kube, 'GET', '/api/v1/namespaces/tmp')).status, 404);
});

test('CRDs: custom resources are served once the CRD is Established, and go with it', async ({ kube }) => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gadgets.example.com' },
    spec: { group: 'example.com', scope: 'Cluster', names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' }, versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} } }] },
  };
  assert.is((await call(kube, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status, 201);
  assert.is((await call(kube, 'GET', '/apis/example.com/v1/gadgets')).status, 404, 'not served before Established');
  const established = async () => {
    const got = await call(kube, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com');
    return (((got.body.status as JsonObject | undefined)?.conditions as JsonObject[] | undefined) ?? []).some((c) => c.type === 'Established' && c.status === 'True');
  };
  for (let i = 0; i < 100 && !(await established()); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(await established());
  const g = await call(kube, 'PATCH', '/apis/example.com/v1/gadgets/g1?fieldManager=kts', JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g1' }, spec: { on: true } }), 'application/apply-patch+yaml');
  assert.is(g.status, 201);
  assert.is(meta(g.body).generation, 1);
  const smp = await call(kube, 'PATCH', '/apis/example.com/v1/gadgets/g1', { spec: {} }, 'application/strategic-merge-patch+json');
  assert.is(smp.status, 415, 'custom resources take no strategic merge patch');
  const list = await call(kube, 'GET', '/apis/example.com/v1/gadgets');
  assert.is((list.body.items as JsonObject[])[0]!.kind, 'Gadget');
  await call(kube, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com');
  assert.is((await call(kube, 'GET', '/apis/example.com/v1/gadgets')).status, 404);
});

test('rollouts: status follows setRolloutState, also for later generations; Jobs complete or fail', async ({ kube }) => {
  await call(kube, 'POST', DEPLOY, deployment('web', 'web:1', { replicas: 3 }));
  let st = kube.get('apps/v1', 'Deployment', 'default', 'web')!.status as JsonObject;
  assert.equal([st.observedGeneration, st.readyReplicas, st.availableReplicas, st.updatedReplicas], [1, 3, 3, 3]);
  kube.setRolloutState({ kind: 'Deployment', namespace: 'default', name: 'web' }, 'progressing');
  await call(kube, 'PATCH', `${DEPLOY}/web`, { spec: { replicas: 4 } }, 'application/merge-patch+json');
  st = kube.get('apps/v1', 'Deployment', 'default', 'web')!.status as JsonObject;
  assert.equal([st.observedGeneration, st.updatedReplicas, st.readyReplicas, st.unavailableReplicas], [2, 4, 3, 1], 'the new pod never gets ready');
  kube.setRolloutState({ kind: 'Deployment', namespace: 'default', name: 'web' }, 'failed');
  st = kube.get('apps/v1', 'Deployment', 'default', 'web')!.status as JsonObject;
  assert.ok((st.conditions as JsonObject[]).some((c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded'));
  kube.setRolloutState({ kind: 'Deployment', namespace: 'default', name: 'web' }, 'pending');
  await call(kube, 'PATCH', `${DEPLOY}/web`, { spec: { replicas: 2 } }, 'application/merge-patch+json');
  st = kube.get('apps/v1', 'Deployment', 'default', 'web')!.status as JsonObject;
  assert.ok(Number(st.observedGeneration) < 3);

  kube.setRolloutState({ kind: 'Job', namespace: 'default', name: 'migrate' }, 'progressing');
  const job = (name: string, backoffLimit: number) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name }, spec: { backoffLimit, template: { spec: { containers: [{ name: 'm', image: 'm' }], restartPolicy: 'Never' } } } });
  await call(kube, 'POST', '/apis/batch/v1/namespaces/default/jobs', job('migrate', 6));
  assert.is((kube.get('batch/v1', 'Job', 'default', 'migrate')!.status as JsonObject).active, 1);
  kube.completeJob('default', 'migrate');
  const done = kube.get('batch/v1', 'Job', 'default', 'migrate')!.status as JsonObject;
  assert.is(done.succeeded, 1);
  assert.ok((done.conditions as JsonObject[]).some((c) => c.type === 'Complete' && c.status === 'True'));

  kube.setRolloutState({ kind: 'Job', namespace: 'default', name: 'broken' }, 'progressing');
  await call(kube, 'POST', '/apis/batch/v1/namespaces/default/jobs', job('broken', 1));
  kube.completeJob('default', 'broken', false);
  const failed = kube.get('batch/v1', 'Job', 'default', 'broken')!.status as JsonObject;
  assert.is(failed.failed, 2, 'a pod per try, up to the backoff limit');
  assert.ok((failed.conditions as JsonObject[]).some((c) => c.type === 'Failed' && c.reason === 'BackoffLimitExceeded'));
});

test('faults: 500, 429 with Retry-After, dropped connections, slow answers; the request log', async ({ kube }) => {
  kube.clearRequests();
  const f500 = kube.inject({ match: (r) => r.verb === 'get' && r.name === 'one', status: 500, times: 2 });
  assert.is((await call(kube, 'GET', `${CM}/one`)).status, 500);
  const second = await call(kube, 'GET', `${CM}/one`);
  assert.is(second.body.reason, 'InternalError');
  assert.is((await call(kube, 'GET', `${CM}/one`)).status, 200);
  assert.is(f500.hits, 2);
  assert.is(f500.remaining, 0);

  kube.inject({ match: (r) => r.verb === 'list', status: 429, retryAfterSeconds: 2 });
  const limited = await call(kube, 'GET', CM);
  assert.is(limited.status, 429);
  assert.is(limited.headers.get('retry-after'), '2');
  assert.is((limited.body.details as JsonObject).retryAfterSeconds, 2);

  kube.inject({ match: (r) => r.verb === 'patch', drop: true });
  const dropped = await call(kube, 'PATCH', `${CM}/one`, { data: { z: '1' } }, 'application/merge-patch+json').catch((e: unknown) => e);
  assert.instance(dropped, Error);
  assert.is((kube.get('v1', 'ConfigMap', 'default', 'one')!.data as JsonObject).z, undefined, 'a dropped request changes nothing');

  kube.inject({ delayMs: 150 });
  const t0 = Date.now();
  assert.is((await call(kube, 'GET', `${CM}/one`)).status, 200);
  assert.ok(Date.now() - t0 >= 140);

  assert.equal(
    kube.requests.map((r) => [r.verb, r.status, r.fault ?? '']),
    [
      ['get', 500, 'status'],
      ['get', 500, 'status'],
      ['get', 200, ''],
      ['list', 429, 'status'],
      ['patch', 0, 'drop'],
      ['get', 200, 'delay'],
    ],
  );
});

test.run();
