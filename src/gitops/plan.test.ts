import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { blobId } from './blob-id.js';
import { formatMetadata, METADATA_FILE, type PublishMetadata } from './metadata.js';
import { changeListing, planPublish } from './plan.js';

const meta = (build: string, renderedAt = '2026-01-01T10:00:00.000Z'): PublishMetadata => ({
  environment: 'ci',
  source: { commit: 'abc' },
  build,
  renderedAt,
  tool: 'kts 0',
  resources: 2,
});
const current = (files: Record<string, string>) => new Map(Object.entries(files).map(([k, v]) => [k, blobId(v)]));

test('blobId is what git hash-object gives', () => {
  assert.is(blobId(''), 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
  assert.is(blobId('hello\n'), 'ce013625030ba8dba906f756967f9e9ca394464a');
});

test('planPublish: added, changed, removed; unchanged files are kept by id', () => {
  const plan = planPublish({
    current: current({ 'a.yaml': 'a', 'b.yaml': 'b', 'gone.yaml': 'x', 'sub/old.yaml': 'y', [METADATA_FILE]: formatMetadata(meta('1')) }),
    desired: new Map([
      ['a.yaml', 'a'],
      ['b.yaml', 'B'],
      ['c.yaml', 'c'],
    ]),
    metadata: meta('2'),
  });
  assert.is(plan.status, 'changed');
  assert.equal([plan.added, plan.changed, plan.removed], [['c.yaml'], ['b.yaml'], ['gone.yaml', 'sub/old.yaml']]);
  if (plan.status !== 'changed') return;
  assert.equal(plan.files.get('a.yaml'), { oid: blobId('a') });
  assert.equal(plan.files.get('b.yaml'), { content: 'B' });
  assert.equal(plan.files.get(METADATA_FILE), { content: formatMetadata(meta('2')) });
  assert.equal([...plan.files.keys()].sort(), ['.kts-publish', 'a.yaml', 'b.yaml', 'c.yaml']);
});

test('planPublish: only the metadata differing is no change', () => {
  const plan = planPublish({
    current: current({ 'a.yaml': 'a', [METADATA_FILE]: formatMetadata(meta('1')) }),
    desired: new Map([['a.yaml', 'a']]),
    metadata: meta('2'),
  });
  assert.is(plan.status, 'unchanged');
});

test("planPublish: a folder of another app, environment or (per-branch) branch is refused", () => {
  const ours: PublishMetadata = { ...meta('2'), app: 'shop', branch: 'feature/x' };
  const plan = (theirs: PublishMetadata, perBranch = true) => () =>
    planPublish({ current: current({ 'a.yaml': 'a' }), currentMetadata: formatMetadata(theirs), desired: new Map([['a.yaml', 'b']]), metadata: ours, folder: 'ci/x', perBranch });
  assert.throws(plan({ ...ours, app: 'blog' }), /^ci\/x holds app 'blog', not 'shop'; refusing to overwrite it$/);
  assert.throws(plan({ ...ours, environment: 'branch' }), /holds environment 'branch', not 'ci'/);
  assert.throws(plan({ ...ours, branch: 'Feature/X' }), /holds branch 'Feature\/X', not 'feature\/x' \(their slugs collide\)/);
  assert.is(plan({ ...ours, branch: 'main' }, false)().status, 'changed', 'a fixed folder (production) takes any branch');
  assert.is(plan({ ...ours, build: '1' })().status, 'changed');
});

test('planPublish: a folder holding a newer render is superseded, not overwritten', () => {
  const newer = meta('12');
  const plan = planPublish({
    current: current({ 'a.yaml': 'new', [METADATA_FILE]: formatMetadata(newer) }),
    currentMetadata: formatMetadata(newer),
    desired: new Map([['a.yaml', 'old']]),
    metadata: meta('9'),
  });
  assert.is(plan.status, 'superseded');
  if (plan.status === 'superseded') assert.is(plan.newer.build, '12');
  const rollback = planPublish({
    current: current({ 'a.yaml': 'new', [METADATA_FILE]: formatMetadata(newer) }),
    currentMetadata: formatMetadata(newer),
    desired: new Map([['a.yaml', 'old']]),
    metadata: meta('9'),
    allowOlder: true,
  });
  assert.is(rollback.status, 'changed');
  assert.equal(rollback.changed, ['a.yaml']);
});

test('changeListing names files, bounded', () => {
  assert.equal(changeListing({ added: ['a'], changed: ['b'], removed: ['c'] }), ['+ a', '~ b', '- c']);
  const many = changeListing({ added: Array.from({ length: 60 }, (_, i) => `f${i}`), changed: [], removed: [] }, 50);
  assert.is(many.length, 51);
  assert.is(many[50], '… and 10 more');
});

test.run();
