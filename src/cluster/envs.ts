// Preview namespace lifecycle against a cluster: up (wait out a namespace still terminating,
// label ours, then apply the render with prune), down (teardown, delete, wait until gone), list
// and gc, each scoped to one app. Every destructive step proves the namespace is a preview kts
// made for this app right before touching it.
import { KtsError } from '../errors.js';
import type { JsonObject } from '../kustomize/resource.js';
import { ANNOTATION_BRANCH_NAME, LABEL_BRANCH, LABEL_ENVIRONMENT } from '../env/plan.js';
import { apiError } from './apierror.js';
import { applyEnvironment, type ApplyOutcome, type ApplyRequest } from './apply.js';
import { parentFor } from './applyset.js';
import { applyAtomically } from './atomic.js';
import type { KubeClient } from './client.js';
import { formatAge } from './duration.js';
import { sleep } from './limit.js';
import { ANNOTATION_DEPLOYED_AT, belongsElsewhere, ENV_FIELD_MANAGER, ownershipGap, planGc, previewLabels, previewOf, previewSelector, refusal, type GcDecision, type GcRules, type Preview } from './previews.js';
import type { Progress } from './report.js';

async function getNamespace(client: KubeClient, name: string): Promise<JsonObject | undefined> {
  try {
    return await client.get('v1', 'Namespace', name);
  } catch (e) {
    throw apiError(e, `v1 Namespace ${name}`, client.server);
  }
}

const terminating = (ns: JsonObject | undefined) => Boolean((ns?.metadata as { deletionTimestamp?: string } | undefined)?.deletionTimestamp);

/** Waits until namespace `name` is gone (it is being deleted), at most until `deadline`. */
async function waitGone(client: KubeClient, name: string, deadline: number, timeoutMs: number, progress: Progress): Promise<void> {
  let interval = 100;
  while (await getNamespace(client, name)) {
    if (Date.now() >= deadline) throw new KtsError('env-terminating', `namespace ${name} is still terminating after ${formatAge(timeoutMs)}`);
    progress.status(`waiting for namespace ${name} to terminate`);
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
    interval = Math.min(1000, Math.round(interval * 1.5));
  }
}

export interface UpRequest extends Omit<ApplyRequest, 'namespace' | 'prune' | 'ownedNamespace'> {
  namespace: string | undefined;
  /** Whether the environment derives its namespace from the branch (kts.yaml namespacePrefix). */
  perBranchNamespace: boolean;
  /** Ownership metadata of the render (labels env put on every object). */
  labels: Record<string, string>;
  /** The build's record (commit, build, full branch name), kept on the namespace. */
  record: Record<string, string>;
  /** Roll back to the last good revision when the rollout fails (see atomic.ts). */
  atomic?: boolean;
  now?: Date;
}

/** `kts env up`: create (or find ours) the preview namespace, then apply the render into it with prune. */
export async function envUp(client: KubeClient, req: UpRequest): Promise<ApplyOutcome> {
  const name = req.namespace;
  if (!name || !req.perBranchNamespace) {
    // A fixed namespace (production's) must never become a preview that gc could delete.
    throw new KtsError('env-not-preview', `environment '${req.env}' has no per-branch namespace (namespacePrefix in kts.yaml); env up is for previews, use kts apply`);
  }
  const slug = req.labels[LABEL_BRANCH];
  const branch = req.record[ANNOTATION_BRANCH_NAME];
  if (!slug || !branch || req.labels[LABEL_ENVIRONMENT] !== req.env) throw new KtsError('env-no-branch', `the render of '${req.env}' carries no ${LABEL_BRANCH} label; env up needs a branch (--branch)`);
  const deadline = Date.now() + (req.timeoutMs ?? 5 * 60_000);
  let live = await getNamespace(client, name);
  if (terminating(live) && !req.dryRun) {
    // Right after env down/gc (or another job's): a create there would be refused, an update lost.
    req.progress.info(`namespace ${name} is being deleted; waiting until it is gone to create it afresh`);
    await waitGone(client, name, deadline, req.timeoutMs ?? 5 * 60_000, req.progress);
    live = undefined;
  }
  if (live) {
    const why = refusal(name, live) ?? belongsElsewhere(live, req.app, req.env, branch) ?? ownershipGap(live, parentFor(req.app, req.env, name), await getParent(client, req.app, req.env, name), { parentOptional: true });
    if (why) throw new KtsError('env-not-owned', `${why}; refusing`);
  }
  const annotations: Record<string, string> = { ...req.record, [ANNOTATION_DEPLOYED_AT]: (req.now ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z') };
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: previewLabels(req.app, req.env, slug), annotations } };
  try {
    await client.apply(namespace, { fieldManager: ENV_FIELD_MANAGER, dryRun: req.dryRun });
  } catch (e) {
    throw apiError(e, `v1 Namespace ${name}`, client.server);
  }
  req.progress.info(`namespace ${name} ready for ${req.env} (branch ${branch})`);
  const outcome = await (req.atomic ? applyAtomically : applyEnvironment)(client, { ...req, namespace: name, prune: true, ownedNamespace: name });
  if (!outcome.error && !req.dryRun && terminating(await getNamespace(client, name))) {
    // Updates into a terminating namespace succeed; the preview would still be gone in seconds.
    const error = new KtsError('env-terminating', `namespace ${name} is being deleted (a concurrent env down or gc); the preview is not live, re-run env up`);
    return { report: { ...outcome.report, ok: false, error: error.message }, error };
  }
  return outcome;
}

async function getParent(client: KubeClient, app: string, env: string, namespace: string): Promise<JsonObject | undefined> {
  const parent = parentFor(app, env, namespace);
  try {
    return await client.get('v1', 'Secret', parent.name, namespace);
  } catch (e) {
    throw apiError(e, `ApplySet parent Secret ${namespace}/${parent.name}`, client.server);
  }
}

/** Runs before a preview's namespace is deleted (the environment's teardown), with the preview as recorded. */
export type Teardown = (preview: Preview) => Promise<void>;

interface DeleteOptions {
  app: string;
  timeoutMs: number;
  dryRun?: boolean;
  wait: boolean;
  teardown?: Teardown;
  progress: Progress;
}

/** Proves namespace `name` is app's preview, runs the teardown, deletes it and (optionally) waits until it is gone. */
async function deleteNamespace(client: KubeClient, name: string, opts: DeleteOptions, expect: { env?: string; branch?: string } = {}): Promise<void> {
  const live = await getNamespace(client, name);
  const refused = refusal(name, live);
  if (refused) throw new KtsError('env-not-owned', `${refused}; refusing`);
  if (!live) return;
  const preview = previewOf(live)!;
  const why = belongsElsewhere(live, opts.app, expect.env ?? preview.env, expect.branch) ?? ownershipGap(live, parentFor(opts.app, preview.env, name), await getParent(client, opts.app, preview.env, name));
  if (why) throw new KtsError('env-not-owned', `${why}; refusing to delete it`);
  if (opts.teardown && !preview.terminating && !opts.dryRun) await opts.teardown(preview);
  try {
    await client.delete('v1', 'Namespace', name, undefined, { dryRun: opts.dryRun });
  } catch (e) {
    throw apiError(e, `v1 Namespace ${name}`, client.server);
  }
  if (!opts.wait || opts.dryRun) return;
  await waitGone(client, name, Date.now() + opts.timeoutMs, opts.timeoutMs, opts.progress);
}

/** Previews of app `app` (every app's when undefined), optionally of one environment. */
export async function listPreviews(client: KubeClient, app: string | undefined, env?: string): Promise<Preview[]> {
  try {
    const items = await client.list('v1', 'Namespace', undefined, previewSelector(app, env));
    return items.map(previewOf).filter((p): p is Preview => p !== undefined);
  } catch (e) {
    throw apiError(e, 'listing preview namespaces', client.server);
  }
}

export interface DownRequest extends DeleteOptions {
  env?: string;
  /** The branch's full name (from the CI context), checked against the one the namespace recorded. */
  branch?: string;
  namespace: string;
}

/** `kts env down`: returns the namespace deleted, or undefined when there was none to delete. */
export async function envDown(client: KubeClient, req: DownRequest): Promise<string | undefined> {
  const live = await getNamespace(client, req.namespace);
  if (!live) {
    const refused = refusal(req.namespace, undefined);
    if (refused) throw new KtsError('env-not-owned', `${refused}; refusing`);
    return undefined;
  }
  await deleteNamespace(client, req.namespace, { ...req, wait: true }, { env: req.env, branch: req.branch });
  return req.namespace;
}

export interface GcRequest extends Omit<GcRules, 'now'> {
  app: string;
  env?: string;
  dryRun?: boolean;
  now?: number;
  teardown?: Teardown;
  progress: Progress;
}

export interface GcResult {
  removed: GcDecision[];
  kept: Preview[];
}

/** `kts env gc`: deletes the app's previews planGc selects (not waiting for them to terminate). */
export async function envGc(client: KubeClient, req: GcRequest): Promise<GcResult> {
  const previews = await listPreviews(client, req.app, req.env);
  const { remove, keep } = planGc(previews, { ...req, now: req.now ?? Date.now() });
  const removed: GcDecision[] = [];
  for (const d of remove) {
    try {
      await deleteNamespace(client, d.preview.namespace, { app: req.app, timeoutMs: 0, dryRun: req.dryRun, wait: false, teardown: req.teardown, progress: req.progress });
    } catch (e) {
      // Labels anyone could have set: leave it, say why, collect the rest.
      if (!(e instanceof KtsError) || e.code !== 'env-not-owned') throw e;
      req.progress.warn(`kept ${d.preview.namespace}: ${e.message}`);
      keep.push(d.preview);
      continue;
    }
    removed.push(d);
    req.progress.info(`${req.dryRun ? 'would delete' : 'deleted'} ${d.preview.namespace}: ${d.reason}`);
  }
  return { removed, kept: keep };
}
