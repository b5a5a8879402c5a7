// Optimistic concurrency for the deploy repository: fetch the head, let the caller propose folder
// edits against it, commit on top, push without force. When the push is refused because the
// branch moved, fetch the new head and propose again (the caller recomputes against it), after a
// jittered, bounded backoff. A refusal while the branch did not move is a real rejection and fails.
import { KtsError } from '../errors.js';
import type { Identity } from './auth.js';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';
import { DeployRepo, type FolderEdit, type RemoteOptions } from './remote.js';

/** Read access to the head a proposal is computed against. */
export interface HeadView {
  head: string | null;
  listFolder(path: string): Promise<Map<string, string>>;
  readText(oid: string): Promise<string>;
}

/** What to commit (`edits: null`: nothing to do) and the caller's own description of it. */
export interface Proposal<T> {
  edits: FolderEdit[] | null;
  message?: string;
  result: T;
}

export type Step = 'fetch' | 'commit' | 'push' | 'retry';

/** Everything needed to change the deploy repository. */
export interface GitOptions {
  remote: RemoteOptions;
  author: Identity;
  /** How many times to retry after the branch moved under us. */
  retries: number;
  backoff?: BackoffOptions;
  onStep?: (step: Step, detail?: string) => void;
}

export interface TransactionOptions extends Omit<GitOptions, 'remote'> {
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface TransactionResult<T> {
  result: T;
  /** The pushed commit, or null when the proposal had nothing to do. */
  commit: string | null;
  /** The head the final proposal was computed against. */
  parent: string | null;
  attempts: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function commitWithRetry<T>(
  repo: DeployRepo,
  propose: (view: HeadView) => Promise<Proposal<T>>,
  opts: TransactionOptions,
): Promise<TransactionResult<T>> {
  const { retries, random = Math.random, sleep = pause, onStep } = opts;
  let refused: { parent: string | null; detail: string } | undefined;
  for (let attempt = 1; ; attempt++) {
    onStep?.('fetch');
    const head = await repo.fetch();
    if (refused) {
      // Refused although nobody moved the branch: a hook, a protection rule, a server policy.
      if (head === refused.parent) {
        throw new KtsError('git-push', `push to ${repo.displayUrl} (${repo.options.ref}) was rejected: ${refused.detail}`);
      }
      if (attempt > retries + 1) {
        throw new KtsError(
          'git-push-retries',
          `push to ${repo.displayUrl} (${repo.options.ref}) was rejected ${attempt - 1} times because the branch kept moving; gave up (raise --retries)`,
        );
      }
    }
    const proposal = await propose({
      head,
      listFolder: (path) => repo.listFolder(head, path),
      readText: (oid) => repo.readText(oid),
    });
    if (!proposal.edits) return { result: proposal.result, commit: null, parent: head, attempts: attempt };
    onStep?.('commit');
    const commit = await repo.commit(head, proposal.edits, proposal.message ?? 'kts', opts.author);
    onStep?.('push');
    const outcome = await repo.push(commit);
    if (outcome.ok) return { result: proposal.result, commit, parent: head, attempts: attempt };
    refused = { parent: head, detail: outcome.detail };
    if (attempt <= retries) {
      const delay = backoffDelay(attempt, random(), opts.backoff ?? defaultBackoff);
      onStep?.('retry', `branch moved; retrying in ${delay} ms`);
      await sleep(delay);
    }
  }
}

/** Opens the deploy repository, runs one transaction against it, and releases the cache. */
export async function transact<T>(
  git: GitOptions,
  propose: (view: HeadView) => Promise<Proposal<T>>,
): Promise<TransactionResult<T> & { repository: string }> {
  const repo = await DeployRepo.open(git.remote);
  try {
    const tx = await commitWithRetry(repo, propose, git);
    return { ...tx, repository: repo.displayUrl };
  } finally {
    repo.close();
  }
}
