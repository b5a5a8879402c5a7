// A small project for the publish tests: kts.yaml with a per-branch `ci` environment and a
// fixed-namespace `production`, both over one kustomization (Deployment, Service, ConfigMap, Secret).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'uvu';
import { startGitServer, type GitServer } from './git-server.js';
import { hasProgram, neverPrinted } from './helpers/cli.js';

export const SECRET_VALUE = 'hunter2-do-not-print';
neverPrinted(SECRET_VALUE);

/** The app's kustomization: a Deployment, optionally a Service, a ConfigMap (MODE) and a Secret (PASSWORD). */
export function appKustomization(opts: { service?: boolean; mode?: string; password?: string } = {}): string {
  return `resources:
- deployment.yaml
${opts.service === false ? '' : '- service.yaml\n'}configMapGenerator:
- name: settings
  literals:
  - MODE=${opts.mode ?? 'fast'}
  options:
    disableNameSuffixHash: true
secretGenerator:
- name: credentials
  literals:
  - PASSWORD=${opts.password ?? SECRET_VALUE}
  options:
    disableNameSuffixHash: true
`;
}

/** The app's Deployment (no replicas: the server's default applies). */
export const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: shop/web
      - name: sidecar
        image: busybox:1.36
`;

const files: Record<string, string> = {
  'kts.yaml': `apiVersion: kts.dev/v1alpha1
kind: Environments
app: shop
major: "1"
domain: example.test
images:
- name: shop/web
  newName: registry.example.test/shop/web
environments:
  ci:
    overlay: app
    namespacePrefix: ci
  production:
    overlay: app
    namespace: shop
`,
  'app/kustomization.yaml': appKustomization(),
  'app/deployment.yaml': DEPLOYMENT,
  'app/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
`,
};

export interface Project {
  dir: string;
  write(path: string, content: string): void;
  remove(path: string): void;
  cleanup(): void;
}

export function makeProject(): Project {
  const dir = mkdtempSync(join(tmpdir(), 'kts-publish-project-'));
  const write = (path: string, content: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  for (const [path, content] of Object.entries(files)) write(path, content);
  return { dir, write, remove: (path) => rmSync(join(dir, path)), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Environment for a kts child process talking to `server`: token auth, no CI variables, a private cache. */
export function ktsEnv(server: GitServer, cacheDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'NODE_OPTIONS', 'SystemRoot']) if (process.env[key]) env[key] = process.env[key];
  return { ...env, KTS_GIT_TOKEN: server.password, KTS_GIT_USERNAME: server.username, KTS_CACHE_DIR: cacheDir, ...extra };
}

/** A deploy repository on the test git server, an app project and a private kts cache: what a publish test runs against. */
export interface DeployRig {
  server: GitServer;
  project: Project;
  cache: string;
  /** The deploy repository's bare directory. */
  bare: string;
}

/**
 * Sets the rig up before the suite's first test and removes it after the last; without git, does
 * nothing (those suites skip). `configure` adjusts the project (e.g. its kts.yaml).
 */
export function deployRig(suite: Test, opts: { files?: Record<string, string>; configure?: (project: Project) => void } = {}): DeployRig {
  const rig = {} as DeployRig;
  suite.before(async () => {
    if (!hasProgram('git')) return;
    rig.server = await startGitServer();
    rig.project = makeProject();
    opts.configure?.(rig.project);
    rig.cache = mkdtempSync(join(tmpdir(), 'kts-publish-cache-'));
    rig.bare = rig.server.createRepo('deploy', { files: opts.files ?? { 'README.md': 'deploy repository\n' } });
  });
  suite.after(async () => {
    if (!rig.server) return;
    await rig.server.close();
    rig.project.cleanup();
    rmSync(rig.cache, { recursive: true, force: true });
  });
  return rig;
}
