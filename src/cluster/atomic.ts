// `--atomic`: when the rollout of an apply fails, give the cluster back the set's last good revision
// (see revision.ts) — re-applied with the same flags, waited for — and fail naming what broke and
// that it was rolled back. Only a failed or timed-out rollout triggers it: an apply the server
// refused changed nothing beyond the stages it reached, and re-running it is the remedy.
import { KtsError } from '../errors.js';
import { applyEnvironment, parentOf, type ApplyOutcome, type ApplyRequest } from './apply.js';
import type { KubeClient } from './client.js';
import { describeRevision, readRevision } from './revision.js';

const ROLLOUT_FAILURES = new Set(['rollout-failed', 'rollout-timeout']);

export async function applyAtomically(client: KubeClient, req: ApplyRequest): Promise<ApplyOutcome> {
  if (req.dryRun) return applyEnvironment(client, req);
  const parent = parentOf(client, req);
  const previous = await readRevision(client, parent);
  const outcome = await applyEnvironment(client, { ...req, wait: true });
  if (!outcome.error || !ROLLOUT_FAILURES.has(outcome.error.code)) return outcome;
  const failure = outcome.error.message;
  if (!previous) {
    return { ...outcome, error: new KtsError(outcome.error.code, `${failure}; not rolled back: no earlier revision of ${req.env} was recorded in ${parent.namespace}`) };
  }
  const what = describeRevision(previous);
  req.progress.warn(`${req.env}: the rollout failed; rolling back to the previous revision (${what})`);
  const back = await applyEnvironment(client, { ...req, resources: previous.resources, wait: true, source: `the previous revision (${what})` });
  outcome.report.rollback = back.report;
  if (back.error) {
    return { ...outcome, error: new KtsError('rollback-failed', `${failure}; rolling back to the previous revision (${what}) failed too: ${back.error.message}`) };
  }
  return { ...outcome, error: new KtsError('rolled-back', `${failure}; rolled back to the previous revision (${what}), which is rolled out`) };
}
