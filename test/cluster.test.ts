// `kts apply` end to end: the CLI against the Kubernetes API test server (real HTTP, real
// client library). Every scenario uses its own environment and namespace; all of them start
// together when the suite starts (each CLI run is a separate process) and the tests assert on
// what they recorded, which keeps the suite fast.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject } from '../src/kustomize/resource.js';
import { applySetId, LABEL_PART_OF } from '../src/cluster/applyset.js';
import { scenarios } from './cluster-scenario.js';
import { ktsAsync, neverPrinted } from './helpers/cli.js';
import { startKubeServer } from './kube/server.js';

const kube = await startKubeServer({ crdEstablishDelayMs: 300 });
const env = { ...process.env, KUBECONFIG: kube.kubeconfigPath };
const dir = mkdtempSync(join(tmpdir(), 'kts-cluster-'));
let files = 0;

function manifests(objs: JsonObject[]): string {
  const file = join(dir, `m${files++}.yaml`);
  writeFileSync(file, objs.map((o) => JSON.stringify(o)).join('\n---\n'));
  return file;
}

const apply = (name: string, objs: JsonObject[], ...flags: string[]) => ktsAsync(['apply', name, '-f', manifests(objs), ...flags], { env });
const applyJson = async (name: string, objs: JsonObject[], ...flags: string[]) => {
  const r = await apply(name, objs, '--json', ...flags);
  return { ...r, report: JSON.parse(r.stdout) as { ok: boolean; objects: { kind: string; name: string; action: string; note?: string }[]; pruned: { kind: string; name: string }[]; retries: number; error?: string } };
};
const actions = (report: { objects: { kind: string; name: string; action: string }[] }) => Object.fromEntries(report.objects.map((o) => [`${o.kind}/${o.name}`, o.action]));

const ns = (name: string): JsonObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const cm = (namespace: string, name: string, data: Record<string, string> = { A: '1' }): JsonObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });
// helpers/cli.ts fails any kts run that prints it.
neverPrinted('supersecret');
const secret = (namespace: string, name: string): JsonObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', data: { password: 'c3VwZXJzZWNyZXQ=' } });
const svc = (namespace: string, name: string): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
});
const deploy = (namespace: string, name: string, replicas = 2): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1' }] } },
  },
});
const crd: JsonObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};
const widget = (namespace: string, name: string): JsonObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace }, spec: { size: 3 } });
const app = (namespace: string): JsonObject[] => [deploy(namespace, 'web'), svc(namespace, 'web'), cm(namespace, 'cfg'), secret(namespace, 'creds'), ns(namespace)];

const scenario = scenarios(test);
const inNs = (namespace: string) => (r: { namespace?: string; resource?: string; name?: string }) => r.namespace === namespace || (r.resource === 'namespaces' && r.name === namespace);

const shop = scenario(async () => {
  const first = await apply('shop', app('shop'));
  const patches = kube.requests.filter((r) => r.verb === 'patch' && inNs('shop')(r));
  const again = await applyJson('shop', app('shop'));
  return { first, patches, again };
});

const prune = scenario(async () => {
  const created = await apply('prune', [ns('prune'), cm('prune', 'keep'), cm('prune', 'drop'), svc('prune', 'web')]);
  kube.seed(cm('prune', 'hand-made'), {
    ...cm('prune', 'other-set'),
    metadata: { name: 'other-set', namespace: 'prune', labels: { [LABEL_PART_OF]: applySetId('x', 'prune', 'Secret', '') } },
  });
  const pruned = await applyJson('prune', [ns('prune'), cm('prune', 'keep', { A: '2' })], '--prune');
  return { created, pruned };
});

const empty = scenario(async () => {
  const created = await apply('empty', [ns('empty'), cm('empty', 'a')]);
  const refused = await apply('empty', [], '--prune', '-n', 'empty');
  const keptAfterRefusal = kube.get('v1', 'ConfigMap', 'empty', 'a') !== undefined;
  const allowed = await apply('empty', [], '--prune', '--allow-empty', '-n', 'empty');
  return { created, refused, keptAfterRefusal, allowed };
});

const wait = scenario(async () => {
  kube.setRolloutState({ kind: 'Deployment', namespace: 'w-fail', name: 'web' }, 'failed');
  kube.setRolloutState({ kind: 'Deployment', namespace: 'w-slow', name: 'web' }, 'progressing');
  const [ok, failed, slow] = await Promise.all([
    apply('w-ok', [ns('w-ok'), deploy('w-ok', 'web')], '--wait', '--timeout', '30s'),
    apply('w-fail', [ns('w-fail'), deploy('w-fail', 'web')], '--wait', '--timeout', '30s'),
    apply('w-slow', [ns('w-slow'), deploy('w-slow', 'web')], '--wait', '--timeout', '1s'),
  ]);
  return { ok, failed, slow };
});

const faults = scenario(async () => {
  const patchOf = (name: string) => (r: { verb?: string; namespace?: string; name?: string }) => r.verb === 'patch' && r.namespace === 'faults' && r.name === name;
  const f503 = kube.inject({ match: patchOf('a'), status: 503, times: 2 });
  const f429 = kube.inject({ match: patchOf('b'), status: 429, retryAfterSeconds: 1, times: 1 });
  const drop = kube.inject({ match: patchOf('c'), drop: true, times: 1 });
  // Headroom for a loaded machine: a 4 s timeout for an answer held back 10 s.
  const slow = kube.inject({ match: patchOf('d'), delayMs: 10_000, times: 1 });
  const started = Date.now();
  const run = await applyJson('faults', [ns('faults'), cm('faults', 'a'), cm('faults', 'b'), cm('faults', 'c'), cm('faults', 'd')], '--request-timeout', '4s');
  return { run, ms: Date.now() - started, hits: [f503.hits, f429.hits, drop.hits, slow.hits] };
});

// A field the schema does not declare: a real v1.26 server answers 500 on every try.
const permanent = scenario(async () => {
  const typo = { ...cm('permanent', 'typo'), spec: { replicas: 1 } };
  const run = await applyJson('permanent', [ns('permanent'), typo]);
  const patches = kube.requests.filter((r) => r.verb === 'patch' && r.namespace === 'permanent' && r.name === 'typo');
  return { run, patches };
});

const partial = scenario(async () => {
  const denied = kube.inject({ match: (r) => r.verb === 'patch' && r.namespace === 'partial' && r.name === 'b', status: 403, times: Infinity });
  const objs = [ns('partial'), cm('partial', 'a'), cm('partial', 'b'), deploy('partial', 'web')];
  const failed = await applyJson('partial', objs);
  const deploymentAfterFailure = kube.get('apps/v1', 'Deployment', 'partial', 'web');
  denied.cancel();
  const rerun = await applyJson('partial', objs);
  return { failed, deploymentAfterFailure, rerun };
});

const conflict = scenario(async () => {
  kube.seed(ns('conflict'), cm('conflict', 'cfg', { A: 'theirs' }));
  const notOurs = await apply('conflict', [ns('conflict'), cm('conflict', 'cfg', { A: 'ours' })]);
  const untouched = kube.get('v1', 'ConfigMap', 'conflict', 'cfg')!.data;
  const refused = await apply('conflict', [ns('conflict'), cm('conflict', 'cfg', { A: 'ours' })], '--adopt');
  const forced = await apply('conflict', [ns('conflict'), cm('conflict', 'cfg', { A: 'ours' })], '--adopt', '--force-conflicts');
  const again = await apply('conflict', [ns('conflict'), cm('conflict', 'cfg', { A: 'ours' })]);
  return { notOurs, untouched, refused, forced, again };
});

const dry = scenario(async () => {
  kube.seed(ns('dry'));
  const json = await applyJson('dry', [ns('dry'), cm('dry', 'a'), deploy('dry', 'web')], '--dry-run=server', '--prune', '--adopt');
  const writes = kube.requests.filter((r) => inNs('dry')(r) && ['patch', 'delete', 'create', 'update'].includes(r.verb ?? '') && r.query.dryRun !== 'All');
  return { json, writes };
});

const job = (namespace: string, image: string): JsonObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'tests', namespace },
  spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'tests', image }] } } },
});
const moved = (namespace: string): JsonObject => {
  const d = deploy(namespace, 'web') as { spec: { selector: { matchLabels: Record<string, string> } } };
  return { ...d, spec: { ...d.spec, selector: { matchLabels: { app: 'web', tier: 'front' } } } } as unknown as JsonObject;
};
const immutable = scenario(async () => {
  const first = await apply('jobs', [ns('jobs'), job('jobs', 'tests:1'), deploy('jobs', 'web')], '--wait', '--timeout', '30s');
  const recreated = await applyJson('jobs', [ns('jobs'), job('jobs', 'tests:2'), deploy('jobs', 'web')], '--wait', '--timeout', '30s');
  const refused = await apply('jobs', [ns('jobs'), job('jobs', 'tests:2'), moved('jobs')]);
  return { first, refused, recreated };
});

const crds = scenario(async () => {
  const first = await apply('crd', [widget('crd', 'w1'), widget('crd', 'w2'), crd, ns('crd')]);
  const log = kube.requests.filter((r) => r.resource === 'customresourcedefinitions' || r.resource === 'widgets').map((r) => `${r.verb} ${r.resource}`);
  const pruned = await applyJson('crd', [ns('crd'), crd, widget('crd', 'w1')], '--prune');
  return { first, log, pruned };
});

const contexts = scenario(async () => {
  kube.seed(ns('ctx-ns'));
  const alt = kube.writeKubeconfig(join(dir, 'alt.kubeconfig'), { namespace: 'ctx-ns', context: 'alt' });
  const both = { ...env, KUBECONFIG: [kube.kubeconfigPath, join(dir, 'missing.kubeconfig'), alt].join(':') };
  const chosen = await ktsAsync(['apply', 'ctx', '--context', 'alt', '-f', manifests([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-context' }, data: {} }])], { env: both });
  const unknown = await ktsAsync(['apply', 'ctx', '--context', 'nope', '-f', manifests([cm('ctx-ns', 'x')])], { env: both });
  return { chosen, unknown };
});

const errors = scenario(async () => {
  const usage = await ktsAsync(['apply', 'x', '--dry-run=client', '-f', manifests([])], { env });
  const dead = kube.writeKubeconfig(join(dir, 'dead.kubeconfig'));
  writeFileSync(dead, readFileSync(dead, 'utf8').replace(kube.url, 'http://127.0.0.1:9'));
  const down = await ktsAsync(['apply', 'x', '-f', manifests([cm('x', 'a')])], { env: { ...env, KUBECONFIG: dead } });
  return { usage, down };
});

test.after(async () => {
  await Promise.allSettled([shop(), prune(), empty(), wait(), faults(), partial(), conflict(), dry(), immutable(), crds(), contexts(), errors()]);
  await kube.close();
  rmSync(dir, { recursive: true, force: true });
});

test('apply creates everything in dependency order as ApplySet members; a re-apply changes nothing', async () => {
  const { first, patches, again } = await shop();
  assert.is(first.code, 0, first.stderr);
  const lines = first.stdout.split('\n');
  const at = (s: string) => lines.findIndex((l) => l.startsWith(s));
  assert.ok(at('v1 Namespace shop created') >= 0, first.stdout);
  assert.ok(at('v1 Namespace shop created') < at('v1 ConfigMap shop/cfg created'));
  assert.ok(at('v1 Secret shop/creds created') < at('v1 Service shop/web created'));
  assert.ok(at('v1 Service shop/web created') < at('apps/v1 Deployment shop/web created'));
  assert.match(first.stdout, /shop: 5 created, 0 configured, 0 unchanged/);

  assert.ok(patches.length >= 6, 'five objects and the parent');
  for (const p of patches) {
    assert.match(p.contentType ?? '', /^application\/apply-patch\+yaml/);
    assert.ok(['kts', 'kts-applyset'].includes(p.query.fieldManager!), p.query.fieldManager);
  }
  const order = patches.map((p) => p.resource);
  assert.ok(order.indexOf('namespaces') < order.indexOf('secrets') && order.indexOf('configmaps') < order.indexOf('deployments'), order.join(','));

  const id = applySetId('kts-applyset.shop.shop', 'shop', 'Secret', '');
  const parent = kube.get('v1', 'Secret', 'shop', 'kts-applyset.shop.shop')!;
  const meta = parent.metadata as { labels: Record<string, string>; annotations: Record<string, string> };
  assert.is(meta.labels['applyset.kubernetes.io/id'], id);
  assert.is(meta.annotations['applyset.kubernetes.io/contains-group-kinds'], 'ConfigMap,Deployment.apps,Namespace,Secret,Service');
  assert.match(meta.annotations['applyset.kubernetes.io/tooling']!, /^kts\/v\d/);
  const members = kube.objects({ labelSelector: `${LABEL_PART_OF}=${id}` }).map((o) => `${o.kind}/${(o.metadata as JsonObject).name}`);
  assert.equal(members.sort(), ['ConfigMap/cfg', 'Deployment/web', 'Namespace/shop', 'Secret/creds', 'Service/web']);

  assert.is(again.code, 0, again.stderr);
  assert.ok(again.report.ok);
  assert.equal(new Set(again.report.objects.map((o) => o.action)), new Set(['unchanged']));
  assert.is(again.report.objects.length, 5);
});

test('a changed object is configured; --prune deletes removed members and nothing else', async () => {
  const { created, pruned: r } = await prune();
  assert.is(created.code, 0, created.stderr);
  assert.is(r.code, 0, r.stderr);
  assert.equal(actions(r.report), { 'Namespace/prune': 'unchanged', 'ConfigMap/keep': 'configured' });
  assert.equal(r.report.pruned.map((p) => `${p.kind}/${p.name}`).sort(), ['ConfigMap/drop', 'Service/web']);
  assert.is(kube.get('v1', 'ConfigMap', 'prune', 'drop'), undefined);
  assert.is(kube.get('v1', 'Service', 'prune', 'web'), undefined);
  assert.ok(kube.get('v1', 'ConfigMap', 'prune', 'hand-made'), 'non-members are never pruned');
  assert.ok(kube.get('v1', 'ConfigMap', 'prune', 'other-set'), 'members of other sets are never pruned');
  const ann = (kube.get('v1', 'Secret', 'prune', 'kts-applyset.shop.prune')!.metadata as { annotations: Record<string, string> }).annotations;
  assert.is(ann['applyset.kubernetes.io/contains-group-kinds'], 'ConfigMap,Namespace');
});

test('an empty render is refused with --prune unless --allow-empty', async () => {
  const { created, refused, keptAfterRefusal, allowed } = await empty();
  assert.is(created.code, 0, created.stderr);
  assert.is(refused.code, 1);
  assert.match(refused.stderr, /render of 'empty' is empty: refusing to prune/);
  assert.ok(keptAfterRefusal);
  assert.is(allowed.code, 0, allowed.stderr);
  assert.is(kube.get('v1', 'ConfigMap', 'empty', 'a'), undefined);
  assert.ok(kube.get('v1', 'Namespace', undefined, 'empty'), "the parent's own namespace is kept");
});

test('--wait succeeds, fails naming the condition, and times out naming what it waited for', async () => {
  const { ok, failed, slow } = await wait();
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /apps\/v1 Deployment w-ok\/web rolled out \(2 of 2 available\)/);
  assert.is(failed.code, 1);
  assert.match(failed.stderr, /apps\/v1 Deployment w-fail\/web: rollout failed: condition Progressing=False \(ProgressDeadlineExceeded\)/, failed.stdout + failed.stderr);
  assert.is(slow.code, 1);
  assert.match(slow.stderr, /timed out after 1s waiting for 1 rollout\(s\): apps\/v1 Deployment w-slow\/web: 0 of 2 updated replicas available/, slow.stdout + slow.stderr);
});

test('transient faults (503, 429 with Retry-After, a dropped connection, a slow response) are retried', async () => {
  const { run, ms, hits } = await faults();
  assert.is(run.code, 0, run.stderr);
  assert.equal(hits, [2, 1, 1, 1]);
  // At least one retry per fault hit (a loaded machine may time out a few more requests).
  assert.ok(run.report.retries >= 5, String(run.report.retries));
  assert.ok(ms >= 1000, 'Retry-After was honoured');
  // Under load a request may time out first (its retry counts too): the 429 is still honoured with 1000 ms.
  assert.match(run.stderr, /HTTP 429; retry \d+ in 1000 ms/, run.stderr);
  assert.match(run.stderr, /PATCH \/api\/v1\/namespaces\/faults\/configmaps\/d: no response within 4s; retry 1/);
  // A create whose answer was lost (the slow one, or any on a loaded machine) is seen as configured on its retry.
  for (const o of run.report.objects) assert.ok(o.action === 'created' || o.action === 'configured', `${o.name}: ${o.action}`);
});

test('a permanent server error (500: field not declared in schema) fails at once, without retries', async () => {
  const { run, patches } = await permanent();
  assert.is(run.code, 1);
  assert.is(run.report.retries, 0);
  assert.equal(patches.map((p) => p.status), [500]);
  assert.match(run.stderr, /v1 ConfigMap permanent\/typo: failed to create typed patch object \(permanent\/typo; \/v1, Kind=ConfigMap\): \.spec: field not declared in schema \(HTTP 500\)/);
});

test('a partly failed apply is reported, stops before later stages, and a re-run completes it', async () => {
  const { failed, deploymentAfterFailure, rerun } = await partial();
  assert.is(failed.code, 1);
  assert.equal(actions(failed.report), { 'Namespace/partial': 'created', 'ConfigMap/a': 'created', 'ConfigMap/b': 'failed' });
  assert.match(failed.stderr, /1 of 2 objects in stage 'config' failed \(first: v1 ConfigMap partial\/b: .*HTTP 403\)/);
  assert.is(deploymentAfterFailure, undefined, 'workloads wait for their configuration');
  assert.is(rerun.code, 0, rerun.stderr);
  assert.equal(actions(rerun.report), { 'Namespace/partial': 'unchanged', 'ConfigMap/a': 'unchanged', 'ConfigMap/b': 'created', 'Deployment/web': 'created' });
});

test('an existing object kts did not create is refused; --adopt takes it, a field of another manager is a conflict; --force-conflicts takes it', async () => {
  const { notOurs, untouched, refused, forced, again } = await conflict();
  assert.is(notOurs.code, 1);
  assert.match(notOurs.stderr, /^kts: 2 object\(s\) of the render exist but were not created by this ApplySet \(v1 Namespace conflict, v1 ConfigMap conflict\/cfg\); refusing to take them over \(pass --adopt/);
  assert.equal(untouched, { A: 'theirs' }, 'nothing changed');
  assert.is(refused.code, 1);
  assert.match(refused.stderr, /v1 ConfigMap conflict\/cfg: conflict: \.data\.A is owned by field manager "test-seed" \(re-run with --force-conflicts/);
  assert.is(forced.code, 0, forced.stderr);
  assert.equal(kube.get('v1', 'ConfigMap', 'conflict', 'cfg')!.data, { A: 'ours' });
  assert.is(again.code, 0, 'adopted objects are members from then on');
});

test('--dry-run=server changes nothing and says so', async () => {
  const { json, writes } = await dry();
  assert.is(json.code, 0, json.stderr);
  assert.equal(actions(json.report), { 'Namespace/dry': 'configured', 'ConfigMap/a': 'created', 'Deployment/web': 'created' });
  assert.equal(writes.map((w) => `${w.verb} ${w.path}`), [], 'every write was a dry run');
  assert.is(kube.get('v1', 'ConfigMap', 'dry', 'a'), undefined);
});

test('a member Job whose template changed is recreated without flags; another immutable field is one short line naming it', async () => {
  const { first, refused, recreated } = await immutable();
  assert.is(first.code, 0, first.stderr);
  assert.match(first.stdout, /batch\/v1 Job jobs\/tests complete/);
  assert.is(refused.code, 1);
  assert.match(refused.stderr, /^kts: 1 of 2 objects in stage 'workloads' failed \(first: apps\/v1 Deployment jobs\/web: field is immutable: spec.selector; re-run with --recreate-immutable to delete and recreate it\)/, refused.stderr);
  assert.ok(refused.stderr.length < 300, `one short line: ${refused.stderr}`);
  assert.is(recreated.code, 0, recreated.stderr);
  assert.equal(recreated.report.objects.find((o) => o.kind === 'Job'), { apiVersion: 'batch/v1', kind: 'Job', namespace: 'jobs', name: 'tests', action: 'created', note: 'recreated: spec.template cannot change' });
  const live = kube.get('batch/v1', 'Job', 'jobs', 'tests')!;
  assert.is((((live.spec as JsonObject).template as JsonObject).spec as { containers: { image: string }[] }).containers[0]!.image, 'tests:2');
});

test('CRDs are applied first and Established before their custom resources; custom resources are pruned', async () => {
  const { first, log, pruned } = await crds();
  assert.is(first.code, 0, first.stderr);
  const lines = first.stdout.split('\n');
  const crdLine = lines.indexOf('apiextensions.k8s.io/v1 CustomResourceDefinition widgets.example.com created');
  assert.ok(crdLine >= 0 && crdLine < lines.indexOf('example.com/v1 Widget crd/w1 created'), first.stdout);
  const firstWidget = log.indexOf('patch widgets');
  assert.ok(log.indexOf('patch customresourcedefinitions') < log.indexOf('get customresourcedefinitions'), log.join(','));
  assert.ok(log.lastIndexOf('get customresourcedefinitions', firstWidget) > log.indexOf('patch customresourcedefinitions'), 'waited for Established');
  assert.ok(kube.get('example.com/v1', 'Widget', 'crd', 'w1'));
  assert.is(pruned.code, 0, pruned.stderr);
  assert.equal(pruned.report.pruned.map((p) => `${p.kind}/${p.name}`), ['Widget/w2']);
  assert.is(kube.get('example.com/v1', 'Widget', 'crd', 'w2'), undefined);
});

test('--context picks a context from a merged KUBECONFIG list and its namespace is the default', async () => {
  const { chosen, unknown } = await contexts();
  assert.is(chosen.code, 0, chosen.stderr);
  assert.match(chosen.stdout, /v1 ConfigMap ctx-ns\/from-context created/);
  assert.ok(kube.get('v1', 'Secret', 'ctx-ns', 'kts-applyset.shop.ctx'), 'the parent lives in the context namespace');
  assert.is(unknown.code, 1);
  assert.match(unknown.stderr, /--context: context 'nope' not found \(have: kube-test, alt\)/);
});

test('usage errors and an unreachable cluster are one clear line', async () => {
  const { usage, down } = await errors();
  assert.is(usage.code, 2);
  assert.match(usage.stderr, /--dry-run supports only 'server'/);
  assert.is(down.code, 1);
  assert.match(down.stderr, /^kts: .*cannot reach the cluster at http:\/\/127\.0\.0\.1:9/, down.stderr);
  assert.not.match(down.stderr, /\n\s+at /, 'no stack trace');
});

test.run();
