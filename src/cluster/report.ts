// What apply did, as data (the --json output) and as progress lines for people. Lines name the
// object and the action only; object contents (Secret data in particular) are never printed.
import { formatId, type ResId } from '../kustomize/resource.js';

export type Action = 'created' | 'configured' | 'unchanged' | 'pruned' | 'failed';

export interface ObjectResult {
  id: ResId;
  action: Action;
  /** Extra detail: the error for `failed`, a dry-run caveat, ... */
  note?: string;
}

export interface WaitResult {
  id: ResId;
  done: boolean;
  message: string;
  failed?: string;
  /** Why it did not roll out, from its pods and controllers (ImagePullBackOff, ReplicaFailure, …). */
  reasons?: string[];
}

export interface ApplyReport {
  env: string;
  dryRun: boolean;
  applySet: { id: string; parent: string };
  objects: ObjectResult[];
  pruned: ObjectResult[];
  waited: WaitResult[];
  retries: number;
  ok: boolean;
  error?: string;
  /** `--atomic`: the re-apply of the previous revision after the rollout failed. */
  rollback?: ApplyReport;
}

export interface Progress {
  object(r: ObjectResult, dryRun: boolean): void;
  /** A status line that may be overwritten by the next one (rollout waiting). */
  status(line: string): void;
  info(line: string): void;
  warn(line: string): void;
}

export function objectLine(r: ObjectResult, dryRun: boolean): string {
  const id = formatId(r.id);
  const action = `${r.action}${dryRun && r.action !== 'failed' ? ' (server dry run)' : ''}`;
  return `${id} ${action}${r.note ? `: ${r.note}` : ''}`;
}

/** Human output: one line per object on stdout; waiting status rewritten in place on a terminal. */
export function textProgress(out: NodeJS.WritableStream & { isTTY?: boolean }, err: NodeJS.WritableStream): Progress {
  let live = false;
  let last = '';
  const clear = () => {
    if (live) {
      out.write('\r\x1b[2K');
      live = false;
    }
  };
  return {
    object(r, dryRun) {
      clear();
      out.write(`${objectLine(r, dryRun)}\n`);
    },
    status(line) {
      if (out.isTTY) {
        clear();
        out.write(line.length > 200 ? `${line.slice(0, 199)}…` : line);
        live = true;
      } else if (line !== last) {
        // Logs get a line when the status changes, not one per poll.
        out.write(`${line}\n`);
      }
      last = line;
    },
    info(line) {
      clear();
      out.write(`${line}\n`);
    },
    warn(line) {
      clear();
      err.write(`kts: warning: ${line}\n`);
    },
  };
}

/** --json: nothing but warnings while running; the report is printed at the end. */
export function quietProgress(err: NodeJS.WritableStream): Progress {
  return {
    object() {},
    status() {},
    info() {},
    warn(line) {
      err.write(`kts: warning: ${line}\n`);
    },
  };
}

export function reportJson(report: ApplyReport): string {
  return `${JSON.stringify(reportData(report), null, 2)}\n`;
}

function reportData(report: ApplyReport): object {
  const id = (r: { id: ResId }) => ({
    apiVersion: r.id.group ? `${r.id.group}/${r.id.version}` : r.id.version,
    kind: r.id.kind,
    ...(r.id.namespace ? { namespace: r.id.namespace } : {}),
    name: r.id.name,
  });
  return {
    ...report,
    objects: report.objects.map((o) => ({ ...id(o), action: o.action, ...(o.note ? { note: o.note } : {}) })),
    pruned: report.pruned.map((o) => ({ ...id(o), action: o.action, ...(o.note ? { note: o.note } : {}) })),
    waited: report.waited.map((w) => ({ ...id(w), done: w.done, message: w.message, ...(w.failed ? { failed: w.failed } : {}), ...(w.reasons ? { reasons: w.reasons } : {}) })),
    ...(report.rollback ? { rollback: reportData(report.rollback) } : {}),
  };
}

export function summaryLine(report: ApplyReport): string {
  const count = (a: string) => report.objects.filter((o) => o.action === a).length;
  const parts = [`${count('created')} created`, `${count('configured')} configured`, `${count('unchanged')} unchanged`];
  if (report.pruned.length) parts.push(`${report.pruned.length} pruned`);
  if (count('failed')) parts.push(`${count('failed')} failed`);
  if (report.retries) parts.push(`${report.retries} requests retried`);
  return `${report.env}: ${parts.join(', ')}${report.dryRun ? ' (server dry run, nothing changed)' : ''}`;
}

/** Prints an apply's report (JSON, or the summary line) and returns exit code 0; a failure is thrown after printing. */
export function finishApply(outcome: { report: ApplyReport; error?: Error }, json: boolean, progress: Progress): number {
  if (json) process.stdout.write(reportJson(outcome.report));
  else {
    progress.info(summaryLine(outcome.report));
    if (outcome.report.rollback) progress.info(`rollback: ${summaryLine(outcome.report.rollback)}`);
  }
  if (outcome.error) throw outcome.error;
  return 0;
}
