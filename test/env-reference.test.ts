// The example overlays against kustomize itself (kubectl kustomize): they build without kts, and
// the golden files equal what kustomize produces for the same layered kustomization, with the
// post-build steps (Ingress hosts, ownership) applied. UPDATE_GOLDEN=1 rewrites the golden files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { hasProgram } from './helpers/cli.js';
import { repoRoot } from './helpers/paths.js';
import { renderEnvironment } from '../src/env/render.js';
import { kubectlBuilder, kubectlSerialize } from './env-kubectl.js';
import { GOLDEN_ENVS, GOLDEN_FLAGS, goldenFile } from './env-fixtures.js';
import { plain } from '../src/kustomize/testing.js';
import type { Json } from '../src/kustomize/resource.js';

const kubectl = hasProgram('kubectl');
if (!kubectl) console.log('env-reference: kubectl not found, kustomize reference checks skipped');
const maybe = kubectl ? test : test.skip;

maybe('every overlay builds with kubectl kustomize, without kts', () => {
  for (const o of ['ci', 'branch', 'production']) {
    const r = spawnSync('kubectl', ['kustomize', join(repoRoot, 'overlays', o)], { encoding: 'utf8' });
    assert.is(r.status, 0, `${o}: ${r.stderr}`);
    assert.match(r.stdout, /kind: Deployment/);
  }
});

for (const env of GOLDEN_ENVS) {
  maybe(`golden render-${env}.yaml is what kustomize produces for the layered ${env} overlay`, async () => {
    const rendered = await renderEnvironment({ env, flags: GOLDEN_FLAGS[env], environ: {}, cwd: repoRoot, builder: kubectlBuilder });
    const reference = kubectlSerialize(rendered.resources);
    const file = goldenFile(env);
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, reference);
    }
    assert.fixture(reference, readFileSync(file, 'utf8'));
  });
}

maybe('the shared-backends component removes the per-branch servers and names a database per branch', async () => {
  const r = await renderEnvironment({ env: 'branch-shared', flags: GOLDEN_FLAGS.branch, environ: {}, cwd: repoRoot, builder: kubectlBuilder });
  const kinds = r.resources.map((x) => `${x.obj.kind}/${(x.obj.metadata as { name: string }).name}`);
  for (const gone of ['StatefulSet/postgres', 'Service/postgres', 'Deployment/elasticsearch', 'Service/elasticsearch', 'PersistentVolumeClaim/elasticsearch-data']) {
    assert.not.ok(kinds.includes(gone), gone);
  }
  assert.ok(kinds.includes('Job/create-database'));
  const config = r.resources.find((x) => x.obj.kind === 'ConfigMap' && (x.obj.metadata as { name: string }).name.startsWith('app-config-'))!;
  const data = config.obj.data as Record<string, string>;
  assert.is(data.DATABASE_HOST, 'postgres.shared-services.svc.cluster.local');
  assert.is(data.DATABASE_NAME, `shop_${r.context.slug.replace(/-/g, '_')}`);
  assert.is(data.ELASTICSEARCH_INDEX_PREFIX, r.context.slug);
  const quota = r.resources.find((x) => x.obj.kind === 'ResourceQuota')!;
  assert.equal(plain((quota.obj.spec as { hard: Json }).hard), { 'limits.memory': '3Gi', persistentvolumeclaims: '0', 'requests.cpu': '1', 'requests.memory': '2Gi' });
});

test.run();
