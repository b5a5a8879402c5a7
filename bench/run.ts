// `npm run bench`: times `kts build` against `kubectl kustomize` (bench/build.ts: small overlays,
// a large CRD file, gen-tree scaling), then the publish and apply benchmarks.
// Flags: --quick (smaller sizes), --no-kubectl, --only build|publish|remote|apply.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchBuild } from './build.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = new Set(process.argv.slice(2));
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const quick = args.has('--quick');

function hasKubectl(): boolean {
  return !args.has('--no-kubectl') && spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

async function optional<T>(file: string, run: (mod: T) => Promise<void>): Promise<void> {
  const path = join(here, file);
  if (!existsSync(path)) {
    console.log(`(${file.replace('.js', '')} benchmark not available)`);
    return;
  }
  await run((await import(path)) as T);
}

async function main(): Promise<void> {
  if (!only || only === 'build') benchBuild({ quick, kubectl: hasKubectl() });
  if (!only || only === 'publish') {
    await optional<{ benchPublish(): Promise<{ firstMs: number; changeMs: number }> }>('publish.js', async (m) => {
      const r = await m.benchPublish();
      console.log(`publish 1,000 resources: first ${r.firstMs.toFixed(0)} ms, one-resource change ${r.changeMs.toFixed(0)} ms`);
    });
  }
  if (!only || only === 'remote') {
    await optional<{ benchRemote(kubectl: boolean): Promise<{ ktsFirstMs: number; ktsSecondMs: number; ktsOfflineMs: number; kubectlMs?: number }> }>('remote.js', async (m) => {
      const r = await m.benchRemote(hasKubectl());
      const k = r.kubectlMs === undefined ? '' : `; kubectl kustomize ${r.kubectlMs.toFixed(0)} ms every build`;
      console.log(`4 remote git bases: kts first ${r.ktsFirstMs.toFixed(0)} ms, second ${r.ktsSecondMs.toFixed(0)} ms, --offline ${r.ktsOfflineMs.toFixed(0)} ms${k}`);
    });
  }
  if (!only || only === 'apply') {
    await optional<{ benchApply(): Promise<{ firstMs: number; reapplyMs: number }> }>('apply.js', async (m) => {
      const r = await m.benchApply();
      console.log(`apply 1,000 objects to the test API server: first ${r.firstMs.toFixed(0)} ms, unchanged re-apply ${r.reapplyMs.toFixed(0)} ms`);
    });
  }
}

await main();
