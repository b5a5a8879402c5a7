// Where the test server follows a real kube-apiserver (v1.26, measured) rather than what would be
// convenient, each proven with the real kubectl (skipped when kubectl is not installed).

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonObject } from '../../src/kustomize/resource.js';
import { kubectl, kubectlAvailable } from './kubectl.js';
import { type KubeServer, startKubeServer } from './server.js';

const k = suite<{ kube: KubeServer }>('the test server tells the truth');
if (!kubectlAvailable) console.log('SKIP test/kube/truth.test.ts: kubectl is not on PATH');
const test = kubectlAvailable ? k : k.skip;

k.before(async (ctx) => {
  // Long enough for a kubectl call while the namespace terminates.
  ctx.kube = await startKubeServer({ namespaceDeletionDelayMs: 1500 });
  ctx.kube.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } });
});
k.after(async ({ kube }) => kube.close());

function meta(o: JsonObject | undefined): JsonObject {
  return (o?.metadata ?? {}) as JsonObject;
}

const apply = (kube: KubeServer, yaml: string, ...flags: string[]) => kubectl(kube, ['apply', '--server-side', ...flags, '-f', '-'], { input: yaml });

test('a conflict Status carries its causes under `reason`, as metav1.StatusCause serializes them', async ({ kube }) => {
  const cm = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: owned, namespace: app}\ndata: {k: "${v}"}\n`;
  assert.is((await apply(kube, cm('1'))).code, 0);
  const r = await fetch(`${kube.url}/api/v1/namespaces/app/configmaps/owned?fieldManager=other`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/apply-patch+yaml', Authorization: `Bearer ${kube.token}` },
    body: cm('2'),
  });
  assert.is(r.status, 409);
  const status = (await r.json()) as JsonObject;
  assert.equal((status.details as JsonObject).causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.data.k' }]);
});

test('server-side apply of a field the schema does not declare: HTTP 500 at once, kubectl does not retry', async ({ kube }) => {
  kube.clearRequests();
  const deploy = `apiVersion: apps/v1
kind: Deployment
metadata: {name: typo, namespace: app}
spec:
  selector: {matchLabels: {app: typo}}
  template:
    metadata: {labels: {app: typo}}
    spec:
      containers: [{name: web, image: "nginx:1", imagePullPolcy: Always}]
`;
  const r = await apply(kube, deploy);
  assert.is(r.code, 1);
  assert.match(
    r.stderr,
    'failed to create typed patch object (app/typo; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="web"].imagePullPolcy: field not declared in schema',
  );
  const patches = kube.requests.filter((q) => q.verb === 'patch');
  assert.equal(
    patches.map((q) => q.status),
    [500],
  );
  assert.is(kube.get('apps/v1', 'Deployment', 'app', 'typo'), undefined);
});

test('client-side apply of an undeclared field: strict decoding error (400); without Strict the field is dropped', async ({ kube }) => {
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: loose, namespace: app}\ndata: {a: "1"}\nspec: {x: 1}\n';
  let r = await kubectl(kube, ['apply', '-f', '-'], { input: cm });
  assert.is(r.code, 1);
  assert.match(r.stderr, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"');
  r = await kubectl(kube, ['apply', '--validate=false', '-f', '-'], { input: cm });
  assert.is(r.code, 0, r.stderr);
  assert.is(kube.get('v1', 'ConfigMap', 'app', 'loose')!.spec, undefined);
});

test('an invalid enum value is refused with 422 naming the field and the supported values', async ({ kube }) => {
  const svc = 'apiVersion: v1\nkind: Service\nmetadata: {name: svc, namespace: app}\nspec: {type: Loadbalancer, ports: [{port: 80, protocol: TCP}]}\n';
  const r = await apply(kube, svc);
  assert.is(r.code, 1);
  assert.match(r.stderr, 'The Service "svc" is invalid: spec.type: Unsupported value: "Loadbalancer": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"');
});

test('a Secret type and a Job template are immutable; the Job message quotes the template as Go does', async ({ kube }) => {
  let r = await apply(kube, 'apiVersion: v1\nkind: Secret\nmetadata: {name: tls, namespace: app}\ntype: Opaque\nstringData: {a: b}\n');
  assert.is(r.code, 0, r.stderr);
  r = await apply(kube, 'apiVersion: v1\nkind: Secret\nmetadata: {name: tls, namespace: app}\ntype: kubernetes.io/basic-auth\nstringData: {username: b}\n');
  assert.is(r.code, 1);
  assert.match(r.stderr, 'Secret "tls" is invalid: type: Invalid value: "kubernetes.io/basic-auth": field is immutable');

  const job = (image: string) => `apiVersion: batch/v1
kind: Job
metadata: {name: tests, namespace: app}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: t, image: "${image}"}]
`;
  r = await apply(kube, job('tests:1'));
  assert.is(r.code, 0, r.stderr);
  r = await apply(kube, job('tests:2'));
  assert.is(r.code, 1);
  assert.match(r.stderr, /The Job "tests" is invalid: spec\.template: Invalid value: core\.PodTemplateSpec\{ObjectMeta:v1\.ObjectMeta\{.*Image:"tests:2".*\}: field is immutable/);
  assert.ok(r.stderr.length > 2000, `a long message, as from a real server (${r.stderr.length} characters)`);
});

test('a terminating namespace: updates succeed, creates are forbidden (NamespaceTerminating), then it is gone', async ({ kube }) => {
  // The metadata finalizer keeps the namespace Terminating (emptied) until the test removes it.
  kube.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'going', finalizers: ['example.com/hold'] } }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'going' }, data: { a: '1' } });
  let r = await kubectl(kube, ['delete', 'namespace', 'going', '--wait=false']);
  assert.is(r.code, 0, r.stderr);
  r = await kubectl(kube, ['patch', 'configmap', 'cfg', '-n', 'going', '--type=merge', '-p', '{"data":{"a":"2"}}']);
  assert.is(r.code, 0, r.stderr);
  assert.equal(kube.get('v1', 'ConfigMap', 'going', 'cfg')!.data, { a: '2' });
  r = await apply(kube, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: new, namespace: going}\n');
  assert.is(r.code, 1);
  assert.match(r.stderr, 'Error from server (Forbidden): configmaps "new" is forbidden: unable to create new content in namespace going because it is being terminated');
  const waiting = kubectl(kube, ['wait', '--for=delete', 'namespace/going', '--timeout=20s']);
  for (let i = 0; i < 500 && kube.objects({ namespace: 'going' }).length > 0; i++) await new Promise((res) => setTimeout(res, 20));
  r = await kubectl(kube, ['patch', 'namespace', 'going', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
  assert.is(r.code, 0, r.stderr);
  r = await waiting;
  assert.is(r.code, 0, r.stderr);
  assert.equal(kube.objects({ namespace: 'going' }), []);
});

test('kubectl scale writes spec.replicas through /scale (manager kubectl, subresource scale); an apply of replicas then conflicts with it', async ({ kube }) => {
  const deploy = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: app}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1"}]
`;
  let r = await apply(kube, deploy(2));
  assert.is(r.code, 0, r.stderr);
  r = await kubectl(kube, ['scale', 'deployment/web', '-n', 'app', '--replicas=5']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'deployment.apps/web scaled\n');
  const live = kube.get('apps/v1', 'Deployment', 'app', 'web')!;
  assert.is((live.spec as JsonObject).replicas, 5);
  const scaler = (meta(live).managedFields as JsonObject[]).find((m) => m.subresource === 'scale');
  assert.equal(scaler && [scaler.manager, scaler.operation, scaler.fieldsV1], ['kubectl', 'Update', { 'f:spec': { 'f:replicas': {} } }]);
  r = await apply(kube, deploy(2));
  assert.is(r.code, 1);
  assert.match(r.stderr, 'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1');
  assert.match(r.stderr, '.spec.replicas');
});

k.run();

const web = (name: string, image: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: pods}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: web, image: "${image}"${extra}}]
`;

const pods = suite<{ kube: KubeServer }>('Deployments get ReplicaSets and pods; quotas and limits refuse pods');
const ptest = kubectlAvailable ? pods : pods.skip;
pods.before(async (ctx) => {
  ctx.kube = await startKubeServer({ namespaceDeletionDelayMs: 0, progressDeadlineMs: 300 });
  ctx.kube.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pods' } });
});
pods.after(async ({ kube }) => kube.close());

ptest('a Deployment gets a ReplicaSet named by its template hash and ready pods; kubectl sees them', async ({ kube }) => {
  let r = await apply(kube, web('web', 'shop/web:1'));
  assert.is(r.code, 0, r.stderr);
  r = await kubectl(kube, ['rollout', 'status', 'deployment/web', '-n', 'pods', '--timeout=5s']);
  assert.is(r.code, 0, r.stderr);
  r = await kubectl(kube, ['get', 'replicasets', '-n', 'pods', '-l', 'app=web']);
  assert.match(r.stdout, /^web-[bcdfghjklmnpqrstvwxz2456789]{10}\s+2\s+2\s+2\s+\d+s$/m);
  r = await kubectl(kube, ['get', 'pods', '-n', 'pods', '-l', 'app=web']);
  assert.is(r.stdout.split('\n').filter((l) => /^web-\w+-\w{5}\s+1\/1\s+Running\s+0\s/.test(l)).length, 2, r.stdout);
});

ptest('an image that cannot be pulled: new pods in ImagePullBackOff, the old ones keep serving, the deadline passes', async ({ kube }) => {
  kube.setPodBehaviour({ image: 'shop/web:bad' }, 'ImagePullBackOff');
  let r = await apply(kube, web('web', 'shop/web:bad'));
  assert.is(r.code, 0, r.stderr);
  r = await kubectl(kube, ['rollout', 'status', 'deployment/web', '-n', 'pods', '--timeout=5s']);
  assert.is(r.code, 1);
  assert.match(r.stderr, 'deployment "web" exceeded its progress deadline');
  r = await kubectl(kube, ['get', 'pods', '-n', 'pods', '-l', 'app=web']);
  assert.is(r.stdout.split('\n').filter((l) => /\s0\/1\s+ImagePullBackOff\s/.test(l)).length, 1, r.stdout);
  assert.is(r.stdout.split('\n').filter((l) => /\s1\/1\s+Running\s/.test(l)).length, 2, 'maxUnavailable 25% of 2 is 0: both old pods stay');
  r = await kubectl(kube, ['get', 'pods', '-n', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.containerStatuses[0].state.waiting.message}']);
  assert.match(r.stdout, 'Back-off pulling image "shop/web:bad"');
  // Rolling back to the good image scales the stuck ReplicaSet away.
  r = await apply(kube, web('web', 'shop/web:1'));
  assert.is(r.code, 0, r.stderr);
  r = await kubectl(kube, ['rollout', 'status', 'deployment/web', '-n', 'pods', '--timeout=5s']);
  assert.is(r.code, 0, r.stderr);
  assert.is(kube.objects({ kind: 'Pod', namespace: 'pods', labelSelector: 'app=web' }).length, 2);
});

ptest('a crash-looping container: the waiting reason, message and restarts', async ({ kube }) => {
  kube.setPodBehaviour({ image: 'shop/api:crash' }, 'CrashLoopBackOff');
  assert.is((await apply(kube, web('api', 'shop/api:crash'))).code, 0);
  const r = await kubectl(kube, ['get', 'pods', '-n', 'pods', '-l', 'app=api']);
  assert.is(r.stdout.split('\n').filter((l) => /\s0\/1\s+CrashLoopBackOff\s+5\s/.test(l)).length, 2, r.stdout);
  const pod = kube.objects({ kind: 'Pod', namespace: 'pods', labelSelector: 'app=api' })[0]!;
  const cs = ((pod.status as JsonObject).containerStatuses as JsonObject[])[0]!;
  assert.match(String(((cs.state as JsonObject).waiting as JsonObject).message), /^back-off 5m0s restarting failed container=web pod=api-/);
  assert.equal(((cs.lastState as JsonObject).terminated as JsonObject).exitCode, 1);
});

ptest('a LimitRange refuses pods at the ReplicaSet: ReplicaFailure with the admission message, on the Deployment too', async ({ kube }) => {
  const limits = 'apiVersion: v1\nkind: LimitRange\nmetadata: {name: limits, namespace: pods}\nspec:\n  limits:\n  - type: Container\n    max: {memory: 1Gi}\n    default: {memory: 512Mi}\n';
  assert.is((await apply(kube, limits)).code, 0);
  const r = await apply(kube, web('big', 'shop/big:1', ', resources: {limits: {memory: 2Gi}}'));
  assert.is(r.code, 0, r.stderr);
  const out = await kubectl(kube, ['get', 'deployment', 'big', '-n', 'pods', '-o', 'jsonpath={range .status.conditions[?(@.type=="ReplicaFailure")]}{.reason}: {.message}{end}']);
  assert.match(out.stdout, /^FailedCreate: pods "big-\w{10}-" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi$/);
  assert.equal(kube.objects({ kind: 'Pod', namespace: 'pods', labelSelector: 'app=big' }), []);
  // A pod within the limits gets the LimitRange's default limit.
  assert.is((await apply(kube, web('small', 'shop/small:1'))).code, 0);
  const pod = kube.objects({ kind: 'Pod', namespace: 'pods', labelSelector: 'app=small' })[0]!;
  const c = ((pod.spec as JsonObject).containers as JsonObject[])[0]!;
  assert.equal(c.resources, { limits: { memory: '512Mi' }, requests: { memory: '512Mi' } });
  assert.is((await kubectl(kube, ['delete', 'limitrange', 'limits', '-n', 'pods'])).code, 0);
});

ptest('a ResourceQuota refuses the pod that would exceed it; its status counts what is used', async ({ kube }) => {
  kube.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'quota' } });
  const quota = 'apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: compute, namespace: quota}\nspec: {hard: {pods: "1", limits.memory: 1Gi}}\n';
  assert.is((await apply(kube, quota)).code, 0);
  const deploy = web('q', 'shop/q:1', ', resources: {limits: {memory: 512Mi}}').replace('namespace: pods', 'namespace: quota');
  assert.is((await apply(kube, deploy)).code, 0);
  const rs = kube.objects({ kind: 'ReplicaSet', namespace: 'quota' })[0]!;
  const failure = ((rs.status as JsonObject).conditions as JsonObject[]).find((c) => c.type === 'ReplicaFailure')!;
  assert.match(String(failure.message), /^pods "q-\w{10}-" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=1, limited: pods=1$/);
  const r = await kubectl(kube, ['get', 'resourcequota', 'compute', '-n', 'quota', '-o', 'jsonpath={.status.used}']);
  assert.equal(JSON.parse(r.stdout), { 'limits.memory': '512Mi', pods: '1' });
  r.code === 0 || assert.unreachable(r.stderr);
  // More room: the ReplicaSet creates the missing pod.
  assert.is((await apply(kube, quota.replace('pods: "1"', 'pods: "2"'))).code, 0);
  assert.is(kube.objects({ kind: 'Pod', namespace: 'quota' }).length, 2);
  assert.is((kube.get('apps/v1', 'Deployment', 'quota', 'q')!.status as JsonObject).readyReplicas, 2);
});

ptest('Job pods succeed or fail under test control; deleting the Job with kubectl collects its pods', async ({ kube }) => {
  const job = (name: string) => `apiVersion: batch/v1\nkind: Job\nmetadata: {name: ${name}, namespace: pods}\nspec:\n  backoffLimit: 1\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: t, image: "shop/tests:1"}]\n`;
  kube.setRolloutState({ kind: 'Job', namespace: 'pods', name: 'itest' }, 'progressing');
  assert.is((await apply(kube, job('itest'))).code, 0);
  let r = await kubectl(kube, ['get', 'pods', '-n', 'pods', '-l', 'job-name=itest']);
  assert.match(r.stdout, /^itest-\w{5}\s+1\/1\s+Running\s/m);
  const waiting = kubectl(kube, ['wait', '--for=condition=failed', 'job/itest', '-n', 'pods', '--timeout=10s']);
  kube.completeJob('pods', 'itest', false);
  r = await waiting;
  assert.is(r.code, 0, r.stderr);
  r = await kubectl(kube, ['get', 'pods', '-n', 'pods', '-l', 'job-name=itest']);
  assert.is(r.stdout.split('\n').filter((l) => /\s0\/1\s+Error\s/.test(l)).length, 2, 'one pod per try: backoffLimit 1 allows two');
  r = await kubectl(kube, ['get', 'job', 'itest', '-n', 'pods']);
  assert.match(r.stdout, /^itest\s+Failed\s+0\/1\s/m);
  r = await kubectl(kube, ['delete', 'job', 'itest', '-n', 'pods']);
  assert.is(r.code, 0, r.stderr);
  assert.equal(kube.objects({ kind: 'Pod', namespace: 'pods', labelSelector: 'job-name=itest' }), []);
});

pods.run();
