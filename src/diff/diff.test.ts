import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonObject } from '../kustomize/resource.js';
import { computeChanges, hasDifferences, summarize } from './changes.js';
import { formatJson, formatMarkdown, formatTerminal } from './format.js';
import { maskSecrets } from './mask.js';
import { withoutServerFields } from './normalize.js';
import { unifiedDiff } from './unified.js';

const cm = (name: string, data: JsonObject, ns = 'shop'): JsonObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data });
const secret = (data: JsonObject): JsonObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, type: 'Opaque', data });

test('pairs objects by id and classifies added, changed, removed, unchanged', () => {
  const changes = computeChanges([cm('a', { x: '1' }), cm('b', { x: '1' }), cm('c', { x: '1' })], [cm('a', { x: '1' }), cm('b', { x: '2' }), cm('d', { x: '1' })]);
  assert.equal(changes.map((c) => [c.id.name, c.action]), [['a', 'unchanged'], ['b', 'changed'], ['c', 'removed'], ['d', 'added']]);
  assert.equal(summarize(changes), { added: 1, changed: 1, removed: 1, unchanged: 1 });
  assert.ok(hasDifferences(changes));
});

test('a re-ordered but equal map is unchanged; a re-ordered list is a change', () => {
  const before = { ...cm('a', { x: '1', y: '2' }), list: [1, 2] };
  const reordered = { list: [1, 2], metadata: { namespace: 'shop', name: 'a' }, data: { y: '2', x: '1' }, kind: 'ConfigMap', apiVersion: 'v1' };
  assert.is(computeChanges([before], [reordered])[0]!.action, 'unchanged');
  assert.is(computeChanges([before], [{ ...reordered, list: [2, 1] }])[0]!.action, 'changed');
  assert.not.ok(hasDifferences(computeChanges([before], [reordered])));
});

test('objects match across API versions (the cluster may answer in another one)', () => {
  const v1 = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' } };
  const v2 = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' } };
  assert.is(computeChanges([v1], [v2])[0]!.action, 'changed');
});

test('secret values are masked, changes still visible', () => {
  const [b, a] = maskSecrets(secret({ same: 'c2FtZQ==', changed: 'b2xk', gone: 'eA==' }), secret({ same: 'c2FtZQ==', changed: 'bmV3', added: 'eQ==' }));
  assert.equal(b!.data, { same: '***', changed: '*** (before)', gone: '*** (before)' });
  assert.equal(a!.data, { same: '***', changed: '*** (after)', added: '*** (after)' });
  const text = unifiedDiff(computeChanges([secret({ p: 'c2VjcmV0' })], [secret({ p: 'b3RoZXI=' })])[0]!);
  assert.not.ok(text.includes('c2VjcmV0') || text.includes('b3RoZXI='), text);
  assert.ok(text.includes('-  p: \'*** (before)\'') && text.includes('+  p: \'*** (after)\''), text);
});

test('the last-applied annotation of a Secret is dropped (it holds the values)', () => {
  const live = { ...secret({ p: 'eA==' }), metadata: { name: 'db', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"p":"eA=="}}' } } };
  const [b] = maskSecrets(live, undefined);
  assert.not.ok(JSON.stringify(b).includes('eA=='));
});

test('server-managed fields are ignored', () => {
  const live = { ...cm('a', { x: '1' }), status: { phase: 'x' }, metadata: { name: 'a', namespace: 'shop', uid: 'u', resourceVersion: '5', generation: 2, creationTimestamp: 't', managedFields: [] } };
  assert.equal(withoutServerFields(live), cm('a', { x: '1' }));
});

test('unified diff of a change shows both sides with context', () => {
  const text = unifiedDiff(computeChanges([cm('a', { x: '1', z: '2' })], [cm('a', { x: '1', z: '3' })])[0]!);
  assert.fixture(text, '--- a/v1 ConfigMap shop/a\n+++ b/v1 ConfigMap shop/a\n@@ -1,7 +1,7 @@\n apiVersion: v1\n data:\n   x: "1"\n-  z: "2"\n+  z: "3"\n kind: ConfigMap\n metadata:\n   name: a\n');
  assert.ok(unifiedDiff(computeChanges([], [cm('n', {})])[0]!).startsWith('--- /dev/null\n+++ b/v1 ConfigMap shop/n\n@@ -0,0 +1,6 @@\n'));
});

test('terminal output: summary, id list, colored diffs only when asked', () => {
  const changes = computeChanges([cm('a', { x: '1' })], [cm('a', { x: '2' }), cm('b', {})]);
  const plain = formatTerminal(changes, { title: 'ci against repo', color: false });
  assert.ok(plain.startsWith('ci against repo: 1 added, 1 changed, 0 removed, 0 unchanged\n\n  ~ v1 ConfigMap shop/a\n  + v1 ConfigMap shop/b\n'), plain);
  assert.not.ok(plain.includes('\x1b['));
  assert.ok(formatTerminal(changes, { title: 't', color: true }).includes('\x1b[32m+'));
});

test('markdown: summary table first, one details section per change, truncation within the limit', () => {
  const many = Array.from({ length: 60 }, (_, i) => cm(`cm-${i}`, { value: 'x'.repeat(2000) }));
  const changed = many.map((o) => ({ ...o, data: { value: 'y'.repeat(2000) } }));
  const md = formatMarkdown(computeChanges(many, changed), { title: 'kts diff' });
  assert.ok(md.length <= 65536, String(md.length));
  assert.ok(md.startsWith('### kts diff\n\n| added | changed | removed | unchanged |'));
  assert.match(md, /> \*\*Truncated:\*\* \d+ of 60 changed resources not shown/);
  const shown = (md.match(/<details>/g) ?? []).length;
  assert.ok(shown > 5 && shown < 60, String(shown));
  assert.ok(md.includes(`(${60 - shown} of 60`) || md.includes(`${60 - shown} of 60`));
  const small = formatMarkdown(computeChanges([cm('a', { x: '1' })], [cm('a', { x: '2' })]), { title: 't' });
  assert.not.ok(small.includes('Truncated'));
  assert.ok(small.includes('<details>\n<summary>~ v1 ConfigMap shop/a</summary>\n\n```diff\n'));
  assert.ok(formatMarkdown([], { title: 't' }).includes('No differences.'));
});

test('json output carries the summary and masked diffs', () => {
  const out = JSON.parse(formatJson(computeChanges([secret({ p: 'c2VjcmV0' })], [secret({ p: 'bmV3' })])));
  assert.equal(out.summary, { added: 0, changed: 1, removed: 0, unchanged: 0 });
  assert.is(out.changes[0].action, 'changed');
  assert.not.ok(out.changes[0].diff.includes('c2VjcmV0'));
});

test.run();
