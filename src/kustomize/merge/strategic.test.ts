// Expected results are what kustomize v5.5.0 (`kubectl kustomize`) produced for the same base and
// patch; the comments name the upstream test a case comes from where there is one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { equal } from '../testing.js';
import { KtsError } from '../../errors.js';
import type { Json, JsonObject } from '../resource.js';
import { isDataMap } from '../resource.js';
import { parseYamlDocuments } from '../yaml/parse.js';
import { applySmPatchToResource, strategicMerge } from './strategic.js';
import { plain } from '../testing.js';

function y(text: string): JsonObject {
  return parseYamlDocuments(text, 'test.yaml')[0] as JsonObject;
}

function deployment(spec: string, extraMeta = ''): JsonObject {
  return y(`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n${extraMeta}spec:\n${spec}`);
}

function podSpec(obj: JsonObject | null): JsonObject {
  return ((obj!.spec as JsonObject).template as JsonObject).spec as JsonObject;
}

function merge(base: JsonObject, patch: JsonObject): JsonObject {
  const out = strategicMerge(base, patch);
  assert.ok(out, 'resource was deleted');
  return out;
}

function names(list: Json | undefined, key = 'name'): Json[] {
  return (list as JsonObject[]).map((e) => e[key]!);
}

test('containers merge by name, the patch elements first (PatchTransformerSmpSidecars)', () => {
  const out = merge(
    deployment('  template:\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n'),
    deployment('  template:\n    spec:\n      containers:\n      - name: istio-proxy\n        image: proxyv2\n        args: [proxy]\n'),
  );
  equal(podSpec(out).containers, [
    { name: 'istio-proxy', image: 'proxyv2', args: ['proxy'] },
    { name: 'nginx', image: 'nginx' },
  ]);
});

test('a merged element keeps its fields and takes the patch order', () => {
  const out = merge(
    deployment('  template:\n    spec:\n      containers:\n      - name: a\n        image: a\n        args: [x]\n      - name: b\n      - name: c\n'),
    deployment('  template:\n    spec:\n      containers:\n      - name: c\n        image: c2\n      - name: x\n      - name: a\n        args: [y]\n'),
  );
  equal(podSpec(out).containers, [{ name: 'c', image: 'c2' }, { name: 'x' }, { name: 'a', image: 'a', args: ['y'] }, { name: 'b' }]);
});

test('volumeMounts merge by mountPath and volumes by name (CustomOpenApiFieldFromComponentWithOverlays)', () => {
  const out = merge(
    deployment(
      '  template:\n    spec:\n      containers:\n      - name: app\n        env: [{name: foo, value: bar}]\n        volumeMounts:\n        - {name: cm, mountPath: /opt/cm}\n      volumes:\n      - {name: cm, configMap: {name: cm}}\n',
    ),
    deployment(
      '  template:\n    spec:\n      containers:\n      - name: app\n        volumeMounts:\n        - {name: extra, mountPath: /mnt}\n      volumes:\n      - {name: extra, configMap: {name: extra}}\n',
    ),
  );
  const spec = podSpec(out);
  const app = (spec.containers as JsonObject[])[0]!;
  equal(names(app.volumeMounts, 'mountPath'), ['/mnt', '/opt/cm']);
  equal(app.env, [{ name: 'foo', value: 'bar' }]);
  equal(names(spec.volumes), ['extra', 'cm']);
});

test('env merges by name and a merged entry replaces its scalar fields', () => {
  const out = merge(
    deployment('  template:\n    spec:\n      containers:\n      - name: a\n        env:\n        - {name: A, value: "1"}\n        - {name: B, value: "2"}\n'),
    deployment('  template:\n    spec:\n      containers:\n      - name: a\n        env:\n        - {name: B, value: "20"}\n        - {name: C, value: "3"}\n'),
  );
  equal((podSpec(out).containers as JsonObject[])[0]!.env, [
    { name: 'B', value: '20' },
    { name: 'C', value: '3' },
    { name: 'A', value: '1' },
  ]);
});

test('envFrom, tolerations and args have no merge key and are replaced (MergeEnvFrom)', () => {
  const out = merge(
    deployment(
      '  template:\n    spec:\n      tolerations: [{key: k1, operator: Exists}]\n      containers:\n      - name: nginx\n        args: [a, b]\n        envFrom:\n        - configMapRef: {name: some-config}\n        - configMapRef: {name: more-config}\n',
    ),
    deployment(
      '  template:\n    spec:\n      tolerations: [{key: k2, operator: Exists}]\n      containers:\n      - name: nginx\n        args: [c]\n        envFrom:\n        - configMapRef: {name: another-config}\n',
    ),
  );
  const spec = podSpec(out);
  equal(spec.tolerations, [{ key: 'k2', operator: 'Exists' }]);
  const c = (spec.containers as JsonObject[])[0]!;
  equal(c.args, ['c']);
  equal(c.envFrom, [{ configMapRef: { name: 'another-config' } }]);
});

test('imagePullSecrets merge by name and hostAliases by ip', () => {
  const out = merge(
    deployment('  template:\n    spec:\n      imagePullSecrets: [{name: a}]\n      hostAliases: [{ip: 1.1.1.1, hostnames: [a]}]\n'),
    deployment('  template:\n    spec:\n      imagePullSecrets: [{name: b}, {name: a}]\n      hostAliases: [{ip: 2.2.2.2, hostnames: [c]}, {ip: 1.1.1.1, hostnames: [b]}]\n'),
  );
  const spec = podSpec(out);
  equal(names(spec.imagePullSecrets), ['b', 'a']);
  equal(spec.hostAliases, [
    { ip: '2.2.2.2', hostnames: ['c'] },
    { ip: '1.1.1.1', hostnames: ['b'] },
  ]);
});

test('container ports merge by containerPort and protocol, with kyaml ordering and matching quirks', () => {
  // A key missing on one side matches any value; an element matched that way keeps the base
  // version, and with two merge keys matched base elements move behind the patch's new ones.
  const out = merge(
    deployment(
      '  template:\n    spec:\n      containers:\n      - name: a\n        ports:\n        - {containerPort: 80, name: p80}\n        - {containerPort: 81, name: p81}\n        - {containerPort: 82, protocol: TCP, name: p82}\n',
    ),
    deployment(
      '  template:\n    spec:\n      containers:\n      - name: a\n        ports:\n        - {containerPort: 90}\n        - {containerPort: 82, name: q82}\n        - {containerPort: 81, name: q81, protocol: UDP}\n        - {containerPort: 80, name: q80}\n',
    ),
  );
  equal((podSpec(out).containers as JsonObject[])[0]!.ports, [
    { containerPort: 90 },
    { containerPort: 80, name: 'q80' },
    { containerPort: 81, name: 'p81' },
    { containerPort: 82, protocol: 'TCP', name: 'p82' },
  ]);
});

test('topologySpreadConstraints merge by topologyKey and whenUnsatisfiable', () => {
  const out = merge(
    deployment(
      '  template:\n    spec:\n      topologySpreadConstraints:\n      - {topologyKey: k1, whenUnsatisfiable: DoNotSchedule, maxSkew: 1}\n      - {topologyKey: k2, whenUnsatisfiable: DoNotSchedule, maxSkew: 1}\n',
    ),
    deployment(
      '  template:\n    spec:\n      topologySpreadConstraints:\n      - {topologyKey: k3, whenUnsatisfiable: DoNotSchedule, maxSkew: 3}\n      - {topologyKey: k2, maxSkew: 2}\n',
    ),
  );
  equal(
    (podSpec(out).topologySpreadConstraints as JsonObject[]).map((c) => [c.topologyKey, c.maxSkew]),
    [['k3', 3], ['k1', 1], ['k2', 1]],
  );
});

test('Service ports merge by port; a port without protocol matches one with (PatchPortHasNoProtocol)', () => {
  const out = merge(
    y('apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n  - {port: 30900, targetPort: 30900, protocol: TCP}\n'),
    y('apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {service: web}\nspec:\n  selector: {service: web}\n  ports:\n  - {port: 30900, targetPort: 30900}\n'),
  );
  equal(out.spec, { type: 'NodePort', ports: [{ port: 30900, targetPort: 30900, protocol: 'TCP' }], selector: { service: 'web' } });
  equal((out.metadata as JsonObject).labels, { service: 'web' });
});

test('a list the patch does not mention is still rebuilt: duplicate keys collapse to the last (PatchTransformerSimilarArrays)', () => {
  const out = merge(
    deployment(
      '  template:\n    spec:\n      containers:\n      - name: app\n        ports:\n        - {containerPort: 8080, name: disappearing-act, protocol: TCP}\n        - {containerPort: 8080, name: take-over-the-world, protocol: TCP}\n',
    ),
    deployment('  replicas: 2\n', '  labels: {test-transformer: did-my-job}\n'),
  );
  equal((podSpec(out).containers as JsonObject[])[0]!.ports, [{ containerPort: 8080, name: 'take-over-the-world', protocol: 'TCP' }]);
});

test('finalizers merge as a set, the patch values first', () => {
  const out = merge(deployment('  replicas: 1\n', '  finalizers: [a, b, c]\n'), deployment('  replicas: 1\n', '  finalizers: [d, b]\n'));
  equal((out.metadata as JsonObject).finalizers, ['d', 'b', 'a', 'c']);
});

test('null in the patch deletes the key and a whole merge list', () => {
  const out = merge(
    deployment('  replicas: 3\n  template:\n    spec:\n      containers: [{name: a}]\n      volumes: [{name: v}]\n'),
    deployment('  replicas: null\n  template:\n    spec:\n      volumes: null\n'),
  );
  equal(out.spec, { template: { spec: { containers: [{ name: 'a' }] } } });
});

test('null in the base survives when the patch leaves the key alone (NullValues2, KeepEmptyArray)', () => {
  const out = merge(
    deployment('  selector: null\n  paused: null\n  template:\n    spec:\n      containers: [{name: a}]\n      imagePullSecrets: []\n'),
    deployment('  paused: true\n'),
  );
  equal(out.spec, { selector: null, paused: true, template: { spec: { containers: [{ name: 'a' }], imagePullSecrets: [] } } });
});

test('nulls and deleted entries inside content the patch adds are dropped', () => {
  const out = merge(
    deployment('  template:\n    spec:\n      containers: [{name: a}]\n'),
    deployment(
      '  template:\n    spec:\n      containers:\n      - name: b\n        image: null\n        env:\n        - {name: X, value: null}\n        - {name: Y, $patch: delete}\n        resources:\n          limits: {cpu: null, memory: 1Gi}\n',
    ),
  );
  equal(podSpec(out).containers, [{ name: 'b', env: [{ name: 'X' }], resources: { limits: { memory: '1Gi' } } }, { name: 'a' }]);
});

test('$patch: delete removes list elements, also ones the base lacks (PatchDeleteOfNotExistingAttributesShouldNotAddExtraElements)', () => {
  const out = merge(
    deployment(
      '  template:\n    spec:\n      containers:\n      - name: whatever\n        image: helloworld\n        env:\n        - {name: EXISTING, value: EXISTING_VALUE}\n        - {name: FOR_REMOVAL, value: FOR_REMOVAL_VALUE}\n',
    ),
    deployment(
      '  template:\n    spec:\n      containers:\n      - name: whatever\n        env:\n        - {name: FOR_REMOVAL, $patch: delete}\n        - {name: NOT_EXISTING_FOR_REMOVAL, $patch: delete}\n',
    ),
  );
  equal(podSpec(out).containers, [{ name: 'whatever', image: 'helloworld', env: [{ name: 'EXISTING', value: 'EXISTING_VALUE' }] }]);
});

test('deleting every element leaves an empty list (MultiplePatchesBothWithPatchDeleteDirective)', () => {
  const base = deployment('  template:\n    spec:\n      containers: [{name: nginx, image: nginx}, {name: sidecar}]\n');
  const once = merge(base, deployment('  template:\n    spec:\n      containers: [{$patch: delete, name: sidecar}]\n'));
  const twice = merge(once, deployment('  template:\n    spec:\n      containers: [{$patch: delete, name: nginx}]\n'));
  equal(podSpec(once).containers, [{ name: 'nginx', image: 'nginx' }]);
  equal(podSpec(twice).containers, []);
});

test('$patch: delete on a map removes it; at the root it deletes the resource', () => {
  const base = deployment('  replicas: 2\n  strategy: {type: Recreate}\n');
  equal(merge(base, deployment('  strategy: {$patch: delete}\n')).spec, { replicas: 2 });
  const root = y('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n$patch: delete\n');
  assert.is(strategicMerge(base, root), null);
});

test('$patch: replace replaces a map; on an existing list element kustomize keeps the base element', () => {
  // kyaml merges the element into a copy and then sets the base element back by its key.
  const base = deployment('  template:\n    metadata:\n      labels: {a: "1", b: "2"}\n    spec:\n      containers:\n      - {name: a, image: a, args: [x]}\n');
  const out = merge(
    base,
    deployment('  template:\n    metadata:\n      labels: {$patch: replace, c: "3"}\n    spec:\n      containers:\n      - {name: a, $patch: replace, image: b}\n      - {name: n, $patch: replace, image: n}\n'),
  );
  equal((((out.spec as JsonObject).template as JsonObject).metadata as JsonObject).labels, { c: '3' });
  equal(podSpec(out).containers, [{ name: 'a', image: 'a', args: ['x'] }, { name: 'n', image: 'n' }]);
});

test('a list element holding only $patch directs the whole list', () => {
  const base = deployment('  template:\n    spec:\n      containers: [{name: a}, {name: b}]\n      volumes: [{name: v}]\n');
  const replaced = merge(base, deployment('  template:\n    spec:\n      containers: [{$patch: replace}, {name: c}]\n'));
  equal(podSpec(replaced).containers, [{ name: 'c' }]);
  const deleted = merge(base, deployment('  template:\n    spec:\n      volumes: [{$patch: delete}]\n'));
  equal(podSpec(deleted).volumes, undefined);
  const merged = merge(base, deployment('  template:\n    spec:\n      volumes: [{$patch: merge}, {name: w}]\n'));
  equal(podSpec(merged).volumes, [{ name: 'w' }, { name: 'v' }]);
});

test('a root $patch: replace leaves the resource as it was, as in kustomize', () => {
  const base = deployment('  replicas: 2\n', '  labels: {a: b}\n');
  const out = merge(base, y('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n$patch: replace\nspec:\n  replicas: 5\n'));
  equal(out, base);
});

test('an unknown $patch value is an error naming the patch file', () => {
  const base = deployment('  strategy: {type: Recreate}\n  template:\n    spec:\n      volumes: [{name: v}]\n');
  try {
    strategicMerge(base, deployment('  strategy: {$patch: bogus}\n'), undefined, { file: 'patch.yaml' });
    assert.unreachable('merged');
  } catch (e) {
    assert.instance(e, KtsError);
    assert.is((e as KtsError).file, 'patch.yaml');
    assert.match((e as KtsError).message, "unknown patch strategy 'bogus'");
    assert.is((e as KtsError).field, 'spec.strategy.$patch');
  }
  assert.throws(() => strategicMerge(base, deployment('  template:\n    spec:\n      volumes: [{$patch: bogus}]\n')), /unknown patch strategy 'bogus'/);
});

test('$retainKeys, $setElementOrder and $deleteFromPrimitiveList are kept as plain fields, as kustomize does', () => {
  const out = merge(
    deployment('  template:\n    spec:\n      containers: [{name: a}, {name: b}]\n', '  finalizers: [a, b]\n'),
    deployment(
      '  template:\n    spec:\n      $setElementOrder/containers: [{name: b}, {name: a}]\n      $retainKeys: [containers]\n',
      '  $deleteFromPrimitiveList/finalizers: [a]\n',
    ),
  );
  equal(podSpec(out), {
    containers: [{ name: 'a' }, { name: 'b' }],
    '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }],
    $retainKeys: ['containers'],
  });
  equal((out.metadata as JsonObject)['$deleteFromPrimitiveList/finalizers'], ['a']);
  equal((out.metadata as JsonObject).finalizers, ['a', 'b']);
});

test('kinds without schema merge maps but replace lists (StrategicMergeTransformerNoSchema)', () => {
  const out = merge(
    y('apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: x\nspec:\n  a: 1\n  containers: [{name: a, image: a}]\n'),
    y('apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: x\nspec:\n  b: 2\n  containers: [{name: b}]\n'),
  );
  equal(out.spec, { a: 1, b: 2, containers: [{ name: 'b' }] });
});

test('a nested object naming a known apiVersion and kind merges with that kind\'s schema', () => {
  const out = merge(
    y('apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: x\nspec:\n  tpl:\n    apiVersion: apps/v1\n    kind: Deployment\n    spec:\n      template:\n        spec:\n          containers: [{name: a, image: a}]\n'),
    y('apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: x\nspec:\n  tpl:\n    spec:\n      template:\n        spec:\n          containers: [{name: b}]\n'),
  );
  equal(names(podSpec((out.spec as JsonObject).tpl as JsonObject).containers), ['b', 'a']);
});

test('API versions the v1.21.2 schema lacks have no merge keys; batch/v1beta1 CronJob has', () => {
  const old = (kind: string, apiVersion: string, path: string, inner: string) =>
    y(`apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: x\nspec:\n${path.replace('%', inner)}`);
  const ext = 'extensions/v1beta1';
  const dep = (c: string) => old('Deployment', ext, '  template:\n    spec:\n      containers: %\n', c);
  equal(podSpec(merge(dep('[{name: a}]'), dep('[{name: b}]'))).containers, [{ name: 'b' }]);
  const cron = (c: string) => old('CronJob', 'batch/v1beta1', '  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: %\n', c);
  const out = merge(cron('[{name: a, image: a}]'), cron('[{name: a, image: b}, {name: c}]'));
  const jobSpec = ((out.spec as JsonObject).jobTemplate as JsonObject).spec as JsonObject;
  equal(((jobSpec.template as JsonObject).spec as JsonObject).containers, [{ name: 'a', image: 'b' }, { name: 'c' }]);
});

test('elements without their merge key behave as in kyaml: they wipe keyed elements', () => {
  const out = merge(
    deployment('  template:\n    spec:\n      containers: [{image: nokey}, {name: b}, {name: c}]\n'),
    deployment('  template:\n    spec:\n      containers: [{name: d}]\n'),
  );
  equal(podSpec(out).containers, [{ image: 'nokey' }]);
  const patched = merge(deployment('  template:\n    spec:\n      containers: [{name: a}, {name: b}]\n'), deployment('  template:\n    spec:\n      containers: [{image: nokey}]\n'));
  equal(podSpec(patched).containers, []);
});

test('a map against a scalar is an error naming the field', () => {
  try {
    strategicMerge(deployment('  replicas: 2\n'), deployment('  replicas: {a: 1}\n'), undefined, { file: 'p.yaml' });
    assert.unreachable('merged');
  } catch (e) {
    assert.instance(e, KtsError);
    assert.is((e as KtsError).field, 'spec.replicas');
    assert.match((e as KtsError).message, 'expected ScalarNode but got MappingNode');
  }
});

test('a __proto__ key is merged as data', () => {
  const base = JSON.parse('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"__proto__":"a","k":"v"}}') as JsonObject;
  const patch = JSON.parse('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"__proto__":"b"}}') as JsonObject;
  const data = merge(base, patch).data as JsonObject;
  equal(Object.keys(data), ['__proto__', 'k']);
  assert.is(Object.getOwnPropertyDescriptor(data, '__proto__')?.value, 'b');
  assert.ok(isDataMap(data));
});

test('inputs are not modified', () => {
  const base = deployment('  template:\n    spec:\n      containers: [{name: a, env: [{name: X}]}]\n');
  const patch = deployment('  template:\n    spec:\n      containers: [{name: a, $patch: replace, env: [{name: Y, $patch: delete}]}]\n');
  const before = [JSON.stringify(base), JSON.stringify(patch)];
  merge(base, patch);
  equal([JSON.stringify(base), JSON.stringify(patch)], before);
});

test('applySmPatchToResource keeps the target name, namespace and kind unless allowed to change', () => {
  const target = deployment('  replicas: 1\n', '  namespace: prod\n');
  const patch = y('apiVersion: apps/v2\nkind: StatefulSet\nmetadata:\n  name: other\n  namespace: dev\nspec:\n  replicas: 3\n');
  const kept = applySmPatchToResource(target, patch)!;
  equal(kept, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'prod' }, spec: { replicas: 3 } });
  const renamed = applySmPatchToResource(target, patch, { allowNameChange: true, allowKindChange: true })!;
  equal(renamed.kind, 'StatefulSet');
  equal(renamed.metadata, { name: 'other', namespace: 'prod' });
  assert.is(renamed.apiVersion, 'apps/v1');
});

test('applySmPatchToResource merges a custom kind with the schema of the patch kind (PatchTransformerSmpSidecars)', () => {
  const target = y('apiVersion: apps/v1\nkind: MyKind\nmetadata:\n  name: myDeploy\nspec:\n  template:\n    spec:\n      containers: [{name: nginx, image: nginx}]\n');
  const patch = y('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: not-important\nspec:\n  template:\n    spec:\n      containers: [{name: istio-proxy}]\n');
  const out = applySmPatchToResource(target, patch)!;
  assert.is(out.kind, 'MyKind');
  equal((out.metadata as JsonObject).name, 'myDeploy');
  equal(names(podSpec(out).containers), ['istio-proxy', 'nginx']);
  assert.is(applySmPatchToResource(target, { ...patch, $patch: 'delete' }), null);
});

test.run();
