// `kts publish`: one rendered environment → one folder of the deploy repository, one commit.
import type { Resource } from '../kustomize/resource.js';
import { serialize } from '../index.js';
import { version } from '../version.js';
import { fileNames } from './files.js';
import { METADATA_FILE, type PublishMetadata } from './metadata.js';
import { changeListing, changeSummary, planPublish, type FolderChange, type PublishPlan } from './plan.js';
import { controllerEdit, type ControllerSettings } from './controllers.js';
import { transact, type GitOptions } from './transaction.js';
import { redactUrl } from '../net/redact.js';

export interface PublishTarget {
  app?: string;
  /** Environment name (for the metadata and the message). */
  env: string;
  /** Whether the folder belongs to one branch (another branch's render there is refused). */
  perBranch?: boolean;
  /** Folder in the deploy repository, already resolved from the path template. */
  folder: string;
  branch?: string;
  /** Source commit the render was built from. */
  commit?: string;
  build?: string;
  sourceRepository?: string;
  /** ISO time of the render; now when absent. */
  renderedAt?: string;
  /** Publish even over a newer render (roll back by re-publishing an older build). */
  allowOlder?: boolean;
  /** The namespace of the render, recorded for the GitOps controller objects. */
  namespace?: string;
  /** kts.yaml `gitops:`: keep Argo CD / Flux objects for every published folder in step. */
  controllers?: ControllerSettings;
}

export interface PublishReport extends FolderChange {
  status: 'published' | 'unchanged' | 'superseded';
  environment: string;
  folder: string;
  repository: string;
  ref: string;
  /** The new commit, when one was pushed. */
  commit: string | null;
  /** The head the result was computed against. */
  parent: string | null;
  summary: string;
  attempts: number;
  /** For `superseded`: the newer render already in the folder. */
  newer?: { build?: string; commit?: string; renderedAt: string };
}

/** One file per resource, as `kts build` would print that resource alone. */
export function manifestFiles(resources: Resource[]): Map<string, string> {
  const names = fileNames(resources);
  return new Map(names.map((name, i) => [name, serialize([resources[i]])]));
}

/** The source repository as recorded in the deploy repository: never with credentials. */
function sourceOf(target: PublishTarget): string | undefined {
  return target.sourceRepository === undefined ? undefined : redactUrl(target.sourceRepository);
}

export function publishMessage(target: PublishTarget, change: FolderChange): string {
  const source = target.commit ? target.commit.slice(0, 12) : 'unknown commit';
  const build = target.build ? `, build ${target.build}` : '';
  const lines = [
    `publish ${target.folder}: ${changeSummary(change)} (${source}${build})`,
    '',
    `Environment: ${target.env}`,
    ...(target.branch ? [`Branch: ${target.branch}`] : []),
    `Source: ${[sourceOf(target), target.commit].filter(Boolean).join(' @ ') || 'unknown'}`,
    ...(target.build ? [`Build: ${target.build}`] : []),
    '',
    ...changeListing(change),
  ];
  return `${lines.join('\n')}\n`;
}

export async function publishResources(resources: Resource[], target: PublishTarget, opts: GitOptions): Promise<PublishReport> {
  const desired = manifestFiles(resources);
  const metadata: PublishMetadata = {
    ...(target.app ? { app: target.app } : {}),
    environment: target.env,
    branch: target.branch,
    namespace: target.namespace,
    source: { repository: sourceOf(target), commit: target.commit },
    build: target.build,
    renderedAt: target.renderedAt ?? new Date().toISOString(),
    tool: `kts ${version}`,
    resources: resources.length,
  };
  const tx = await transact<PublishPlan>(opts, async (view) => {
    const current = await view.listFolder(target.folder);
    const metaOid = current.get(METADATA_FILE);
    const plan = planPublish({ current, currentMetadata: metaOid ? await view.readText(metaOid) : undefined, desired, metadata, allowOlder: target.allowOlder, folder: target.folder, perBranch: target.perBranch });
    if (plan.status === 'superseded') return { edits: null, result: plan };
    const published = { folder: target.folder, environment: target.env, ...(target.namespace ? { namespace: target.namespace } : {}) };
    const controllers = target.controllers ? await controllerEdit(view, target.controllers, { url: opts.remote.url, ref: opts.remote.ref }, { published }) : null;
    if (plan.status !== 'changed') {
      return controllers ? { edits: [controllers], message: `update ${controllers.path}: GitOps controller objects\n`, result: plan } : { edits: null, result: plan };
    }
    return { edits: [{ path: target.folder, files: plan.files }, ...(controllers ? [controllers] : [])], message: publishMessage(target, plan), result: plan };
  });
  const plan = tx.result;
  return {
    status: plan.status === 'changed' ? 'published' : plan.status,
    environment: target.env,
    folder: target.folder,
    repository: tx.repository,
    ref: opts.remote.ref,
    commit: tx.commit,
    parent: tx.parent,
    added: plan.added,
    changed: plan.changed,
    removed: plan.removed,
    summary: changeSummary(plan),
    attempts: tx.attempts,
    ...(plan.status === 'superseded' ? { newer: { build: plan.newer.build, commit: plan.newer.source?.commit, renderedAt: plan.newer.renderedAt } } : {}),
  };
}
