// Preview namespaces as data: which namespaces are ours to touch, what they say about their
// app, branch and age, and which ones garbage collection removes. Only a namespace carrying all
// the ownership labels plus our preview marker is a preview; system namespaces never are. Labels
// alone can be forged by anyone who may label a namespace, so deleting one takes proof (ownedProof).
import type { JsonObject } from '../kustomize/resource.js';
import { ANNOTATION_BRANCH_NAME, ANNOTATION_BUILD, ANNOTATION_COMMIT, LABEL_APP, LABEL_BRANCH, LABEL_ENVIRONMENT, MANAGED_BY } from '../env/plan.js';
import { ANNOTATION_TOOLING, LABEL_ID, TOOLING_NAME, type ApplySetParent } from './applyset.js';
import { formatAge } from './duration.js';
import { PROTECTED_NAMESPACES } from './plan.js';

/** Set by `kts env up` only, so that namespaces of long-lived environments (production) are never previews. */
export const LABEL_PREVIEW = 'kts.dev/preview';
/** When `kts env up` last deployed into the namespace (RFC 3339). */
export const ANNOTATION_DEPLOYED_AT = 'kts.dev/deployed-at';
/** Field manager for the preview namespace's own metadata (separate from `kts`, which applies the render). */
export const ENV_FIELD_MANAGER = 'kts-env';

export interface Preview {
  namespace: string;
  app: string;
  env: string;
  /** The branch name as pushed, or its slug when the name was not recorded. */
  branch: string;
  slug: string;
  commit?: string;
  build?: string;
  /** Epoch milliseconds. */
  created: number;
  /** Epoch milliseconds of the last `kts env up`, else `created`. */
  lastDeploy: number;
  terminating: boolean;
}

interface ManagedEntry {
  manager?: string;
  operation?: string;
  fieldsV1?: Record<string, unknown>;
}

interface Meta {
  name?: string;
  managedFields?: ManagedEntry[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  deletionTimestamp?: string;
}

const metaOf = (ns: JsonObject) => (ns.metadata ?? {}) as Meta;

/** Labels a preview namespace carries (the render's ownership labels plus the preview marker). */
export function previewLabels(app: string, env: string, slug: string): Record<string, string> {
  return { [MANAGED_BY]: 'kts', [LABEL_APP]: app, [LABEL_ENVIRONMENT]: env, [LABEL_BRANCH]: slug, [LABEL_PREVIEW]: 'true' };
}

/** Selector for listing previews of one app (every app's when undefined), optionally of one environment. */
export function previewSelector(app: string | undefined, env?: string): string {
  return [`${MANAGED_BY}=kts`, `${LABEL_PREVIEW}=true`, app ? `${LABEL_APP}=${app}` : LABEL_APP, env ? `${LABEL_ENVIRONMENT}=${env}` : LABEL_ENVIRONMENT, LABEL_BRANCH].join(',');
}

/** Why `kts env` must not touch namespace `name` (its live object, if any), or undefined when it is a preview. */
export function refusal(name: string, ns: JsonObject | undefined): string | undefined {
  if (PROTECTED_NAMESPACES.has(name)) return `namespace ${name} is a system namespace; kts never deletes or takes it over`;
  if (!ns) return undefined;
  const labels = metaOf(ns).labels ?? {};
  const missing = [MANAGED_BY, LABEL_APP, LABEL_ENVIRONMENT, LABEL_BRANCH, LABEL_PREVIEW].filter((k) => !labels[k]);
  if (labels[MANAGED_BY] !== undefined && labels[MANAGED_BY] !== 'kts') return `namespace ${name} is managed by ${labels[MANAGED_BY]}, not kts`;
  if (missing.length) return `namespace ${name} is not a kts preview (missing label${missing.length > 1 ? 's' : ''} ${missing.join(', ')})`;
  return undefined;
}

/** Why the existing preview `ns` is not app `app`'s preview of `env` for branch `branch` (its full name), or undefined. */
export function belongsElsewhere(ns: JsonObject, app: string, env: string, branch?: string): string | undefined {
  const m = metaOf(ns);
  const labels = m.labels ?? {};
  if (labels[LABEL_APP] !== app) return `namespace ${m.name} belongs to app '${labels[LABEL_APP]}', not '${app}'`;
  if (labels[LABEL_ENVIRONMENT] !== env) return `namespace ${m.name} is a preview of environment '${labels[LABEL_ENVIRONMENT]}', not '${env}'`;
  const recorded = m.annotations?.[ANNOTATION_BRANCH_NAME];
  if (branch !== undefined && recorded !== branch) return `namespace ${m.name} belongs to branch '${recorded ?? '(unrecorded)'}', not '${branch}' (their slugs collide)`;
  return undefined;
}

/** Whether `manager` applied the field `f:metadata/f:labels/f:<label>` of `obj`. */
export function appliedLabel(obj: JsonObject, manager: string, label: string): boolean {
  return (metaOf(obj).managedFields ?? []).some((e) => {
    if (e.manager !== manager || e.operation !== 'Apply') return false;
    const labels = ((e.fieldsV1?.['f:metadata'] as Record<string, unknown> | undefined)?.['f:labels'] ?? {}) as Record<string, unknown>;
    return Object.hasOwn(labels, `f:${label}`);
  });
}

/**
 * Why namespace `ns` is not proven to be a preview kts created, or undefined when it is: its
 * preview and app labels applied by our field manager, and inside it our ApplySet parent with
 * the id derived from app, environment and namespace (which labeling a namespace cannot make).
 * `parentOptional`: env up may resume a first deploy that stopped before the parent was written.
 */
export function ownershipGap(ns: JsonObject, parent: ApplySetParent, liveParent: JsonObject | undefined, opts: { parentOptional?: boolean } = {}): string | undefined {
  const name = metaOf(ns).name;
  if (!appliedLabel(ns, ENV_FIELD_MANAGER, LABEL_PREVIEW) || !appliedLabel(ns, ENV_FIELD_MANAGER, LABEL_APP)) {
    return `namespace ${name} carries preview labels that kts env up did not apply (field manager ${ENV_FIELD_MANAGER})`;
  }
  if (!liveParent) return opts.parentOptional ? undefined : `namespace ${name} holds no ApplySet parent ${parent.name}: not made by kts env up`;
  const pm = metaOf(liveParent);
  const tooling = pm.annotations?.[ANNOTATION_TOOLING] ?? '';
  if (pm.labels?.[LABEL_ID] !== parent.id || !tooling.startsWith(`${TOOLING_NAME}/`)) {
    return `the ApplySet parent ${parent.name} in namespace ${name} is not kts's (id or tooling differ)`;
  }
  return undefined;
}

function time(s: string | undefined): number | undefined {
  const t = s ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

/** The preview a namespace object describes, or undefined when it is not one. */
export function previewOf(ns: JsonObject): Preview | undefined {
  const m = metaOf(ns);
  if (!m.name || refusal(m.name, ns)) return undefined;
  const labels = m.labels!;
  const ann = m.annotations ?? {};
  const created = time(m.creationTimestamp) ?? 0;
  return {
    namespace: m.name,
    app: labels[LABEL_APP]!,
    env: labels[LABEL_ENVIRONMENT]!,
    branch: ann[ANNOTATION_BRANCH_NAME] ?? labels[LABEL_BRANCH]!,
    slug: labels[LABEL_BRANCH]!,
    commit: ann[ANNOTATION_COMMIT],
    build: ann[ANNOTATION_BUILD],
    created,
    lastDeploy: time(ann[ANNOTATION_DEPLOYED_AT]) ?? created,
    terminating: Boolean(m.deletionTimestamp),
  };
}

export interface GcRules {
  now: number;
  /** Delete previews not deployed for longer than this. */
  maxAgeMs?: number;
  /** Keep at most this many previews (the most recently deployed). */
  maxEnvs?: number;
  /** Branches that still exist; previews of other branches are deleted. Undefined: not checked. */
  liveBranches?: Set<string>;
}

export interface GcDecision {
  preview: Preview;
  reason: string;
}

function branchLives(p: Preview, live: Set<string>): boolean {
  return live.has(p.branch) || live.has(p.slug);
}

/** Which previews garbage collection deletes and why; the rest are kept. Pure. */
export function planGc(previews: Preview[], rules: GcRules): { remove: GcDecision[]; keep: Preview[] } {
  const remove: GcDecision[] = [];
  let keep: Preview[] = [];
  for (const p of previews) {
    if (p.terminating) continue;
    if (rules.liveBranches && !branchLives(p, rules.liveBranches)) {
      remove.push({ preview: p, reason: `branch ${p.branch} no longer exists` });
    } else if (rules.maxAgeMs !== undefined && rules.now - p.lastDeploy > rules.maxAgeMs) {
      remove.push({ preview: p, reason: `last deployed ${formatAge(rules.now - p.lastDeploy)} ago (max age ${formatAge(rules.maxAgeMs)})` });
    } else {
      keep.push(p);
    }
  }
  if (rules.maxEnvs !== undefined && keep.length > rules.maxEnvs) {
    const newestFirst = [...keep].sort((a, b) => b.lastDeploy - a.lastDeploy || a.namespace.localeCompare(b.namespace));
    for (const p of newestFirst.slice(rules.maxEnvs)) {
      remove.push({ preview: p, reason: `beyond the ${rules.maxEnvs} most recently deployed previews` });
    }
    keep = newestFirst.slice(0, rules.maxEnvs);
  }
  return { remove, keep };
}

/** `kts env list` as a table. */
export function previewTable(previews: Preview[], now: number): string {
  const rows = [
    ['NAMESPACE', 'APP', 'ENVIRONMENT', 'BRANCH', 'COMMIT', 'BUILD', 'AGE', 'LAST DEPLOY'],
    ...[...previews]
      .sort((a, b) => a.namespace.localeCompare(b.namespace))
      .map((p) => [
        p.namespace + (p.terminating ? ' (terminating)' : ''),
        p.app,
        p.env,
        p.branch,
        p.commit ? p.commit.slice(0, 12) : '-',
        p.build ?? '-',
        formatAge(now - p.created),
        `${formatAge(now - p.lastDeploy)} ago`,
      ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}
