// "Full jitter" exponential backoff: concurrent publishers rejected by the same push spread out
// instead of retrying in lock-step, and no single wait exceeds the cap.

export interface BackoffOptions {
  /** Delay scale of the first retry, in ms. */
  baseMs: number;
  /** Upper bound of any single delay, in ms. */
  capMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 100, capMs: 2000 };

/** Delay before retry number `attempt` (1-based), given a random number in [0, 1). */
export function backoffDelay(attempt: number, random: number, opts: BackoffOptions = defaultBackoff): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random * ceiling);
}
