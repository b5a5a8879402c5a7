import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { filesForDirectory } from './output.js';
import { newResource } from './resource.js';

test('-o DIR file names: gvk without empty parts, then the name (even empty), lower-cased; namespace prefix only when there are several (checked with kubectl)', () => {
  const rs = [
    newResource({ apiVersion: 'v1', kind: 'FooList', spec: {}, metadata: {} }),
    newResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'UPPER', namespace: 'NS1' } }),
    newResource({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } }),
  ];
  assert.equal(
    filesForDirectory(rs).map((f) => f.name),
    ['default_v1_foolist_.yaml', 'ns1_v1_configmap_upper.yaml', 'rbac.authorization.k8s.io_v1_clusterrole_r.yaml'],
  );
  assert.equal(
    filesForDirectory(rs.slice(1)).map((f) => f.name),
    ['v1_configmap_upper.yaml', 'rbac.authorization.k8s.io_v1_clusterrole_r.yaml'],
  );
});

test.run();
