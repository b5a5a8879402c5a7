// Turns what the client library throws (ApiException with a Kubernetes Status body, node-fetch
// errors, plain Errors) into one readable KtsError line naming the object. Conflicts from
// server-side apply say which field and which field manager.
import { KtsError } from '../errors.js';

interface StatusCause {
  type?: string;
  message?: string;
  field?: string;
}

interface Status {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: StatusCause[] };
}

function parseStatus(body: unknown): Status | undefined {
  let v: unknown = body;
  if (typeof body === 'string') {
    try {
      v = JSON.parse(body);
    } catch {
      return body.trim() ? { message: body.trim().split('\n')[0] } : undefined;
    }
  }
  if (typeof v === 'string') return v.trim() ? { message: v.trim().split('\n')[0] } : undefined;
  return v && typeof v === 'object' ? (v as Status) : undefined;
}

/** `conflict with "kubectl-client-side-apply" using apps/v1` → the manager name. */
function managerOf(message: string | undefined): string | undefined {
  return message?.match(/conflict with "([^"]+)"/)?.[1];
}

/** Describes the field-manager conflicts of a 409 from server-side apply, or undefined if it is not one. */
function describeConflicts(status: Status): string | undefined {
  const causes = (status.details?.causes ?? []).filter((c) => c.type === 'FieldManagerConflict' || managerOf(c.message));
  if (causes.length === 0) return undefined;
  const parts = causes.map((c) => {
    const manager = managerOf(c.message);
    return `${c.field ?? '(unknown field)'} is owned by field manager "${manager ?? 'unknown'}"`;
  });
  return `conflict: ${parts.join('; ')} (re-run with --force-conflicts to take these fields over)`;
}

/**
 * The fields a 422 says cannot change on an existing object (Job templates, selectors, most of a
 * StatefulSet's or PVC's spec), or undefined when the error is something else.
 */
export function immutableFields(err: unknown): string[] | undefined {
  if (httpCode(err) !== 422) return undefined;
  const status = parseStatus((err as { body?: unknown }).body);
  const causes = (status?.details?.causes ?? []).filter((c) => /immutable|Forbidden: updates to/i.test(c.message ?? ''));
  if (causes.length) return causes.map((c) => c.field ?? '(unknown field)');
  return /field is immutable/i.test(status?.message ?? '') ? ['(unknown field)'] : undefined;
}

function httpCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** Whether `err` is an API error with this HTTP status. */
export function isStatus(err: unknown, code: number): boolean {
  return httpCode(err) === code;
}

/** The error code and the readable detail of a failed API call, without naming the object. */
export function classifyError(err: unknown, server?: string): { code: string; detail: string } {
  if (err instanceof KtsError) return { code: err.code, detail: err.message };
  const status = httpCode(err);
  if (status !== undefined) {
    const body = parseStatus((err as { body?: unknown }).body);
    if (status === 409) {
      const conflicts = body && describeConflicts(body);
      if (conflicts) return { code: 'apply-conflict', detail: conflicts };
    }
    const reason = body?.message || body?.reason || 'request failed';
    return { code: status === 409 ? 'api-conflict' : 'api-error', detail: `${reason} (HTTP ${status})` };
  }
  const e = err as { message?: string; code?: string };
  const message = e?.message?.split('\n')[0] ?? String(err);
  if (typeof e?.code === 'string' || /fetch|socket|ECONN/i.test(message)) {
    return { code: 'cluster-unreachable', detail: `cannot reach the cluster${server ? ` at ${server}` : ''}: ${message}` };
  }
  return { code: 'api-error', detail: message };
}

/** A KtsError naming `what` (usually the object) and why the call failed. */
export function apiError(err: unknown, what: string, server?: string): KtsError {
  if (err instanceof KtsError) return err;
  const { code, detail } = classifyError(err, server);
  return new KtsError(code, `${what}: ${detail}`);
}
