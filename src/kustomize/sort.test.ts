import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newResource, type Resource } from './resource.js';
import { compareBytes, sortResources } from './sort.js';

const r = (apiVersion: string, kind: string, name: string, namespace?: string): Resource =>
  newResource({ apiVersion, kind, metadata: namespace ? { name, namespace } : { name } });
const names = (rs: Resource[]): string[] => rs.map((x) => `${String(x.obj.kind)}/${String((x.obj.metadata as { name: string }).name)}`);

test('legacy order: orderFirst kinds first, orderLast kinds last, the rest by gvk then namespace and name', () => {
  const input = [
    r('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'v'),
    r('apps/v1', 'Deployment', 'b'),
    r('example.com/v1', 'Widget', 'w'),
    r('v1', 'Service', 's'),
    r('apps/v1', 'Deployment', 'a', 'z'),
    r('apps/v1', 'Deployment', 'a'),
    r('v1', 'Namespace', 'ns'),
    r('v1', 'ConfigMap', 'c'),
    r('batch/v1', 'Job', 'j'),
  ];
  assert.equal(names(sortResources(input, { order: 'legacy' })), [
    'Namespace/ns',
    'ConfigMap/c',
    'Service/s',
    'Deployment/a',
    'Deployment/a',
    'Deployment/b',
    'Job/j',
    'Widget/w',
    'ValidatingWebhookConfiguration/v',
  ]);
  // within a kind: namespace (unset sorts as ~X, after letters) then name; checked against kubectl kustomize
  const deps = sortResources(input, { order: 'legacy' }).filter((x) => x.obj.kind === 'Deployment');
  assert.equal(deps.map((x) => (x.obj.metadata as { namespace?: string }).namespace ?? ''), ['z', '', '']);
});

test('custom orderFirst/orderLast and fifo', () => {
  const input = [r('v1', 'Service', 's'), r('v1', 'ConfigMap', 'c'), r('apps/v1', 'Deployment', 'd')];
  assert.equal(names(sortResources(input, { order: 'legacy', legacySortOptions: { orderFirst: ['Deployment'], orderLast: ['ConfigMap'] } })), [
    'Deployment/d',
    'Service/s',
    'ConfigMap/c',
  ]);
  assert.equal(names(sortResources(input, { order: 'fifo' })), ['Service/s', 'ConfigMap/c', 'Deployment/d']);
});

test('the core Namespace sorts before Namespace kinds of other groups (checked with kubectl kustomize)', () => {
  const input = [r('x.io/v1', 'Namespace', 'a'), r('apps/v1', 'Deployment', 'd'), r('v1', 'Namespace', 'b'), r('a.io/v1', 'Namespace', 'c')];
  assert.equal(
    sortResources(input, { order: 'legacy' }).map((x) => `${String(x.obj.apiVersion)}/${String(x.obj.kind)}`),
    ['v1/Namespace', 'a.io/v1/Namespace', 'x.io/v1/Namespace', 'apps/v1/Deployment'],
  );
});

test('legacySortOptions replace the defaults whole: a list left out is empty (checked with kubectl kustomize)', () => {
  const input = [r('v1', 'Service', 's'), r('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'm'), r('v1', 'ConfigMap', 'c')];
  assert.equal(names(sortResources(input, { order: 'legacy', legacySortOptions: { orderFirst: ['Service'] } })), [
    'Service/s',
    'MutatingWebhookConfiguration/m',
    'ConfigMap/c',
  ]);
  assert.equal(names(sortResources(input, { order: 'legacy', legacySortOptions: {} })), ['MutatingWebhookConfiguration/m', 'ConfigMap/c', 'Service/s']);
});

test('invalid sortOptions are errors', () => {
  assert.throws(() => sortResources([], {}), /must be one of \[fifo, legacy\]/);
  assert.throws(() => sortResources([], { order: 'fifo', legacySortOptions: {} }), /not 'legacy'/);
});

test('compareBytes orders strings as Go does, by UTF-8 bytes (not UTF-16 units: an emoji sorts after U+FFFD)', () => {
  const words = ['', 'a', 'ab', 'b', 'B', '~G', 'z_', 'é', 'ée', 'ｅ', '\ufffd', '😀', '😀a', '\ud7ff', '\ue000', 'a😀', 'a\uffff'];
  const sign = (n: number): number => Math.sign(n);
  for (const x of words) {
    for (const y of words) assert.is(sign(compareBytes(x, y)), sign(Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8'))), `${x} vs ${y}`);
  }
});

test.run();
