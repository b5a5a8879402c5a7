import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultTransformerConfig } from '../fieldspec/defaults.js';
import { ResMap } from '../resmap.js';
import { transformReplicaCount } from './replicas.js';
import { resources } from './testing.js';

test('sets replicas on the named workload, by current or previous name', () => {
  const rs = resources(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: p-web}
spec: {replicas: 1}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
`);
  rs[0]!.previous.push({ group: 'apps', version: 'v1', kind: 'Deployment', namespace: '', name: 'web' });
  const fieldSpecs = defaultTransformerConfig().replicas;
  transformReplicaCount(new ResMap(rs), { replica: { name: 'web', count: 3 }, fieldSpecs });
  transformReplicaCount(new ResMap(rs), { replica: { name: 'db', count: 0 }, fieldSpecs });
  assert.equal((rs[0]!.obj.spec as any).replicas, 3);
  assert.equal((rs[1]!.obj.spec as any).replicas, 0);
});

test('no matching resource is an error naming the gvks', () => {
  const rs = resources('kind: Service\nmetadata: {name: service}');
  assert.throws(
    () => transformReplicaCount(new ResMap(rs), { replica: { name: 'service', count: 3 }, fieldSpecs: [{ path: 'spec/replicas', kind: 'Deployment', create: true }] }),
    /resource with name service does not match a config with the following GVK \[Deployment\.\[noVer\]\.\[noGrp\]\]/,
  );
});

test.run();
