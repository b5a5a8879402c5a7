// The pull-request comment for a realistic change to the example shop, pinned as a golden file
// (test/golden/diff-branch.md, read and found clear). The change: a new build (image tags), an
// edited nginx.conf (its ConfigMap gets a new hash name, the web Deployment follows) and a new
// database password (the Secret is renamed the same way; its values stay masked).
// UPDATE_GOLDEN=1 rewrites the golden file.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { computeChanges } from '../src/diff/changes.js';
import { formatMarkdown } from '../src/diff/format.js';
import { withoutBuildAnnotations } from '../src/diff/normalize.js';
import { renderEnvironment } from '../src/env/render.js';
import { repoRoot } from './helpers/paths.js';

const BRANCH = 'feature/JIRA-123_Add Payments';

function copyExample(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kts-diff-golden-'));
  for (const entry of ['kts.yaml', 'bases', 'overlays']) cpSync(join(repoRoot, entry), join(dir, entry), { recursive: true });
  return dir;
}

async function render(dir: string, commit: string, build: string) {
  const r = await renderEnvironment({ env: 'branch', configFile: join(dir, 'kts.yaml'), cwd: dir, environ: {}, flags: { branch: BRANCH, commit, build } });
  return r.resources.map((res) => withoutBuildAnnotations(res.obj));
}

test('markdown diff of a realistic change to the example app matches the golden file', async () => {
  const before = copyExample();
  const after = copyExample();
  try {
    const nginx = join(after, 'bases', 'app', 'nginx.conf');
    writeFileSync(nginx, readFileSync(nginx, 'utf8').replace('  client_max_body_size 20m;\n', '  client_max_body_size 50m;\n  gzip on;\n'));
    const pg = join(after, 'bases', 'postgres', 'credentials', 'kustomization.yaml');
    writeFileSync(pg, readFileSync(pg, 'utf8').replace('password=shop-ci-only', 'password=rotated-ci-only'));

    const changes = computeChanges(
      await render(before, '1f3a5c7e9b2d4f6a8c0e1f3a5c7e9b2d4f6a8c0e', '41'),
      await render(after, '2b4d6f8a0c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d', '42'),
    );
    const md = formatMarkdown(changes, { title: 'kts diff: branch against the deploy repository' });
    assert.not.ok(md.includes('shop-ci-only') || md.includes(Buffer.from('shop-ci-only').toString('base64')), 'secret value in the diff');
    const golden = join(repoRoot, 'test', 'golden', 'diff-branch.md');
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, md);
    assert.fixture(md, readFileSync(golden, 'utf8'));
  } finally {
    rmSync(before, { recursive: true, force: true });
    rmSync(after, { recursive: true, force: true });
  }
});

test.run();
