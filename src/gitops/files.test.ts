import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newResource, type JsonObject } from '../kustomize/resource.js';
import { KtsError } from '../errors.js';
import { checkFolder, fileNames, folderForRender, resolveFolder } from './files.js';

const res = (apiVersion: string, kind: string, name: string, namespace?: string) =>
  newResource({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } } as JsonObject);

test('fileNames: <kind>-<name>.yaml, lowercase', () => {
  assert.equal(fileNames([res('apps/v1', 'Deployment', 'web'), res('rbac.authorization.k8s.io/v1', 'ClusterRole', 'System:Reader')]), [
    'deployment-web.yaml',
    'clusterrole-system_reader.yaml',
  ]);
});

test('fileNames: the namespace, then the group, then a hash only where names would clash', () => {
  const names = fileNames([
    res('v1', 'ConfigMap', 'cfg', 'a'),
    res('v1', 'ConfigMap', 'cfg', 'b'),
    res('v1', 'Service', 'web', 'a'),
    res('cert-manager.io/v1', 'Certificate', 'tls', 'a'),
    res('other.example/v1', 'Certificate', 'tls', 'a'),
    res('v1', 'Secret', 'Key', 'a'),
    res('v1', 'Secret', 'key', 'a'),
  ]);
  assert.equal(names.slice(0, 5), [
    'configmap-a-cfg.yaml',
    'configmap-b-cfg.yaml',
    'service-web.yaml',
    'certificate.cert-manager.io-a-tls.yaml',
    'certificate.other.example-a-tls.yaml',
  ]);
  // Names that differ only in case stay apart through a short id hash.
  assert.match(names[5]!, /^secret-key-[0-9a-f]{8}\.yaml$/);
  assert.match(names[6]!, /^secret-key-[0-9a-f]{8}\.yaml$/);
  assert.is.not(names[5], names[6]);
  assert.is(new Set(names).size, names.length);
});

test('fileNames: two resources with the same id are an error', () => {
  assert.throws(() => fileNames([res('v1', 'ConfigMap', 'x'), res('v1', 'ConfigMap', 'x')]), (e: unknown) => e instanceof KtsError && /two resources/.test(e.message));
});

test('resolveFolder: placeholders, and nothing outside the repository', () => {
  assert.is(resolveFolder('<env>/<branch-slug>', { env: 'ci', 'branch-slug': 'feature-x' }), 'ci/feature-x');
  assert.is(resolveFolder('clusters/dev/<namespace>/', { env: 'ci', namespace: 'ci-x' }), 'clusters/dev/ci-x');
  assert.throws(() => resolveFolder('<env>/<branch>', { env: 'ci' }), /unknown placeholder <branch>/);
  assert.throws(() => resolveFolder('<env>/<namespace>', { env: 'ci' }), /has no namespace/);
  for (const bad of ['../x', '/abs', '.', 'a/.git/b', '']) assert.throws(() => checkFolder(bad), /not a folder inside the deploy repository/, bad);
});

test('folderForRender: <env>/<branch-slug>, or <env> for a fixed namespace', () => {
  const ci = { envName: 'ci', config: {}, context: { slug: 'feature-x' }, namespace: 'ci-feature-x' };
  const prod = { envName: 'production', config: { namespace: 'shop' }, context: { slug: 'master' }, namespace: 'shop' };
  assert.is(folderForRender(undefined, ci), 'ci/feature-x');
  assert.is(folderForRender(undefined, prod), 'production');
  assert.is(folderForRender('<env>/<branch-slug>', prod), 'production/master');
});

test.run();
