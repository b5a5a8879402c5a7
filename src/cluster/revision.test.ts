import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import type { JsonObject } from '../kustomize/resource.js';
import { parentFor } from './applyset.js';
import { describeRevision, parseRevision, revisionName, revisionSecret } from './revision.js';

const parent = parentFor('shop', 'production', 'shop');
const web: JsonObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', annotations: { 'kts.dev/build': '10', 'kts.dev/commit': '1010101010101010' } } };
const creds: JsonObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'shop' }, data: { password: 'c2VjcmV0' } };

test('a revision round-trips through its Secret beside the parent, naming build and commit', () => {
  const secret = revisionSecret(parent, [web, creds], new Date('2026-01-02T03:04:05Z'))!;
  assert.is((secret.metadata as JsonObject).name, revisionName(parent));
  assert.is(revisionName(parent), 'kts-applyset.shop.production-revision');
  assert.not.ok(JSON.stringify(secret).includes('c2VjcmV0'), 'the objects are stored compressed, not as readable text');
  const back = parseRevision(secret, parent)!;
  assert.equal(back.resources.map((r) => r.obj), [web, creds]);
  assert.is(describeRevision(back), 'build 10, commit 101010101010');
  assert.is(describeRevision({ resources: [], appliedAt: 'x' }), 'the revision applied at x');
});

test("another set's record, a hand-made Secret and a too large revision are not revisions", () => {
  const secret = revisionSecret(parent, [web], new Date())!;
  assert.is(parseRevision(secret, parentFor('shop', 'production', 'other')), undefined);
  assert.is(parseRevision({ metadata: { annotations: { 'kts.dev/applyset': parent.id } }, data: { 'objects.json.gz': 'bm90IGd6aXA=' } }, parent), undefined);
  const huge: JsonObject = { ...creds, data: { blob: randomBytes(1200 * 1024).toString('base64') } };
  assert.is(revisionSecret(parent, [huge], new Date()), undefined);
});

test.run();
