// Where things go in the deploy repository: the folder of an environment (from a path template)
// and one file per resource inside it.
import { createHash } from 'node:crypto';
import { idOf, type ResId, type Resource } from '../kustomize/resource.js';
import { KtsError, UsageError } from '../errors.js';

export const DEFAULT_PATH_TEMPLATE = '<env>/<branch-slug>';

/** Values the path template may use: `<app>`, `<env>`, `<branch-slug>`, `<namespace>`. */
export interface PathVars {
  app?: string;
  env: string;
  'branch-slug'?: string;
  namespace?: string;
}

/** Resolves `--path` to a folder inside the repository, refusing anything that could escape it. */
export function resolveFolder(template: string, vars: PathVars): string {
  const path = template.replace(/<([a-z-]+)>/g, (_, name: string) => {
    if (!['app', 'env', 'branch-slug', 'namespace'].includes(name)) {
      throw new UsageError(`--path: unknown placeholder <${name}> (known: <app>, <env>, <branch-slug>, <namespace>)`);
    }
    const value = vars[name as keyof PathVars];
    if (!value) {
      const hint = name === 'branch-slug' ? '; pass --branch' : name === 'app' ? '; set app in kts.yaml' : '';
      throw new KtsError('publish-path', `--path uses <${name}> but the render has no ${name.replace('-', ' ')}${hint}`);
    }
    return value;
  });
  return checkFolder(path);
}

/** Normalizes a repository folder path (`a/b`), rejecting empty, absolute, `.`/`..` and `.git` segments. */
export function checkFolder(path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  if (path.startsWith('/') || segments.length === 0 || segments.some((s) => s === '.' || s === '..' || s.toLowerCase() === '.git')) {
    throw new KtsError('publish-path', `'${path}' is not a folder inside the deploy repository`);
  }
  return segments.join('/');
}

function safe(part: string): string {
  // Kubernetes names never contain '/', but kinds/groups/names may hold ':' or upper case.
  return part.toLowerCase().replace(/[^a-z0-9._-]+/g, '_');
}

const namers: ((id: ResId) => string)[] = [
  (id) => `${safe(id.kind)}-${safe(id.name)}`,
  (id) => `${safe(id.kind)}-${safe(id.namespace || '_')}-${safe(id.name)}`,
  (id) => `${safe(id.kind)}.${safe(id.group || 'core')}-${safe(id.namespace || '_')}-${safe(id.name)}`,
];

/**
 * One file name per resource: `<kind>-<name>.yaml`, lowercase; resources that would share a name
 * get the namespace, then the API group, then a short id hash, so every name is unique and stable
 * for a given set of ids.
 */
export function fileNames(resources: Resource[]): string[] {
  const ids = resources.map((r) => idOf(r.obj));
  const names = ids.map((id) => namers[0](id));
  for (let level = 1; level <= namers.length; level++) {
    const counts = new Map<string, number>();
    for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
    let clashes = false;
    names.forEach((n, i) => {
      if ((counts.get(n) ?? 0) < 2) return;
      clashes = true;
      const id = ids[i];
      names[i] =
        level < namers.length
          ? namers[level](id)
          : `${namers[0](id)}-${createHash('sha1').update(JSON.stringify(id)).digest('hex').slice(0, 8)}`;
    });
    if (!clashes) break;
  }
  const seen = new Set<string>();
  return names.map((n, i) => {
    const file = `${n}.yaml`;
    if (seen.has(file)) {
      throw new KtsError('publish-duplicate', `the render holds two resources with the id of ${JSON.stringify(ids[i])}`);
    }
    seen.add(file);
    return file;
  });
}

/** What a folder is derived from: the environment, whether its namespace is fixed, the branch slug. */
export interface FolderSource {
  envName: string;
  config: { namespace?: string; app?: string };
  context: { slug: string };
  namespace?: string;
}

/**
 * The folder of a render. Without --path: `<env>/<branch-slug>`, except for an environment with a
 * fixed namespace (production): there is one deployment of it, whatever branch published it.
 */
export function folderForRender(template: string | undefined, r: FolderSource): string {
  return resolveFolder(pathTemplate(template, r.config), { app: r.config.app, env: r.envName, 'branch-slug': r.context.slug, namespace: r.namespace });
}

export function pathTemplate(template: string | undefined, config: { namespace?: string }): string {
  return template ?? (config.namespace ? '<env>' : DEFAULT_PATH_TEMPLATE);
}
