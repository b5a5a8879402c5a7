// `kts publish` of a 1,000-resource environment through the CLI against the real git test server
// (git http-backend): a first publish into an empty deploy repository with a cold cache, then a
// change to one resource with the cache warm. Median of three runs each, render included.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGitServer, type GitServer } from '../test/git-server.js';

// The shipped bundle, as bench/run.ts times it.
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'cli.js');
const RESOURCES = 1000;
const RUNS = 3;

function manifests(changed: boolean): string {
  const docs: string[] = [];
  for (let i = 0; i < RESOURCES / 4; i++) {
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
spec:
  replicas: 2
  selector:
    matchLabels: {app: app-${i}}
  template:
    metadata:
      labels: {app: app-${i}}
    spec:
      containers:
      - name: app
        image: registry.example.test/app-${i}:1.0
        ports:
        - containerPort: 8080
        envFrom:
        - configMapRef: {name: app-${i}}
`);
    docs.push(`apiVersion: v1
kind: Service
metadata:
  name: app-${i}
spec:
  selector: {app: app-${i}}
  ports:
  - port: 80
    targetPort: 8080
`);
    docs.push(`apiVersion: v1
kind: ConfigMap
metadata:
  name: app-${i}
data:
  LOG_LEVEL: ${changed && i === 0 ? 'debug' : 'info'}
  FEATURE: "on"
`);
    docs.push(`apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: app-${i}
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: app-${i}}
`);
  }
  return docs.join('---\n');
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`kts ${args[0]} failed: ${stderr}`))));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchPublish(): Promise<{ firstMs: number; changeMs: number }> {
  const work = mkdtempSync(join(tmpdir(), 'kts-bench-publish-'));
  let server: GitServer | undefined;
  try {
    server = await startGitServer();
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'kustomization.yaml'), 'resources:\n- all.yaml\n');
    const first: number[] = [];
    const change: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      server.createRepo(`deploy-${i}`, { files: { 'README.md': 'deploy\n' } });
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: work,
        KTS_GIT_TOKEN: server.password,
        KTS_GIT_USERNAME: server.username,
        KTS_CACHE_DIR: join(work, `cache-${i}`),
      };
      const args = ['publish', app, '--repo', server.repoUrl(`deploy-${i}`), '--branch', 'bench', '--commit', 'abcdef1', '--build', '1', '--domain', 'example.test'];
      writeFileSync(join(app, 'all.yaml'), manifests(false));
      first.push(await run(args, env));
      writeFileSync(join(app, 'all.yaml'), manifests(true));
      change.push(await run(args, env));
    }
    return { firstMs: median(first), changeMs: median(change) };
  } finally {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  }
}
