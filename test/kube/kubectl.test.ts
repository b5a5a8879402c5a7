// The test server proven with the real kubectl (skipped when kubectl is not installed).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonObject } from '../../src/kustomize/resource.js';
import { kubectl, kubectlAvailable } from './kubectl.js';
import { type KubeServer, startKubeServer } from './server.js';

const k = suite<{ kube: KubeServer; dir: string }>('kubectl against the test server');
if (!kubectlAvailable) console.log('SKIP test/kube/kubectl.test.ts: kubectl is not on PATH');
const test = kubectlAvailable ? k : k.skip;

k.before(async (ctx) => {
  ctx.kube = await startKubeServer({ namespaceDeletionDelayMs: 50 });
  ctx.dir = mkdtempSync(join(tmpdir(), 'kubectl-test-'));
});
k.after(async (ctx) => {
  await ctx.kube.close();
  rmSync(ctx.dir, { recursive: true, force: true });
});

// The finalizer keeps the namespace Terminating (after its content is gone) until the test removes it.
const NS = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  finalizers: [example.com/hold]
`;
const APP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
  labels: {app: web, tier: front}
data:
  mode: fast
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80}]
`;

function meta(o: JsonObject | undefined): JsonObject {
  return (o?.metadata ?? {}) as JsonObject;
}

test('get lists the system namespaces as a table', async ({ kube }) => {
  const r = await kubectl(kube, ['get', 'namespaces']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^NAME\s+STATUS\s+AGE\n/);
  for (const ns of ['default', 'kube-system', 'kube-public']) assert.match(r.stdout, new RegExp(`^${ns}\\s+Active\\s+\\d+s$`, 'm'));
});

test('apply --server-side creates, then an unchanged re-apply changes nothing', async ({ kube }) => {
  let r = await kubectl(kube, ['apply', '--server-side', '-f', '-'], { input: NS });
  assert.is(r.code, 0, r.stderr);
  r = await kubectl(kube, ['apply', '--server-side', '-f', '-'], { input: APP });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'configmap/settings serverside-applied\ndeployment.apps/web serverside-applied\n');
  const cm = kube.get('v1', 'ConfigMap', 'shop', 'settings')!;
  assert.equal(cm.data, { mode: 'fast' });
  const managed = meta(cm).managedFields as JsonObject[];
  assert.is(managed.length, 1);
  assert.is(managed[0]!.manager, 'kubectl');
  assert.is(managed[0]!.operation, 'Apply');
  assert.equal(managed[0]!.fieldsV1, { 'f:data': { 'f:mode': {} }, 'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } } });
  const deploy = kube.get('apps/v1', 'Deployment', 'shop', 'web')!;
  assert.is(meta(deploy).generation, 1);
  assert.is((deploy.status as JsonObject).readyReplicas, 2);

  const before = kube.resourceVersion;
  r = await kubectl(kube, ['apply', '--server-side', '-f', '-'], { input: APP });
  assert.is(r.code, 0, r.stderr);
  assert.is(kube.resourceVersion, before, 'an unchanged re-apply must not write');
  assert.is(meta(kube.get('v1', 'ConfigMap', 'shop', 'settings')).resourceVersion, meta(cm).resourceVersion);
});

test('apply --server-side reports a conflict with another manager, --force-conflicts takes the field', async ({ kube }) => {
  const changed = APP.split('---')[0]!.replace('mode: fast', 'mode: slow');
  let r = await kubectl(kube, ['apply', '--server-side', '--field-manager', 'ops', '-f', '-'], { input: changed });
  assert.is(r.code, 1);
  assert.match(r.stderr, 'Apply failed with 1 conflict: conflict with "kubectl": .data.mode');
  assert.match(r.stderr, '--force-conflicts');
  assert.equal(kube.get('v1', 'ConfigMap', 'shop', 'settings')!.data, { mode: 'fast' });

  r = await kubectl(kube, ['apply', '--server-side', '--field-manager', 'ops', '--force-conflicts', '-f', '-'], { input: changed });
  assert.is(r.code, 0, r.stderr);
  const cm = kube.get('v1', 'ConfigMap', 'shop', 'settings')!;
  assert.equal(cm.data, { mode: 'slow' });
  const owners = Object.fromEntries((meta(cm).managedFields as JsonObject[]).map((m) => [m.manager, m.fieldsV1]));
  assert.equal(owners.ops, { 'f:data': { 'f:mode': {} }, 'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } } });
  assert.equal(owners.kubectl, { 'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } } });
});

test('label selectors: =, !=, in, notin, exists, !exists', async ({ kube }) => {
  const more = ['a:web:back', 'b:db:back', 'c::'].map((s) => {
    const [name, app, tier] = s.split(':');
    const labels = [app && `app: ${app}`, tier && `tier: ${tier}`].filter(Boolean).join(', ');
    return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: shop, labels: {${labels}}}\n`;
  });
  const r = await kubectl(kube, ['apply', '--server-side', '-f', '-'], { input: more.join('---\n') });
  assert.is(r.code, 0, r.stderr);
  const names = async (selector: string) => {
    const out = await kubectl(kube, ['get', 'configmaps', '-n', 'shop', '-l', selector, '-o', 'name']);
    assert.is(out.code, 0, out.stderr);
    return out.stdout.trim().split('\n').filter(Boolean).map((l) => l.replace('configmap/', ''));
  };
  assert.equal(await names('app=web'), ['a', 'settings']);
  assert.equal(await names('app==web,tier=back'), ['a']);
  assert.equal(await names('app!=web'), ['b', 'c']);
  assert.equal(await names('tier in (front,back)'), ['a', 'b', 'settings']);
  assert.equal(await names('app notin (web)'), ['b', 'c']);
  assert.equal(await names('tier'), ['a', 'b', 'settings']);
  assert.equal(await names('!tier'), ['c']);
  const bad = await kubectl(kube, ['get', 'configmaps', '-n', 'shop', '-l', 'app in (']);
  assert.is(bad.code, 1);
});

test('field selectors and -o jsonpath read through the API', async ({ kube }) => {
  const r = await kubectl(kube, ['get', 'configmaps', '-A', '--field-selector', 'metadata.name=settings', '-o', 'jsonpath={.items[*].metadata.namespace}']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'shop');
});

test('get --watch prints the changes as they happen', async ({ kube }) => {
  const watching = kubectl(kube, ['get', 'configmaps', '-n', 'shop', '-l', 'app=web', '--watch', '--output-watch-events', '--request-timeout=3s']);
  const started = () => kube.requests.some((q) => q.verb === 'watch' && q.resource === 'configmaps');
  for (let i = 0; i < 300 && !started(); i++) await new Promise((res) => setTimeout(res, 10));
  const r = await kubectl(kube, ['label', 'configmap', 'a', '-n', 'shop', 'app-']);
  assert.is(r.code, 0, r.stderr);
  const out = (await watching).stdout;
  assert.match(out, /^EVENT\s+NAME\s+DATA\s+AGE$/m);
  assert.match(out, /^ADDED\s+settings\s+1\s+\d+s$/m);
  assert.match(out, /^DELETED\s+a\s+0\s+\d+s$/m, 'leaving the selector is a DELETED event');
});

test('apply --dry-run=server stores nothing', async ({ kube }) => {
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry, namespace: shop}\ndata: {a: "1"}\n';
  const r = await kubectl(kube, ['apply', '--server-side', '--dry-run=server', '-f', '-'], { input: cm });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'configmap/dry serverside-applied (server dry run)');
  assert.is(kube.get('v1', 'ConfigMap', 'shop', 'dry'), undefined);
});

test('delete removes an object, deleting it again is NotFound', async ({ kube }) => {
  let r = await kubectl(kube, ['delete', 'configmap', 'c', '-n', 'shop']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'configmap "c" deleted\n');
  assert.is(kube.get('v1', 'ConfigMap', 'shop', 'c'), undefined);
  r = await kubectl(kube, ['delete', 'configmap', 'c', '-n', 'shop']);
  assert.is(r.code, 1);
  assert.match(r.stderr, 'Error from server (NotFound): configmaps "c" not found');
});

test('rollout status follows the simulated controller: complete, then a failed progress deadline', async ({ kube }) => {
  let r = await kubectl(kube, ['rollout', 'status', 'deployment/web', '-n', 'shop', '--timeout=5s']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'deployment "web" successfully rolled out');
  // A rollout that has completed stays so; the next generation fails.
  kube.setRolloutState({ kind: 'Deployment', namespace: 'shop', name: 'web' }, 'failed');
  r = await kubectl(kube, ['apply', '--server-side', '-f', '-'], { input: APP.split('---')[1]!.replace('nginx:1.27', 'nginx:1.28') });
  assert.is(r.code, 0, r.stderr);
  r = await kubectl(kube, ['rollout', 'status', 'deployment/web', '-n', 'shop', '--timeout=5s']);
  assert.is(r.code, 1);
  assert.match(r.stderr, 'deployment "web" exceeded its progress deadline');
  kube.setRolloutState({ kind: 'Deployment', namespace: 'shop', name: 'web' }, 'complete');
});

test('rollout status for a StatefulSet and a DaemonSet; a stalled DaemonSet times out', async ({ kube }) => {
  const pod = 'selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n    spec: {containers: [{name: x, image: x}]}\n';
  const sts = `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: shop}\nspec:\n  serviceName: db\n  replicas: 2\n  ${pod}`;
  const ds = `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: shop}\nspec:\n  ${pod}`;
  let r = await kubectl(kube, ['apply', '--server-side', '-f', '-'], { input: `${sts}---\n${ds}` });
  assert.is(r.code, 0, r.stderr);
  r = await kubectl(kube, ['rollout', 'status', 'statefulset/db', '-n', 'shop', '--timeout=5s']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'partitioned roll out complete: 2 new pods have been updated...', 'as on a real cluster, where partition defaults to 0');
  r = await kubectl(kube, ['rollout', 'status', 'daemonset/agent', '-n', 'shop', '--timeout=5s']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'daemon set "agent" successfully rolled out');
  kube.setRolloutState({ kind: 'DaemonSet', namespace: 'shop', name: 'agent' }, 'progressing');
  r = await kubectl(kube, ['rollout', 'status', 'daemonset/agent', '-n', 'shop', '--timeout=1s']);
  assert.is(r.code, 1);
  assert.match(r.stdout, 'Waiting for daemon set "agent" rollout to finish: 0 out of 1 new pods have been updated...');
  assert.match(r.stderr, 'timed out waiting for the condition');
});

test('kubectl wait sees a Job complete when the test completes it', async ({ kube }) => {
  kube.setRolloutState({ kind: 'Job', namespace: 'shop', name: 'migrate' }, 'progressing');
  const job = 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate, namespace: shop}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: m, image: "migrate:1"}]\n';
  let r = await kubectl(kube, ['apply', '--server-side', '-f', '-'], { input: job });
  assert.is(r.code, 0, r.stderr);
  const wait = kubectl(kube, ['wait', '--for=condition=complete', 'job/migrate', '-n', 'shop', '--timeout=10s']);
  await new Promise((res) => setTimeout(res, 300));
  kube.completeJob('shop', 'migrate');
  r = await wait;
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'job.batch/migrate condition met\n');
});

test('a CRD becomes Established and its custom resources are served', async ({ kube }) => {
  const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`;
  let r = await kubectl(kube, ['apply', '--server-side', '-f', '-'], { input: crd });
  assert.is(r.code, 0, r.stderr);
  r = await kubectl(kube, ['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=5s']);
  assert.is(r.code, 0, r.stderr);
  r = await kubectl(kube, ['apply', '--server-side', '-f', '-'], { input: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: shop}\nspec: {size: 3}\n' });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'widget.example.com/w1 serverside-applied\n');
  r = await kubectl(kube, ['get', 'wd', '-n', 'shop', '-o', 'jsonpath={.items[0].spec.size}']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, '3');
});

test('apply --prune --applyset: kubectl records the set and prunes a removed member only', async ({ kube, dir }) => {
  const env = { KUBECTL_APPLYSET: 'true' };
  const write = (name: string, body: string) => writeFileSync(join(dir, name), body);
  write('one.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\ndata: {k: "1"}\n');
  write('two.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\ndata: {k: "2"}\n');
  write('svc.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec: {ports: [{port: 80}], selector: {app: api}}\n');
  const apply = () => kubectl(kube, ['apply', '-n', 'shop', '--server-side', '--prune', '--applyset=release', '-f', dir], { env });
  let r = await apply();
  assert.is(r.code, 0, r.stderr);
  const parent = kube.get('v1', 'Secret', 'shop', 'release')!;
  const id = (meta(parent).labels as JsonObject)['applyset.kubernetes.io/id'];
  assert.match(String(id), /^applyset-[A-Za-z0-9_-]+-v1$/);
  const ann = meta(parent).annotations as JsonObject;
  assert.is(ann['applyset.kubernetes.io/contains-group-kinds'], 'ConfigMap,Service');
  assert.match(String(ann['applyset.kubernetes.io/tooling']), /^kubectl\//);
  for (const name of ['one', 'two']) assert.is((meta(kube.get('v1', 'ConfigMap', 'shop', name)).labels as JsonObject)['applyset.kubernetes.io/part-of'], id);

  rmSync(join(dir, 'two.yaml'));
  r = await apply();
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'configmap/two pruned');
  assert.is(kube.get('v1', 'ConfigMap', 'shop', 'two'), undefined);
  assert.ok(kube.get('v1', 'ConfigMap', 'shop', 'one'));
  assert.ok(kube.get('v1', 'ConfigMap', 'shop', 'settings'), 'objects outside the set are never pruned');
});

test('namespace deletion: Terminating refuses new content, then the namespace and its objects are gone', async ({ kube }) => {
  let r = await kubectl(kube, ['delete', 'namespace', 'shop', '--wait=false']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'namespace "shop" deleted\n');
  const ns = kube.get('v1', 'Namespace', undefined, 'shop')!;
  assert.is((ns.status as JsonObject).phase, 'Terminating');
  const late = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late, namespace: shop}\n';
  const refused = await kubectl(kube, ['apply', '--server-side', '-f', '-'], { input: late });
  assert.is(refused.code, 1);
  assert.match(refused.stderr, 'unable to create new content in namespace shop because it is being terminated');
  for (let i = 0; i < 200 && kube.objects({ namespace: 'shop' }).length > 0; i++) await new Promise((res) => setTimeout(res, 10));
  assert.equal(kube.objects({ namespace: 'shop' }), []);
  const wait = kubectl(kube, ['wait', '--for=delete', 'namespace/shop', '--timeout=10s']);
  r = await kubectl(kube, ['patch', 'namespace', 'shop', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
  assert.is(r.code, 0, r.stderr);
  r = await wait;
  assert.is(r.code, 0, r.stderr);
  assert.is(kube.get('v1', 'Namespace', undefined, 'shop'), undefined);
  const missing = await kubectl(kube, ['apply', '--server-side', '-f', '-'], { input: late });
  assert.is(missing.code, 1);
  assert.match(missing.stderr, 'namespaces "shop" not found');
});

k.run();

// Client-side apply, diff, scale and `get all`, against a server that only offers legacy discovery.
const legacy = suite<{ kube: KubeServer }>('kubectl with legacy discovery: client-side apply, diff, scale, get all');
const ltest = kubectlAvailable ? legacy : legacy.skip;
legacy.before(async (ctx) => {
  ctx.kube = await startKubeServer({ aggregatedDiscovery: false });
});
legacy.after(async ({ kube }) => kube.close());

const web = (image: string) => APP.split('---')[1]!.replace('nginx:1.27', image).replaceAll('namespace: shop', 'namespace: default');

ltest('client-side apply creates, leaves unchanged, configures; diff shows the change', async ({ kube }) => {
  let r = await kubectl(kube, ['apply', '-f', '-'], { input: web('nginx:1') });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'deployment.apps/web created\n');
  assert.ok(kube.requests.some((q) => q.path === '/apis/apps/v1'), 'discovery went through the group-version documents');
  const created = kube.get('apps/v1', 'Deployment', 'default', 'web')!;
  assert.ok((meta(created).annotations as JsonObject)['kubectl.kubernetes.io/last-applied-configuration']);
  r = await kubectl(kube, ['apply', '-f', '-'], { input: web('nginx:1') });
  assert.is(r.stdout, 'deployment.apps/web unchanged\n');
  r = await kubectl(kube, ['diff', '-f', '-'], { input: web('nginx:2') });
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /^-\s+- image: nginx:1$/m);
  assert.match(r.stdout, /^\+\s+- image: nginx:2$/m);
  assert.match(r.stdout, /^-\s+generation: 1$/m);
  r = await kubectl(kube, ['apply', '-f', '-'], { input: web('nginx:2') });
  assert.is(r.stdout, 'deployment.apps/web configured\n');
  const patch = kube.requests.filter((q) => q.verb === 'patch').pop()!;
  assert.is(patch.contentType, 'application/strategic-merge-patch+json');
  assert.is(patch.query.fieldManager, 'kubectl-client-side-apply');
  const updated = kube.get('apps/v1', 'Deployment', 'default', 'web')!;
  assert.is(meta(updated).generation, 2);
});

ltest('apply --server-side takes over from client-side apply without conflicts (last-applied upgrade path)', async ({ kube }) => {
  const r = await kubectl(kube, ['apply', '--server-side', '-f', '-'], { input: web('nginx:3') });
  assert.is(r.code, 0, r.stderr);
  const d = kube.get('apps/v1', 'Deployment', 'default', 'web')!;
  const containers = (((d.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[];
  assert.is(containers[0]!.image, 'nginx:3');
  const managers = (meta(d).managedFields as JsonObject[]).map((m) => `${m.manager}/${m.operation}`);
  assert.ok(managers.includes('kubectl/Apply'), managers.join());
  const other = await kubectl(kube, ['apply', '--server-side', '--field-manager', 'someone', '-f', '-'], { input: web('nginx:4') });
  assert.is(other.code, 1, 'the upgrade path is only for the manager kubectl');
  assert.match(other.stderr, 'conflict with "kubectl"');
});

ltest('kubectl create namespace|configmap|secret|serviceaccount (protobuf bodies); other kinds are 415', async ({ kube }) => {
  const run = async (args: string[]) => {
    const r = await kubectl(kube, args);
    assert.is(r.code, 0, r.stderr);
    return r.stdout;
  };
  assert.is(await run(['create', 'namespace', 'made']), 'namespace/made created\n');
  await run(['create', 'configmap', 'c', '-n', 'made', '--from-literal=a=b']);
  await run(['create', 'secret', 'generic', 's', '-n', 'made', '--from-literal=p=q']);
  await run(['create', 'serviceaccount', 'robot', '-n', 'made']);
  assert.equal((meta(kube.get('v1', 'Namespace', undefined, 'made')).labels as JsonObject)['kubernetes.io/metadata.name'], 'made');
  assert.equal(kube.get('v1', 'ConfigMap', 'made', 'c')!.data, { a: 'b' });
  const secret = kube.get('v1', 'Secret', 'made', 's')!;
  assert.equal([secret.type, secret.data], ['Opaque', { p: 'cQ==' }]);
  assert.ok(kube.get('v1', 'ServiceAccount', 'made', 'robot'));
  const r = await kubectl(kube, ['create', 'deployment', 'd', '-n', 'made', '--image=nginx']);
  assert.is(r.code, 1);
  assert.match(r.stderr, 'application/vnd.kubernetes.protobuf');
});

ltest('scale goes through the scale subresource; get all lists workloads', async ({ kube }) => {
  let r = await kubectl(kube, ['scale', 'deployment/web', '--replicas=4']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'deployment.apps/web scaled\n');
  const d = kube.get('apps/v1', 'Deployment', 'default', 'web')!;
  assert.is((d.spec as JsonObject).replicas, 4);
  assert.ok((meta(d).managedFields as JsonObject[]).some((m) => m.manager === 'kubectl' && m.subresource === 'scale'));
  r = await kubectl(kube, ['get', 'all']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^deployment\.apps\/web\s+4\/4\s+4\s+4\s+\d+s$/m);
});

legacy.run();
