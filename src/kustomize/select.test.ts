import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newResource, type Resource } from './resource.js';
import { ResMap } from './resmap.js';
import { parseLabelSelector, selectResources } from './select.js';

const res = (kind: string, name: string, labels: Record<string, string> = {}, namespace?: string): Resource =>
  newResource({ apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1', kind, metadata: { name, labels, ...(namespace ? { namespace } : {}) } });

const list = [res('Deployment', 'web', { app: 'web', tier: 'front' }), res('Deployment', 'web-canary', { app: 'web' }), res('Service', 'web', {}, 'prod')];
const names = (rs: Resource[]) => rs.map((r) => `${String(r.obj.kind)}/${String((r.obj.metadata as { name: string }).name)}`);

test('name, kind, group and version are regexes anchored at both ends', () => {
  assert.equal(names(selectResources(list, { name: 'web' })), ['Deployment/web', 'Service/web']);
  assert.equal(names(selectResources(list, { name: 'web.*', kind: 'Deploy' })), []);
  assert.equal(names(selectResources(list, { name: 'web.*', kind: 'Deploy.*' })), ['Deployment/web', 'Deployment/web-canary']);
  assert.equal(names(selectResources(list, { group: 'apps', version: 'v1' })), ['Deployment/web', 'Deployment/web-canary']);
});

test('namespace `default` matches resources without one', () => {
  assert.equal(names(selectResources(list, { namespace: 'default' })), ['Deployment/web', 'Deployment/web-canary']);
  assert.equal(names(selectResources(list, { namespace: 'prod' })), ['Service/web']);
});

test('name matches the original name as well as the current one', () => {
  const renamed = res('Deployment', 'p-web');
  renamed.previous.push({ group: 'apps', version: 'v1', kind: 'Deployment', namespace: '', name: 'web' });
  assert.equal(names(selectResources([renamed], { name: 'web' })), ['Deployment/p-web']);
});

test('from a ResMap, a plain name is looked up by name and gives what a scan gives, in list order', () => {
  const renamed = res('Service', 'p-web');
  renamed.previous.push({ group: '', version: 'v1', kind: 'Service', namespace: '', name: 'web' });
  const all = [res('Deployment', 'web'), res('Deployment', 'web-canary'), renamed, res('ConfigMap', 'web')];
  const rm = new ResMap(all);
  for (const selector of [{ name: 'web' }, { name: 'p-web' }, { name: 'web', kind: 'Service' }, { name: 'web.*' }, { name: 'nothing' }, { name: 'toString' }]) {
    assert.equal(names(selectResources(rm, selector)), names(selectResources(all, selector)), JSON.stringify(selector));
  }
  assert.equal(names(selectResources(rm, { name: 'web' })), ['Deployment/web', 'Service/p-web', 'ConfigMap/web']);
});

test('label selectors: equality, inequality, set-based and existence', () => {
  assert.equal(names(selectResources(list, { labelSelector: 'app=web,tier=front' })), ['Deployment/web']);
  assert.equal(names(selectResources(list, { labelSelector: 'app==web,tier!=front' })), ['Deployment/web-canary']);
  assert.equal(names(selectResources(list, { labelSelector: 'tier in (front, back)' })), ['Deployment/web']);
  assert.equal(names(selectResources(list, { labelSelector: 'tier notin (front)' })), ['Deployment/web-canary', 'Service/web']);
  assert.equal(names(selectResources(list, { labelSelector: '!tier' })), ['Deployment/web-canary', 'Service/web']);
  assert.equal(names(selectResources(list, { labelSelector: 'app' })), ['Deployment/web', 'Deployment/web-canary']);
  assert.throws(() => parseLabelSelector('a=b,,'), /invalid label selector/);
});

test.run();
