// Preview namespace lifecycle against a cluster: up (label the namespace, then apply the render
// with prune), down (delete and wait until gone), list, and gc. Every destructive step re-checks
// that the namespace is an owned preview right before touching it.
import { KtsError } from '../errors.js';
import type { JsonObject } from '../kustomize/resource.js';
import { ANNOTATION_BRANCH_NAME, ANNOTATION_BUILD, ANNOTATION_COMMIT, LABEL_BRANCH, LABEL_ENVIRONMENT, MANAGED_BY } from '../env/plan.js';
import { apiError } from './apierror.js';
import { applyEnvironment, type ApplyOutcome, type ApplyRequest } from './apply.js';
import type { KubeClient } from './client.js';
import { formatAge } from './duration.js';
import { sleep } from './limit.js';
import { PROTECTED_NAMESPACES } from './plan.js';
import { ANNOTATION_DEPLOYED_AT, ENV_FIELD_MANAGER, planGc, previewLabels, previewOf, previewSelector, refusal, type GcDecision, type GcRules, type Preview } from './previews.js';
import type { Progress } from './report.js';

async function getNamespace(client: KubeClient, name: string): Promise<JsonObject | undefined> {
  try {
    return await client.get('v1', 'Namespace', name);
  } catch (e) {
    throw apiError(e, `v1 Namespace ${name}`, client.server);
  }
}

function refuseUnlessPreview(name: string, live: JsonObject | undefined, env?: string): void {
  const why = refusal(name, live);
  if (why) throw new KtsError('env-not-owned', `${why}; refusing`);
  const owner = live && previewOf(live)?.env;
  if (env && owner && owner !== env) throw new KtsError('env-not-owned', `namespace ${name} is a preview of environment '${owner}', not '${env}'; refusing`);
}

export interface UpRequest extends Omit<ApplyRequest, 'namespace' | 'prune'> {
  namespace: string | undefined;
  /** Whether the environment derives its namespace from the branch (kts.yaml namespacePrefix). */
  perBranchNamespace: boolean;
  /** Ownership metadata of the render (labels and annotations env put on every object). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  now?: Date;
}

/** `kts env up`: create or relabel the preview namespace, then apply the render into it with prune. */
export async function envUp(client: KubeClient, req: UpRequest): Promise<ApplyOutcome> {
  const name = req.namespace;
  if (!name || !req.perBranchNamespace) {
    // A fixed namespace (production's) must never become a preview that gc could delete.
    throw new KtsError('env-not-preview', `environment '${req.env}' has no per-branch namespace (namespacePrefix in kts.yaml); env up is for previews, use kts apply`);
  }
  const slug = req.labels[LABEL_BRANCH];
  if (!slug || req.labels[LABEL_ENVIRONMENT] !== req.env) throw new KtsError('env-no-branch', `the render of '${req.env}' carries no ${LABEL_BRANCH} label; env up needs a branch (--branch)`);
  const live = await getNamespace(client, name);
  // A namespace an earlier `kts apply` of this very environment and branch created is ours to adopt.
  const labels = ((live?.metadata ?? {}) as { labels?: Record<string, string> }).labels ?? {};
  const sameOwner = labels[MANAGED_BY] === 'kts' && labels[LABEL_ENVIRONMENT] === req.env && labels[LABEL_BRANCH] === slug;
  if (!sameOwner || PROTECTED_NAMESPACES.has(name)) refuseUnlessPreview(name, live, req.env);
  const annotations: Record<string, string> = { [ANNOTATION_DEPLOYED_AT]: (req.now ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z') };
  for (const k of [ANNOTATION_COMMIT, ANNOTATION_BUILD, ANNOTATION_BRANCH_NAME]) if (req.annotations[k]) annotations[k] = req.annotations[k]!;
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: previewLabels(req.env, slug), annotations } };
  try {
    await client.apply(namespace, { fieldManager: ENV_FIELD_MANAGER, dryRun: req.dryRun });
  } catch (e) {
    throw apiError(e, `v1 Namespace ${name}`, client.server);
  }
  req.progress.info(`namespace ${name} ready for ${req.env} (branch ${annotations[ANNOTATION_BRANCH_NAME] ?? slug})`);
  return applyEnvironment(client, { ...req, namespace: name, prune: true });
}

/** Deletes an owned preview namespace and waits until the server has removed it. */
async function deleteNamespace(client: KubeClient, name: string, opts: { env?: string; timeoutMs: number; dryRun?: boolean; wait: boolean; progress: Progress }): Promise<void> {
  refuseUnlessPreview(name, await getNamespace(client, name), opts.env);
  try {
    await client.delete('v1', 'Namespace', name, undefined, { dryRun: opts.dryRun });
  } catch (e) {
    throw apiError(e, `v1 Namespace ${name}`, client.server);
  }
  if (!opts.wait || opts.dryRun) return;
  const deadline = Date.now() + opts.timeoutMs;
  let interval = 100;
  while (await getNamespace(client, name)) {
    if (Date.now() >= deadline) throw new KtsError('env-down-timeout', `namespace ${name} is still terminating after ${formatAge(opts.timeoutMs)}`);
    opts.progress.status(`waiting for namespace ${name} to terminate`);
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
    interval = Math.min(1000, Math.round(interval * 1.5));
  }
}

export async function listPreviews(client: KubeClient, env?: string): Promise<Preview[]> {
  try {
    const items = await client.list('v1', 'Namespace', undefined, previewSelector(env));
    return items.map(previewOf).filter((p): p is Preview => p !== undefined);
  } catch (e) {
    throw apiError(e, 'listing preview namespaces', client.server);
  }
}

export interface DownRequest {
  env?: string;
  branch?: string;
  namespace?: string;
  timeoutMs: number;
  dryRun?: boolean;
  progress: Progress;
}

/** `kts env down`: returns the namespace deleted, or undefined when there was none to delete. */
export async function envDown(client: KubeClient, req: DownRequest): Promise<string | undefined> {
  let name = req.namespace;
  if (!name) {
    const previews = await listPreviews(client, req.env);
    const match = previews.filter((p) => p.branch === req.branch || p.slug === req.branch);
    if (match.length > 1) throw new KtsError('env-ambiguous', `several previews match branch ${req.branch}: ${match.map((p) => p.namespace).join(', ')}; name one with --namespace`);
    if (match.length === 0) return undefined;
    name = match[0]!.namespace;
  } else if (!(await getNamespace(client, name))) {
    refuseUnlessPreview(name, undefined);
    return undefined;
  }
  await deleteNamespace(client, name, { env: req.env, timeoutMs: req.timeoutMs, dryRun: req.dryRun, wait: true, progress: req.progress });
  return name;
}

export interface GcRequest extends Omit<GcRules, 'now'> {
  env?: string;
  dryRun?: boolean;
  now?: number;
  progress: Progress;
}

export interface GcResult {
  removed: GcDecision[];
  kept: Preview[];
}

/** `kts env gc`: deletes the previews planGc selects (not waiting for them to terminate). */
export async function envGc(client: KubeClient, req: GcRequest): Promise<GcResult> {
  const previews = await listPreviews(client, req.env);
  const { remove, keep } = planGc(previews, { ...req, now: req.now ?? Date.now() });
  for (const d of remove) {
    await deleteNamespace(client, d.preview.namespace, { env: d.preview.env, timeoutMs: 0, dryRun: req.dryRun, wait: false, progress: req.progress });
    req.progress.info(`${req.dryRun ? 'would delete' : 'deleted'} ${d.preview.namespace}: ${d.reason}`);
  }
  return { removed: remove, kept: keep };
}
