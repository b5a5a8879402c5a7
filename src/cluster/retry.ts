// When to retry an API request and how long to wait: answers that say "later" (429, the
// gateway and availability errors 502/503/504, any 5xx with Retry-After, as client-go) and
// dropped connections, with capped exponential backoff and jitter. Any other answer is final: a
// 500 such as "field not declared in schema" fails the same way every time, as it does in kubectl.
// Every request we send (apply-patch, get, list, delete) is idempotent, so a retry is safe.

export interface RetryPolicy {
  /** Total tries, including the first. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 250, maxMs: 8000 };

export function isRetryableStatus(status: number, retryAfter?: string): boolean {
  if (status === 429 || status === 502 || status === 503 || status === 504) return true;
  return status >= 500 && status !== 501 && retryAfterMs(retryAfter) !== undefined;
}

// Not ECONNREFUSED: nothing listens there, which waiting will not change (kubectl fails at once too).
const NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** Connection-level failures (node-fetch FetchError carries the errno code; some only say "socket hang up"). */
export function isRetryableNetworkError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; errno?: unknown; message?: unknown; type?: unknown; name?: unknown };
  if (e.name === 'AbortError') return false;
  for (const c of [e.code, e.errno]) if (typeof c === 'string' && NETWORK_CODES.has(c)) return true;
  return typeof e.message === 'string' && /socket hang up|ECONNRESET|other side closed|premature close/i.test(e.message);
}

/** Retry-After as delta-seconds or an HTTP date, in milliseconds; undefined when absent or invalid. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Delay before retry number `retry` (1-based): base·2^(retry-1), capped, with ±25% jitter. */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
  return Math.round(exp * (0.75 + random() * 0.5));
}

/** The wait before the next try, or undefined to give up. Retry-After wins over backoff (capped at maxMs·4). */
export function nextDelay(retry: number, policy: RetryPolicy, retryAfter?: number): number | undefined {
  if (retry >= policy.attempts) return undefined;
  if (retryAfter !== undefined) return Math.min(retryAfter, policy.maxMs * 4);
  return backoffMs(retry, policy);
}
