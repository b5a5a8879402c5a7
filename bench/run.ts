// `npm run bench`: times `kts build` against `kubectl kustomize` on generated trees (start-up,
// scaling with the number of resources, large CRD files), then the publish and apply benchmarks.
// Flags: --quick (smaller sizes), --no-kubectl, --only build|publish|apply.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'bin', 'cli.js');
const args = new Set(process.argv.slice(2));
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const quick = args.has('--quick');

function hasKubectl(): boolean {
  return !args.has('--no-kubectl') && spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

/** Median wall time in ms of `runs` executions; undefined when the command fails. */
function time(cmd: string, argv: string[], runs: number): number | undefined {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
    if (r.status !== 0) {
      process.stderr.write(`bench: ${cmd} ${argv.join(' ')} failed: ${r.stderr?.toString().split('\n')[0]}\n`);
      return undefined;
    }
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function deployment(i: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  labels:
    app: app-${i}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: app-${i}
  template:
    metadata:
      labels:
        app: app-${i}
    spec:
      containers:
      - name: main
        image: registry.example.com/app:${i}
        envFrom:
        - configMapRef:
            name: settings
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: app-${i}
spec:
  selector:
    app: app-${i}
  ports:
  - port: 80
    targetPort: 8080
`;
}

/** A base with `n` resources (Deployments and Services) and an overlay that transforms them. */
function scalingTree(root: string, n: number): string {
  mkdirSync(join(root, 'base'), { recursive: true });
  mkdirSync(join(root, 'overlay'), { recursive: true });
  const docs: string[] = [];
  for (let i = 0; i < n / 2; i++) docs.push(deployment(i));
  writeFileSync(join(root, 'base', 'resources.yaml'), docs.join('---\n'));
  writeFileSync(
    join(root, 'base', 'kustomization.yaml'),
    'resources:\n- resources.yaml\nconfigMapGenerator:\n- name: settings\n  literals:\n  - LOG_LEVEL=info\n',
  );
  writeFileSync(
    join(root, 'overlay', 'kustomization.yaml'),
    [
      'resources:\n- ../base',
      'namespace: bench',
      'namePrefix: ci-',
      'labels:\n- pairs:\n    env: ci\n  includeSelectors: true',
      'images:\n- name: registry.example.com/app\n  newTag: "2.0"',
      'patches:\n- target:\n    kind: Deployment\n  patch: |-\n    - op: replace\n      path: /spec/replicas\n      value: 2',
    ].join('\n') + '\n',
  );
  return join(root, 'overlay');
}

/** One kustomization over `crds` CustomResourceDefinitions with large schemas (several MB). */
function crdTree(root: string, crds: number): string {
  mkdirSync(root, { recursive: true });
  const docs: string[] = [];
  for (let i = 0; i < crds; i++) {
    let props = '';
    for (let j = 0; j < 300; j++) {
      props += `                field${j}:\n                  description: Field ${j} of thing ${i}; a long description of what it does, which wraps past eighty columns in the output.\n                  type: string\n`;
    }
    docs.push(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things${i}.example.com
spec:
  group: example.com
  names:
    kind: Thing${i}
    plural: things${i}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
${props.replace(/^ {16}/gm, '              ')}`);
  }
  writeFileSync(join(root, 'crds.yaml'), docs.join('---\n'));
  writeFileSync(join(root, 'kustomization.yaml'), 'resources:\n- crds.yaml\n');
  return root;
}

function row(label: string, ours: number | undefined, theirs: number | undefined): void {
  const f = (v: number | undefined): string => (v === undefined ? 'n/a' : `${v.toFixed(0)} ms`);
  const ratio = ours !== undefined && theirs !== undefined ? `${(theirs / ours).toFixed(1)}x` : '';
  console.log(`${label.padEnd(34)} ${f(ours).padStart(10)} ${f(theirs).padStart(12)} ${ratio.padStart(8)}`);
}

async function benchBuild(): Promise<void> {
  const kubectl = hasKubectl();
  const work = mkdtempSync(join(tmpdir(), 'kts-bench-'));
  try {
    console.log(`${'build'.padEnd(34)} ${'kts'.padStart(10)} ${'kubectl'.padStart(12)} ${'speed-up'.padStart(8)}`);
    const tiny = scalingTree(join(work, 'tiny'), 2);
    row('start-up (2 resources)', time('node', [cli, 'build', tiny], 9), kubectl ? time('kubectl', ['kustomize', tiny], 9) : undefined);
    // kubectl kustomize is quadratic: 5,000 resources take it about 16 minutes, so it is only
    // timed up to 1,000 here.
    for (const n of quick ? [100, 1000] : [100, 1000, 5000, 20000]) {
      const dir = scalingTree(join(work, `n${n}`), n);
      const runs = n <= 1000 ? 3 : 1;
      row(`${n} resources (overlay)`, time('node', [cli, 'build', dir], runs), kubectl && n <= 1000 ? time('kubectl', ['kustomize', dir], 1) : undefined);
    }
    const crds = crdTree(join(work, 'crds'), quick ? 20 : 60);
    row(`${quick ? 20 : 60} large CRDs (~${quick ? 1.3 : 4} MB)`, time('node', [cli, 'build', crds], 3), kubectl ? time('kubectl', ['kustomize', crds], 3) : undefined);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
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
  if (!only || only === 'build') await benchBuild();
  if (!only || only === 'publish') {
    await optional<{ benchPublish(): Promise<{ firstMs: number; changeMs: number }> }>('publish.js', async (m) => {
      const r = await m.benchPublish();
      console.log(`publish 1,000 resources: first ${r.firstMs.toFixed(0)} ms, one-resource change ${r.changeMs.toFixed(0)} ms`);
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
