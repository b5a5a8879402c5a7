import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { KtsError } from '../errors.js';
import type { Json, JsonObject } from '../kustomize/resource.js';
import { parseYamlDocuments } from '../kustomize/yaml/parse.js';
import { assertSchema } from './schema.js';

// kts.yaml: per environment, which overlay to build and what to inject. Validated against
// schemas/kts.schema.json before anything reads it, so the types below hold.

export const CONFIG_FILE = 'kts.yaml';
export const DEFAULT_TAG_TEMPLATE = '{major}.{build}-{shortSha}';
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface ImageConfig {
  /** The image as written in the manifests. */
  name: string;
  newName?: string;
  tagTemplate?: string;
}

export interface EnvironmentConfig {
  name: string;
  /** kts.yaml `app`: the application every object and preview namespace is labeled with. */
  app?: string;
  /** Absolute path of the kustomization directory. */
  overlay: string;
  /** Absolute paths of extra components layered over the overlay. */
  components: string[];
  namespace?: string;
  namespacePrefix?: string;
  domain?: string;
  /** One template for every Ingress host, or per host of the overlay's Ingress rules (overlay host → template). */
  host?: string | Record<string, string>;
  tagTemplate: string;
  images: ImageConfig[];
  configMap?: { name: string; data: Record<string, string> };
  quota?: { hard: Record<string, string | number> };
  limits?: Partial<Record<'default' | 'defaultRequest' | 'max' | 'min', Record<string, string | number>>>;
  /** Absolute path of the kustomization `kts env down/gc` run before deleting a preview. */
  teardown?: string;
  major?: string;
  /** The kts.yaml this came from (absolute), when there is one. */
  configFile?: string;
  /** A bare kustomization directory, not an environment of kts.yaml: the project's images are only applied where they match. */
  adhoc?: boolean;
}

interface RawImage {
  name: string;
  newName?: string;
  tagTemplate?: string;
}
interface RawEnvironment extends Omit<EnvironmentConfig, 'name' | 'app' | 'components' | 'images' | 'tagTemplate' | 'major' | 'configFile' | 'adhoc'> {
  components?: string[];
  images?: (string | RawImage)[];
  tagTemplate?: string;
}
/** `gitops:`: the controller objects kts publish keeps for every published folder (see gitops/controllers.ts). */
export interface GitopsConfig {
  /** Folder of the deploy repository for the controller objects (default `clusters`). */
  folder?: string;
  argocd?: { name?: string; namespace?: string; project?: string; server?: string };
  flux?: { name?: string; namespace?: string; interval?: string };
}

export interface ProjectConfig {
  file: string;
  /** `file` as errors show it (relative to the working directory). */
  display: string;
  app?: string;
  major?: string | number;
  tagTemplate?: string;
  domain?: string;
  images?: (string | RawImage)[];
  gitops?: GitopsConfig;
  /** The pool of test clusters (src/cluster/pool/). */
  clusters?: { name: string; kubeconfig?: string; context?: string; size: string; labels?: Record<string, string> }[];
  environments: Record<string, RawEnvironment>;
}

/** The `gitops:` section of a kts.yaml, if there is a kts.yaml and it has one. */
export function gitopsOf(file: string | undefined): GitopsConfig | undefined {
  return file ? loadConfig(file, relative(process.cwd(), file) || CONFIG_FILE).gitops : undefined;
}

/** Reads and validates a kts.yaml; errors name the file (as `display`) and the field. */
export function loadConfig(file: string, display = file): ProjectConfig {
  const doc = readConfigDocument(file, display);
  assertSchema('kts', doc, display);
  return { ...(doc as JsonObject as unknown as Omit<ProjectConfig, 'file' | 'display'>), file, display };
}

/** The one YAML document of a kts.yaml, not yet validated. */
export function readConfigDocument(file: string, display = file): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KtsError('config', `cannot read environment config: ${(e as Error).message}`, { file: display });
  }
  const docs = parseYamlDocuments(text, display);
  if (docs.length !== 1) throw new KtsError('config', `expected one YAML document, found ${docs.length}`, { file: display });
  return docs[0]!;
}

/** The kts.yaml for ENV: `--config`, else the nearest above the working directory, else above ENV as a path. */
export function locateConfig(env: string, opts: { cwd: string; configFile?: string }): string | undefined {
  if (opts.configFile) return resolve(opts.cwd, opts.configFile);
  return findConfig(opts.cwd) ?? (isDir(resolve(opts.cwd, env)) ? findConfig(resolve(opts.cwd, env)) : undefined);
}

/** kts.yaml in `start` or the nearest directory above it, stopping at the repository root. */
export function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir || existsSync(join(dir, '.git'))) return undefined;
    dir = up;
  }
}

export function hasKustomization(dir: string): boolean {
  return isDir(dir) && KUSTOMIZATION_FILES.some((f) => existsSync(join(dir, f)));
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function imageConfigs(list: (string | RawImage)[] | undefined): ImageConfig[] {
  return (list ?? []).map((i) => (typeof i === 'string' ? { name: i } : i));
}

/** Environment images override project images of the same name. */
function mergeImages(project: ImageConfig[], env: ImageConfig[]): ImageConfig[] {
  const byName = new Map(project.map((i) => [i.name, i]));
  for (const i of env) byName.set(i.name, i);
  return [...byName.values()];
}

function fromConfig(project: ProjectConfig, name: string): EnvironmentConfig {
  const raw = project.environments[name]!;
  const root = dirname(project.file);
  const field = `environments.${name}`;
  const overlay = resolve(root, raw.overlay);
  if (!hasKustomization(overlay)) {
    throw new KtsError('config', `overlay '${raw.overlay}' is not a kustomization directory`, { file: project.display, field: `${field}.overlay` });
  }
  const components = (raw.components ?? []).map((c, i) => {
    const abs = resolve(root, c);
    if (!hasKustomization(abs)) {
      throw new KtsError('config', `component '${c}' is not a kustomization directory`, { file: project.display, field: `${field}.components[${i}]` });
    }
    return abs;
  });
  const teardown = raw.teardown === undefined ? undefined : resolve(root, raw.teardown);
  if (teardown !== undefined && !hasKustomization(teardown)) {
    throw new KtsError('config', `teardown '${raw.teardown}' is not a kustomization directory`, { file: project.display, field: `${field}.teardown` });
  }
  return {
    ...raw,
    name,
    ...(project.app ? { app: project.app } : {}),
    overlay,
    components,
    teardown,
    domain: raw.domain ?? project.domain,
    tagTemplate: raw.tagTemplate ?? project.tagTemplate ?? DEFAULT_TAG_TEMPLATE,
    images: mergeImages(imageConfigs(project.images), imageConfigs(raw.images)),
    major: project.major === undefined ? undefined : String(project.major),
    configFile: project.file,
  };
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** An environment from a bare directory: the overlay and project-wide defaults, nothing injected per environment. */
function fromDirectory(dir: string, project: ProjectConfig | undefined): EnvironmentConfig {
  const name = basename(dir);
  if (!LABEL_VALUE.test(name) || name.length > 63) {
    throw new KtsError('config', `directory name '${name}' is not a valid environment name (used as a label value)`, { file: dir });
  }
  return {
    name,
    ...(project?.app ? { app: project.app } : {}),
    overlay: dir,
    components: [],
    domain: project?.domain,
    tagTemplate: project?.tagTemplate ?? DEFAULT_TAG_TEMPLATE,
    images: imageConfigs(project?.images),
    major: project?.major === undefined ? undefined : String(project.major),
    configFile: project?.file,
    adhoc: true,
  };
}

/**
 * ENV is an environment of kts.yaml, an overlay name under `overlays/`, or a kustomization
 * directory. A directory that is some environment's overlay gets that environment's config.
 */
export function resolveEnvironment(env: string, opts: { cwd: string; configFile?: string }): EnvironmentConfig {
  const configFile = locateConfig(env, opts);
  const project = configFile ? loadConfig(configFile, relative(opts.cwd, configFile) || CONFIG_FILE) : undefined;
  if (project && Object.hasOwn(project.environments, env)) return fromConfig(project, env);
  const root = project ? dirname(project.file) : opts.cwd;
  const candidates = isAbsolute(env) ? [env] : [resolve(opts.cwd, env), join(root, 'overlays', env)];
  const dir = candidates.find(hasKustomization);
  if (!dir) {
    const known = project ? Object.keys(project.environments).join(', ') : '';
    throw new KtsError(
      'config',
      `unknown environment '${env}': not in ${project ? project.display : 'kts.yaml (none found)'} and no kustomization at ${candidates.map((c) => relative(opts.cwd, c) || '.').join(' or ')}${known ? ` (environments: ${known})` : ''}`,
    );
  }
  if (project) {
    const match = Object.keys(project.environments).find((n) => resolve(dirname(project.file), project.environments[n]!.overlay) === dir);
    if (match) return fromConfig(project, match);
  }
  return fromDirectory(dir, project);
}

const APP = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The application a cluster command acts for: `--app`, else kts.yaml `app`. Required: without it,
 * two repositories deploying to one cluster would see (and delete) each other's environments.
 */
export function requireApp(fromFlag: string | undefined, fromConfig: string | undefined, configFile: string | undefined): string {
  const app = fromFlag ?? fromConfig;
  if (app === undefined) {
    throw new KtsError('config', `no application name: add 'app: <name>' to ${configFile ? relative(process.cwd(), configFile) || CONFIG_FILE : 'kts.yaml'} (or pass --app NAME); the cluster commands label and find everything by it`, { field: 'app' });
  }
  if (!APP.test(app) || app.length > 40) throw new KtsError('config', `app '${app}' must be a DNS label of at most 40 characters`, { field: fromFlag === undefined ? 'app' : '--app' });
  return app;
}

/** The app of the kts.yaml found as `kts render` would find it (`--config`, else upwards from `cwd`). */
export function projectApp(opts: { cwd: string; configFile?: string; app?: string }): string {
  if (opts.app !== undefined) return requireApp(opts.app, undefined, undefined);
  const file = locateConfig('.', opts);
  const project = file ? loadConfig(file, relative(opts.cwd, file) || CONFIG_FILE) : undefined;
  return requireApp(undefined, project?.app, file);
}
