// Remote bases: a kustomization over four git bases (each a repository of 300 files, 50 of them
// resources) served by the real git test server, built by kts with a cold cache (first build), with
// the cache warm (second build: refs resolved, nothing cloned) and --offline, against kubectl
// kustomize, which clones every base on every build. Median of three runs each.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitIn, startGitServer } from '../test/git-server.js';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'cli.js');
const BASES = 4;
const RUNS = 3;

export interface RemoteBench {
  ktsFirstMs: number;
  ktsSecondMs: number;
  ktsOfflineMs: number;
  kubectlMs?: number;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, maxBuffer: 1 << 28 }, (e, _out, stderr) => {
      if (e) reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr.split('\n')[0]}`));
      else resolve(Number(process.hrtime.bigint() - start) / 1e6);
    });
  });
}

async function median(times: () => Promise<number>): Promise<number> {
  const all: number[] = [];
  for (let i = 0; i < RUNS; i++) all.push(await times());
  return all.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

function repoFiles(b: number): Record<string, string> {
  const files: Record<string, string> = {};
  const docs: string[] = [];
  for (let i = 0; i < 50; i++) docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base${b}-cm${i}\ndata:\n  key: value-${i}\n`);
  files['deploy/kustomization.yaml'] = `resources:\n- resources.yaml\nnamePrefix: b${b}-\n`;
  files['deploy/resources.yaml'] = docs.join('---\n');
  // The rest of a typical repository: sources and docs a build never reads but a clone fetches.
  for (let i = 0; i < 300; i++) files[`src/pkg${i % 20}/file${i}.go`] = `package pkg\n\n// ${'x'.repeat(2000)}\nconst N${i} = ${i}\n`;
  return files;
}

export async function benchRemote(kubectl: boolean): Promise<RemoteBench> {
  const server = await startGitServer();
  const work = mkdtempSync(join(tmpdir(), 'kts-bench-remote-'));
  try {
    const resources: string[] = [];
    for (let b = 0; b < BASES; b++) {
      const repo = server.createRepo(`base${b}`, { files: repoFiles(b) });
      gitIn(repo, ['tag', 'v1', 'main']);
      resources.push(`- ${server.repoUrl(`base${b}`)}//deploy?ref=v1`);
    }
    writeFileSync(join(work, 'kustomization.yaml'), `resources:\n${resources.join('\n')}\nnamespace: bench\n`);
    const auth = `Basic ${Buffer.from(`${server.username}:${server.password}`).toString('base64')}`;
    const env = {
      ...process.env,
      KTS_GIT_TOKEN: server.password,
      KTS_GIT_USERNAME: server.username,
      KTS_GIT_TOKEN_HOSTS: new URL(server.base).host,
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: ${auth}`,
    };
    let cold = 0;
    const ktsFirstMs = await median(() => run('node', [cli, 'build', work], { ...env, KTS_CACHE_DIR: join(work, `.cold${cold++}`) }));
    const warm = { ...env, KTS_CACHE_DIR: join(work, '.cold0') };
    const ktsSecondMs = await median(() => run('node', [cli, 'build', work], warm));
    const ktsOfflineMs = await median(() => run('node', [cli, 'build', work, '--offline'], warm));
    const kubectlMs = kubectl ? await median(() => run('kubectl', ['kustomize', work], env)) : undefined;
    return { ktsFirstMs, ktsSecondMs, ktsOfflineMs, kubectlMs };
  } finally {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
}
