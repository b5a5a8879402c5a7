// One error type for everything a user can get wrong. The CLI prints `message` as one line
// (prefixed with file and field when known) and exits with `exitCode`; a stack trace is only
// ever printed for errors that are not KtsError, i.e. our own bugs. Every line goes through
// redactUrl: a file or message may be a URL carrying a user name, password or token.

import { redactUrl } from './net/redact.js';

export const EXIT_OK = 0;
/** A user error: bad input, a failed build, a refused operation, an API or git failure. */
export const EXIT_FAILURE = 1;
/** A usage error: unknown command or flag, missing argument. */
export const EXIT_USAGE = 2;

export interface ErrorContext {
  /** File the problem is in (as the user would write it, relative where possible). */
  file?: string;
  /** Field or path inside that file, e.g. `resources[2]` or `spec.template`. */
  field?: string;
  /** 1-based line, when known. */
  line?: number;
}

export class KtsError extends Error {
  readonly code: string;
  readonly file?: string;
  readonly field?: string;
  readonly line?: number;
  readonly exitCode: number;

  constructor(code: string, message: string, context: ErrorContext = {}, exitCode = EXIT_FAILURE) {
    super(message);
    this.name = 'KtsError';
    this.code = code;
    this.file = context.file;
    this.field = context.field;
    this.line = context.line;
    this.exitCode = exitCode;
  }

  /** `file:line: field: message`, leaving out the parts we do not know; always one line, no credentials. */
  toLine(): string {
    const file = this.file && redactUrl(this.file);
    const where = file ? (this.line ? `${file}:${this.line}` : file) : '';
    return [where, this.field, this.message && redactUrl(this.message)].filter(Boolean).join(': ').replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' ');
  }
}

export class UsageError extends KtsError {
  constructor(message: string) {
    super('usage', message, {}, EXIT_USAGE);
    this.name = 'UsageError';
  }

  /** What is wrong: the first line (the command's help follows it in the message). */
  override toLine(): string {
    return redactUrl(this.message.split('\n')[0]!);
  }
}

export function isKtsError(e: unknown): e is KtsError {
  return e instanceof KtsError;
}
