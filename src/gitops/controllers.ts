// The objects that make a GitOps controller deploy every folder kts published: an Argo CD
// ApplicationSet (git directory generator over the published folders) and/or a Flux GitRepository
// with one Kustomization per folder. They live in one folder of the deploy repository, rewritten in
// the same commit as every publish and unpublish, so previews appear and disappear with their folders.
import { stringify } from 'yaml';
import type { GitopsConfig } from '../env/config.js';
import { redactUrl } from '../net/redact.js';
import { METADATA_FILE, parseMetadata } from './metadata.js';
import type { FileSource } from './plan.js';
import type { FolderEdit } from './remote.js';
import type { HeadView } from './transaction.js';

/** `gitops:` in kts.yaml. */
export type ControllerSettings = GitopsConfig;

export interface PublishedFolder {
  folder: string;
  environment: string;
  /** The namespace the folder's objects go to, when the publish recorded it. */
  namespace?: string;
}

export const DEFAULT_CONTROLLERS_FOLDER = 'clusters';

/** A Kubernetes name for a folder: `ci/feature-x-1a2b` → `ci-feature-x-1a2b`. */
function nameOf(folder: string): string {
  return folder.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 253) || 'root';
}

function argoApplicationSet(s: NonNullable<ControllerSettings['argocd']>, repo: { url: string; ref: string }, folders: PublishedFolder[]): object {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: s.name ?? 'kts', namespace: s.namespace ?? 'argocd' },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ git: { repoURL: repo.url, revision: repo.ref, directories: folders.map((f) => ({ path: f.folder })) } }],
      template: {
        // the Application is named after its folder; its objects carry the namespace kts rendered
        metadata: { name: '{{ .path.path | replace "/" "-" | lower }}', labels: { 'app.kubernetes.io/managed-by': 'kts' } },
        spec: {
          project: s.project ?? 'default',
          source: { repoURL: repo.url, targetRevision: repo.ref, path: '{{ .path.path }}' },
          // no default namespace: every namespaced object kts renders names its own
          destination: { server: s.server ?? 'https://kubernetes.default.svc' },
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        },
      },
    },
  };
}

function fluxObjects(s: NonNullable<ControllerSettings['flux']>, repo: { url: string; ref: string }, folders: PublishedFolder[]): object[] {
  const namespace = s.namespace ?? 'flux-system';
  const source = s.name ?? 'kts-deploy';
  const interval = s.interval ?? '5m';
  const gitRepository = {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: source, namespace },
    spec: { url: repo.url, ref: { branch: repo.ref }, interval },
  };
  const kustomizations = folders.map((f) => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: nameOf(f.folder), namespace, labels: { 'app.kubernetes.io/managed-by': 'kts', 'kts.dev/environment': nameOf(f.environment) } },
    spec: {
      interval,
      path: `./${f.folder}`,
      prune: true,
      sourceRef: { kind: 'GitRepository', name: source },
      ...(f.namespace ? { targetNamespace: f.namespace } : {}),
    },
  }));
  return [gitRepository, ...kustomizations];
}

const yaml = (docs: object[]): string => docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');

/** The controller objects for `folders`, as files of the controllers folder. */
export function controllerFiles(settings: ControllerSettings, remote: { url: string; ref: string }, folders: PublishedFolder[]): Map<string, string> {
  // a token in the URL never goes into the repository: the controllers bring their own credentials
  const repo = { url: redactUrl(remote.url), ref: remote.ref };
  const sorted = [...folders].sort((a, b) => a.folder.localeCompare(b.folder));
  const files = new Map<string, string>();
  if (settings.argocd) files.set('argocd-applicationset.yaml', yaml([argoApplicationSet(settings.argocd, repo, sorted)]));
  if (settings.flux) files.set('flux.yaml', yaml(fluxObjects(settings.flux, repo, sorted)));
  return files;
}

/** Every folder of the head that holds kts's publish record. */
async function publishedFolders(view: HeadView, controllersFolder: string): Promise<PublishedFolder[]> {
  const out: PublishedFolder[] = [];
  for (const [path, oid] of await view.listFolder('')) {
    if (path !== METADATA_FILE && !path.endsWith(`/${METADATA_FILE}`)) continue;
    const folder = path.slice(0, -METADATA_FILE.length - 1);
    if (folder === controllersFolder) continue;
    const meta = parseMetadata(await view.readText(oid));
    if (meta) out.push({ folder, environment: meta.environment, ...(meta.namespace ? { namespace: meta.namespace } : {}) });
  }
  return out;
}

/**
 * The edit that brings the controllers folder in step with the published folders once `change` is
 * committed (a folder published or removed), or null when it already is.
 */
export async function controllerEdit(
  view: HeadView,
  settings: ControllerSettings,
  repo: { url: string; ref: string },
  change: { published?: PublishedFolder; removed?: string },
): Promise<FolderEdit | null> {
  const folder = settings.folder ?? DEFAULT_CONTROLLERS_FOLDER;
  let folders = (await publishedFolders(view, folder)).filter((f) => f.folder !== change.published?.folder && f.folder !== change.removed);
  if (change.published) folders = [...folders, change.published];
  const desired = controllerFiles(settings, repo, folders);
  const current = await view.listFolder(folder);
  const same = current.size === desired.size && (await Promise.all([...desired].map(async ([name, text]) => current.has(name) && (await view.readText(current.get(name)!)) === text))).every(Boolean);
  if (same) return null;
  const files = new Map<string, FileSource>([...desired].map(([name, content]) => [name, { content }]));
  return { path: folder, files: files.size ? files : null };
}
