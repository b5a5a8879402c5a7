// Turns what the client library throws (ApiException with a Kubernetes Status body, node-fetch
// errors, plain Errors) into one readable KtsError line naming the object. Conflicts from
// server-side apply say which field and which field manager; a 422 names each field, without the
// kilobytes of Go struct dump a real server quotes for an immutable Job template.
import { KtsError } from '../errors.js';

/** metav1.StatusCause as sent: its type is under `reason`. */
interface StatusCause {
  reason?: string;
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

/** A field another manager owns, from a server-side apply conflict. */
export interface FieldConflict {
  field: string;
  manager: string;
  /** The subresource the manager wrote through, e.g. `scale` for `kubectl scale`. */
  subresource?: string;
}

/** The field-manager conflicts of a failed server-side apply (409 with FieldManagerConflict causes); empty for any other error. */
export function fieldConflicts(err: unknown): FieldConflict[] {
  if (httpCode(err) !== 409) return [];
  const status = parseStatus((err as { body?: unknown }).body);
  return (status?.details?.causes ?? [])
    .filter((c) => c.reason === 'FieldManagerConflict')
    .map((c) => {
      // `conflict with "kubectl-scale" with subresource "scale" using apps/v1`
      const m = /conflict with "([^"]+)"(?: with subresource "([^"]+)")?/.exec(c.message ?? '');
      return { field: c.field ?? '(unknown field)', manager: m?.[1] ?? 'unknown', ...(m?.[2] ? { subresource: m[2] } : {}) };
    });
}

/** `.spec.replicas is owned by field manager "kubectl-scale" (subresource scale)`. */
export function describeConflict(c: FieldConflict): string {
  return `${c.field} is owned by field manager "${c.manager}"${c.subresource ? ` (subresource ${c.subresource})` : ''}`;
}

/** One line of at most ~300 characters. */
function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** A cause's message; a long quoted value (`Invalid value: core.PodTemplateSpec{…}: field is immutable`) is left out. */
function causeMessage(message: string): string {
  const v = /^Invalid value: ([\s\S]*): ([^:]*)$/.exec(message);
  return v && v[1]!.length > 60 ? v[2]! : oneLine(message);
}

/** The Status message on one line; an invalid object's causes as `field: why`. */
function statusMessage(status: Status, code: number): string | undefined {
  const causes = status.details?.causes ?? [];
  const message = status.message ?? '';
  const at = message.indexOf(' is invalid: ');
  if (code === 422 && causes.length && at > 0) {
    return oneLine(`${message.slice(0, at)} is invalid: ${causes.map((c) => `${c.field ?? '(unknown field)'}: ${causeMessage(c.message ?? '')}`).join(', ')}`);
  }
  return message ? oneLine(message) : undefined;
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
    const conflicts = fieldConflicts(err);
    if (conflicts.length) return { code: 'apply-conflict', detail: `conflict: ${conflicts.map(describeConflict).join('; ')} (re-run with --force-conflicts to take these fields over)` };
    const reason = (body && statusMessage(body, status)) || body?.reason || 'request failed';
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
