import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import {
  ANNOTATION_GROUP_KINDS,
  ANNOTATION_NAMESPACES,
  ANNOTATION_TOOLING,
  applySetId,
  groupKind,
  isMember,
  LABEL_ID,
  LABEL_PART_OF,
  parentConflict,
  parentFor,
  parentObject,
  parseGroupKind,
  readParent,
  withMemberLabel,
} from './applyset.js';

test('the id is base64url(sha256(name.namespace.kind.group)) without padding, in applyset-…-v1', () => {
  const id = applySetId('kts-applyset-ci', 'ci-main', 'Secret', '');
  const digest = createHash('sha256').update('kts-applyset-ci.ci-main.Secret.').digest();
  const b64 = digest.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  assert.is(id, `applyset-${b64}-v1`);
  assert.ok(/^applyset-[A-Za-z0-9_-]{43}-v1$/.test(id));
  assert.ok(id.length <= 63, 'fits a label value');
  assert.is.not(applySetId('kts-applyset-ci', 'other', 'Secret', ''), id);
});

test('parentFor names the Secret after app and environment and lives in its namespace', () => {
  const p = parentFor('shop', 'branch', 'preview-feat-x');
  assert.equal(p, { name: 'kts-applyset.shop.branch', namespace: 'preview-feat-x', kind: 'Secret', id: applySetId('kts-applyset.shop.branch', 'preview-feat-x', 'Secret', '') });
  assert.is.not(parentFor('shop-a', 'b', 'ns').id, parentFor('shop', 'a-b', 'ns').id, 'app and environment cannot run into each other');
  assert.is.not(parentFor('blog', 'ci', 'default').id, parentFor('shop', 'ci', 'default').id, 'two apps with the same environment name');
  const raw = parentFor('shop', 'overlays/ci', 'default');
  assert.match(raw.name, /^kts-applyset\.shop\.overlays-ci-[a-z2-7]{20}$/, 'a raw argument is never used as it is');
});

test('group-kinds use Kind for the core group and Kind.group otherwise', () => {
  assert.is(groupKind('', 'ConfigMap'), 'ConfigMap');
  assert.is(groupKind('apps', 'Deployment'), 'Deployment.apps');
  assert.equal(parseGroupKind('Ingress.networking.k8s.io'), { kind: 'Ingress', group: 'networking.k8s.io' });
  assert.equal(parseGroupKind('Secret'), { kind: 'Secret', group: '' });
});

test('the parent object lists sorted group-kinds and the other namespaces', () => {
  const p = parentFor('shop', 'ci', 'ci-main');
  const obj = parentObject(p, '1.2.3', ['Service', 'Deployment.apps', 'ConfigMap', 'Service'], ['ci-main', 'shared', 'a-ns']);
  const meta = obj.metadata as { labels: Record<string, string>; annotations: Record<string, string>; namespace: string };
  assert.is(meta.namespace, 'ci-main');
  assert.is(meta.labels[LABEL_ID], p.id);
  assert.is(meta.annotations[ANNOTATION_TOOLING], 'kts/v1.2.3');
  assert.is(meta.annotations[ANNOTATION_GROUP_KINDS], 'ConfigMap,Deployment.apps,Service');
  assert.is(meta.annotations[ANNOTATION_NAMESPACES], 'a-ns,shared');
  const state = readParent(obj, p);
  assert.equal(state.groupKinds, ['ConfigMap', 'Deployment.apps', 'Service']);
  assert.equal(state.namespaces, ['a-ns', 'ci-main', 'shared']);
  assert.is(parentConflict(state, p), undefined);
});

test('a parent owned by another tool, or with a wrong id, is refused', () => {
  const p = parentFor('shop', 'ci', 'ci-main');
  assert.match(parentConflict({ tooling: 'kubectl/v1.32.4', id: p.id, groupKinds: [], namespaces: [] }, p) ?? '', /managed by tooling "kubectl"/);
  assert.match(parentConflict({ id: p.id, groupKinds: [], namespaces: [] }, p) ?? '', /without the applyset.kubernetes.io\/tooling/);
  assert.match(parentConflict({ tooling: 'kts/v0.1.0', id: 'applyset-x-v1', groupKinds: [], namespaces: [] }, p) ?? '', /expected applyset-/);
});

test('member labels are added on a copy', () => {
  const p = parentFor('shop', 'ci', 'ns');
  const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: 'b' } } };
  const labeled = withMemberLabel(obj, p);
  assert.equal((labeled.metadata as { labels: object }).labels, { a: 'b', [LABEL_PART_OF]: p.id });
  assert.equal(obj.metadata.labels, { a: 'b' });
  assert.ok(isMember(labeled, p));
  assert.not.ok(isMember(obj, p));
  assert.not.ok(isMember(withMemberLabel(obj, parentFor('shop', 'other', 'ns')), p));
});

test.run();
