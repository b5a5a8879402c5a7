// Kubernetes `Status` error bodies (k8s.io/apimachinery/pkg/api/errors), with the same
// messages, reasons and details the real API server sends.

import type { JsonObject } from '../../src/kustomize/resource.js';

/** metav1.StatusCause: its Go field `Type` is serialized as `reason`. */
export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): JsonObject {
    // Errors the server does not classify (plain Go errors) carry no reason.
    const s: JsonObject = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message };
    if (this.reason) s.reason = this.reason;
    if (this.details) s.details = JSON.parse(JSON.stringify(this.details)) as JsonObject;
    s.code = this.code;
    return s;
  }
}

/** What an error names: the resource (plural) and group, e.g. `deployments.apps "web"`. */
export interface Target {
  group: string;
  resource: string;
  name: string;
}

function qualified(t: Target): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

function details(t: Target): StatusDetails {
  return t.group ? { name: t.name, group: t.group, kind: t.resource } : { name: t.name, kind: t.resource };
}

/** The reason the real server gives with each status code. */
export const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export const errors = {
  notFound: (t: Target) => new ApiError(404, 'NotFound', `${qualified(t)} "${t.name}" not found`, details(t)),
  alreadyExists: (t: Target) => new ApiError(409, 'AlreadyExists', `${qualified(t)} "${t.name}" already exists`, details(t)),
  conflict: (t: Target, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
    new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(t)} "${t.name}": ${why}`, details(t)),
  applyConflict: (message: string, causes: StatusCause[]) => new ApiError(409, 'Conflict', message, { causes }),
  /** 422 with field causes; `kind` is the Kind (e.g. `ConfigMap`), as the real server reports it. */
  invalid: (kind: string, group: string, name: string, causes: StatusCause[]) =>
    new ApiError(
      422,
      'Invalid',
      `${group ? `${kind}.${group}` : kind} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
      { name, group: group || undefined, kind, causes },
    ),
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  forbidden: (t: Target, why: string, causes?: StatusCause[]) =>
    new ApiError(403, 'Forbidden', `${qualified(t)} "${t.name}" is forbidden: ${why}`, { ...details(t), causes }),
  methodNotAllowed: (verb: string) => new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${verb})`),
  unsupportedMediaType: (type: string) => new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${type})`),
  notFoundPath: () => new ApiError(404, 'NotFound', 'the server could not find the requested resource'),
  tooManyRequests: (seconds: number) =>
    new ApiError(429, 'TooManyRequests', 'the server has received too many requests and has asked us to try again later', { retryAfterSeconds: seconds }),
  /** A plain Go error the apiserver passes on as it is: HTTP 500 without a reason (e.g. from server-side apply's typed conversion). */
  unclassified: (message: string) => new ApiError(500, '', message),
  internal: (message: string) => new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
};
