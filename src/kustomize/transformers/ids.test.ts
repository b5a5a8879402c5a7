import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { curId, orgId, previousIds, rename } from './ids.js';
import { resources } from './testing.js';

test('rename records the previous id; orgId is the first one', () => {
  const [r] = resources('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}');
  assert.equal(orgId(r!), curId(r!));
  rename(r!, { name: 'b' });
  rename(r!, { namespace: '' });
  assert.equal(r!.obj.metadata, { name: 'b' });
  assert.equal(r!.previous.map((id) => `${id.namespace}/${id.name}`), ['x/a', 'x/b']);
  assert.is(orgId(r!).name, 'a');
});

test('previous ids carry the current group and version, as kustomize records only kind/namespace/name', () => {
  const [r] = resources('apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: a}');
  rename(r!, { name: 'b' });
  r!.obj.apiVersion = 'apps/v1';
  assert.is(previousIds(r!)[0]!.version, 'v1');
  assert.is(orgId(r!).version, 'v1');
  assert.is(orgId(r!).name, 'a');
});

test.run();
