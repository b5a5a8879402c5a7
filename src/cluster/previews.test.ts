import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonObject } from '../kustomize/resource.js';
import { parentFor, parentObject } from './applyset.js';
import { ANNOTATION_DEPLOYED_AT, belongsElsewhere, ENV_FIELD_MANAGER, ownershipGap, planGc, previewLabels, previewOf, previewSelector, previewTable, refusal, type Preview } from './previews.js';
import { parseLsRemote } from './git.js';

const H = 3_600_000;
const now = Date.parse('2026-11-22T12:00:00Z');
const iso = (t: number) => new Date(t).toISOString();
const namespace = (name: string, labels: Record<string, string>, annotations: Record<string, string> = {}, created = now - 10 * H): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels, annotations, creationTimestamp: iso(created) },
});
const preview = (name: string, branch: string, deployedHoursAgo: number, env = 'branch'): Preview =>
  previewOf(namespace(name, previewLabels('shop', env, branch.replace(/\//g, '-')), { 'kts.dev/branch-name': branch, [ANNOTATION_DEPLOYED_AT]: iso(now - deployedHoursAgo * H) }))!;

test('only labeled previews are previews; system and unlabeled namespaces are refused', () => {
  assert.match(refusal('kube-system', undefined) ?? '', /system namespace/);
  assert.match(refusal('default', namespace('default', previewLabels('shop', 'x', 'y'))) ?? '', /system namespace/);
  assert.match(refusal('plain', namespace('plain', {})) ?? '', /not a kts preview \(missing labels app.kubernetes.io\/managed-by, kts.dev\/app, kts.dev\/environment, kts.dev\/branch, kts.dev\/preview\)/);
  const production = namespace('shop', { 'app.kubernetes.io/managed-by': 'kts', 'kts.dev/environment': 'production', 'kts.dev/branch': 'master' });
  assert.match(refusal('shop', production) ?? '', /missing labels kts.dev\/app, kts.dev\/preview/);
  assert.match(refusal('helm', namespace('helm', { ...previewLabels('shop', 'a', 'b'), 'app.kubernetes.io/managed-by': 'Helm' })) ?? '', /managed by Helm/);
  assert.is(refusal('new', undefined), undefined, 'a namespace that does not exist yet may be created');
  assert.is(previewOf(production), undefined);
});

test('previewOf reads branch, commit, build and times', () => {
  const p = previewOf(
    namespace('preview-feat', previewLabels('shop', 'branch', 'feat-x-0123456789'), {
      'kts.dev/branch-name': 'feat/X',
      'kts.dev/commit': 'abc',
      'kts.dev/build': '7',
      [ANNOTATION_DEPLOYED_AT]: iso(now - H),
    }),
  )!;
  assert.equal(p, { namespace: 'preview-feat', app: 'shop', env: 'branch', branch: 'feat/X', slug: 'feat-x-0123456789', commit: 'abc', build: '7', created: now - 10 * H, lastDeploy: now - H, terminating: false });
  assert.is(previewOf(namespace('p2', previewLabels('shop', 'branch', 'main')))!.lastDeploy, now - 10 * H, 'falls back to creation time');
  assert.is(previewSelector('shop', 'branch'), 'app.kubernetes.io/managed-by=kts,kts.dev/preview=true,kts.dev/app=shop,kts.dev/environment=branch,kts.dev/branch');
  assert.is(previewSelector(undefined), 'app.kubernetes.io/managed-by=kts,kts.dev/preview=true,kts.dev/app,kts.dev/environment,kts.dev/branch');
});

test('gc removes gone branches, then stale previews, then the oldest beyond the count', () => {
  const all = [preview('p-main', 'main', 1), preview('p-a', 'feature/a', 100), preview('p-b', 'feature/b', 5), preview('p-c', 'feature/c', 50), preview('p-d', 'feature/d', 2)];
  const byAge = planGc(all, { now, maxAgeMs: 72 * H });
  assert.equal(byAge.remove.map((d) => [d.preview.namespace, d.reason]), [['p-a', 'last deployed 4d4h ago (max age 3d)']]);
  const byCount = planGc(all, { now, maxEnvs: 2 });
  assert.equal(byCount.remove.map((d) => d.preview.namespace), ['p-b', 'p-c', 'p-a']);
  assert.equal(byCount.keep.map((p) => p.namespace), ['p-main', 'p-d']);
  const byBranch = planGc(all, { now, liveBranches: new Set(['main', 'feature/b', 'feature/d']), maxAgeMs: 72 * H, maxEnvs: 2 });
  assert.equal(byBranch.remove.map((d) => [d.preview.namespace, d.reason]), [
    ['p-a', 'branch feature/a no longer exists'],
    ['p-c', 'branch feature/c no longer exists'],
    ['p-b', 'beyond the 2 most recently deployed previews'],
  ]);
  assert.equal(planGc(all, { now }).remove, [], 'no rule, no deletion');
});

test('a namespace is proven ours by our field manager on its labels and our ApplySet parent inside it, not by labels', () => {
  const labels = previewLabels('shop', 'branch', 'feat');
  const applied = (manager: string) => [{ manager, operation: 'Apply', fieldsV1: { 'f:metadata': { 'f:labels': Object.fromEntries(Object.keys(labels).map((k) => [`f:${k}`, {}])) } } }];
  const ns = (manager: string) => ({ ...namespace('preview-feat', labels, { 'kts.dev/branch-name': 'feat' }), metadata: { name: 'preview-feat', labels, annotations: { 'kts.dev/branch-name': 'feat' }, managedFields: applied(manager) } });
  const parent = parentFor('shop', 'branch', 'preview-feat');
  const ours = parentObject(parent, '1.0.0', [], []);
  assert.is(ownershipGap(ns(ENV_FIELD_MANAGER), parent, ours), undefined);
  assert.match(ownershipGap(ns('kubectl-label'), parent, ours) ?? '', /did not apply/);
  assert.match(ownershipGap(ns(ENV_FIELD_MANAGER), parent, undefined) ?? '', /holds no ApplySet parent/);
  assert.is(ownershipGap(ns(ENV_FIELD_MANAGER), parent, undefined, { parentOptional: true }), undefined);
  const forged = parentObject(parentFor('shop', 'other', 'preview-feat'), '1.0.0', [], []);
  assert.match(ownershipGap(ns(ENV_FIELD_MANAGER), parent, { ...forged, metadata: { ...(forged.metadata as object), name: parent.name } }) ?? '', /not kts's/);
  assert.match(belongsElsewhere(ns(ENV_FIELD_MANAGER), 'blog', 'branch') ?? '', /belongs to app 'shop', not 'blog'/);
  assert.match(belongsElsewhere(ns(ENV_FIELD_MANAGER), 'shop', 'ci') ?? '', /environment 'branch', not 'ci'/);
  assert.match(belongsElsewhere(ns(ENV_FIELD_MANAGER), 'shop', 'branch', 'Feat') ?? '', /belongs to branch 'feat', not 'Feat'/);
  assert.is(belongsElsewhere(ns(ENV_FIELD_MANAGER), 'shop', 'branch', 'feat'), undefined);
});

test('the list table shows every preview', () => {
  const table = previewTable([preview('p-b', 'feature/b', 5), preview('p-main', 'main', 1)], now);
  const lines = table.trimEnd().split('\n');
  assert.match(lines[0]!, /^NAMESPACE\s+APP\s+ENVIRONMENT\s+BRANCH\s+COMMIT\s+BUILD\s+AGE\s+LAST DEPLOY$/);
  assert.match(lines[1]!, /^p-b\s+shop\s+branch\s+feature\/b\s+-\s+-\s+10h\s+5h ago$/);
  assert.match(lines[2]!, /^p-main\s+shop\s+branch\s+main\s+/);
});

test('ls-remote output gives branch names', () => {
  assert.equal(parseLsRemote('abc\trefs/heads/main\ndef\trefs/heads/feature/x\n123\trefs/tags/v1\n'), ['main', 'feature/x']);
});

test.run();
