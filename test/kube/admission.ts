// Admission of pods as the LimitRanger and ResourceQuota plugins do it: LimitRange defaults are
// filled in, then min/max are enforced, then every quota of the namespace must have room. A
// refusal is the message a real server puts after `pods "web-5d4f8c7b9-" is forbidden: `, e.g.
// `maximum memory usage per Container is 1Gi, but limit is 2Gi` or
// `exceeded quota: compute, requested: limits.memory=2Gi, used: limits.memory=1Gi, limited: limits.memory=2Gi`.

import type { Json, JsonObject } from '../../src/kustomize/resource.js';
import { clone, isObject } from './fieldset.js';
import { formatQuantity, isBinaryResource, parseQuantity } from './quantity.js';

function obj(v: Json | undefined): JsonObject {
  return isObject(v) ? v : {};
}

function containers(pod: JsonObject): JsonObject[] {
  const c = obj(pod.spec).containers;
  return Array.isArray(c) ? c.filter(isObject) : [];
}

function resources(c: JsonObject, which: 'requests' | 'limits'): JsonObject {
  const r = isObject(c.resources) ? c.resources : (c.resources = {});
  return isObject(r[which]) ? r[which] : (r[which] = {});
}

/** Fills LimitRange defaults into `pod` (in place), then checks min and max; returns the refusal, if any. */
export function limitRangeRefusal(pod: JsonObject, limitRanges: JsonObject[]): string | undefined {
  const errs: string[] = [];
  const limits = limitRanges.flatMap((lr) => (Array.isArray(obj(lr.spec).limits) ? (obj(lr.spec).limits as Json[]).filter(isObject) : []));
  for (const l of limits.filter((x) => x.type === 'Container')) {
    for (const c of containers(pod)) {
      for (const [r, q] of Object.entries(obj(l.default))) resources(c, 'limits')[r] ??= q;
      for (const [r, q] of Object.entries(obj(l.defaultRequest))) resources(c, 'requests')[r] ??= q;
    }
  }
  // API defaulting: a request left out is the limit.
  for (const c of containers(pod)) for (const [r, q] of Object.entries(resources(c, 'limits'))) resources(c, 'requests')[r] ??= q;
  for (const l of limits) {
    if (l.type !== 'Container' && l.type !== 'Pod') continue;
    const units: { requests: JsonObject; limits: JsonObject }[] =
      l.type === 'Container' ? containers(pod).map((c) => ({ requests: resources(c, 'requests'), limits: resources(c, 'limits') })) : [podTotals(pod)];
    for (const u of units) {
      for (const [r, max] of Object.entries(obj(l.max))) {
        const have = parseQuantity(u.limits[r]);
        if (have === undefined) errs.push(`maximum ${r} usage per ${String(l.type)} is ${String(max)}.  No limit is specified`);
        else if (have > parseQuantity(max)!) errs.push(`maximum ${r} usage per ${String(l.type)} is ${String(max)}, but limit is ${String(u.limits[r])}`);
      }
      for (const [r, min] of Object.entries(obj(l.min))) {
        const have = parseQuantity(u.requests[r]);
        if (have === undefined) errs.push(`minimum ${r} usage per ${String(l.type)} is ${String(min)}.  No request is specified`);
        else if (have < parseQuantity(min)!) errs.push(`minimum ${r} usage per ${String(l.type)} is ${String(min)}, but request is ${String(u.requests[r])}`);
      }
    }
  }
  if (errs.length === 0) return undefined;
  return errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
}

function podTotals(pod: JsonObject): { requests: JsonObject; limits: JsonObject } {
  const sum = (which: 'requests' | 'limits') => {
    const out: JsonObject = {};
    const all = containers(pod).map((c) => obj(obj(c.resources)[which]));
    const names = new Set(all.flatMap((r) => Object.keys(r)));
    for (const n of names) {
      if (all.some((r) => parseQuantity(r[n]) === undefined)) continue;
      out[n] = formatQuantity(all.reduce((s, r) => s + parseQuantity(r[n])!, 0), isBinaryResource(n));
    }
    return out;
  };
  return { requests: sum('requests'), limits: sum('limits') };
}

// What a quota can count of a pod, and where in the pod it is.
const COMPUTE: Record<string, { which: 'requests' | 'limits'; resource: string }> = {
  cpu: { which: 'requests', resource: 'cpu' },
  memory: { which: 'requests', resource: 'memory' },
  'requests.cpu': { which: 'requests', resource: 'cpu' },
  'requests.memory': { which: 'requests', resource: 'memory' },
  'limits.cpu': { which: 'limits', resource: 'cpu' },
  'limits.memory': { which: 'limits', resource: 'memory' },
};

/** A pod's usage of each quota resource it counts towards (pods that have terminated count for nothing). */
export function podUsage(pod: JsonObject): Map<string, number> {
  const out = new Map<string, number>();
  const phase = obj(pod.status).phase;
  if (phase === 'Succeeded' || phase === 'Failed') return out;
  out.set('pods', 1).set('count/pods', 1);
  for (const [key, { which, resource }] of Object.entries(COMPUTE)) {
    const values = containers(pod).map((c) => parseQuantity(obj(obj(c.resources)[which])[resource]));
    if (values.every((v) => v !== undefined)) out.set(key, values.reduce<number>((s, v) => s + v!, 0));
  }
  return out;
}

function total(pods: JsonObject[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of pods) for (const [k, v] of podUsage(p)) out.set(k, (out.get(k) ?? 0) + v);
  return out;
}

const fmt = (k: string, v: number) => `${k}=${formatQuantity(v, isBinaryResource(k))}`;

/** Whether every quota has room for `pod` next to `pods` (the namespace's pods); returns the refusal, if any. */
export function quotaRefusal(pod: JsonObject, quotas: JsonObject[], pods: JsonObject[]): string | undefined {
  const used = total(pods);
  const wanted = podUsage(pod);
  for (const q of quotas) {
    const name = String(obj(q.metadata).name);
    const hard = obj(obj(q.spec).hard);
    const missing = Object.keys(hard)
      .filter((k) => k in COMPUTE && !wanted.has(k))
      .sort();
    if (missing.length) return `failed quota: ${name}: must specify ${missing.join(',')}`;
    const over = Object.keys(hard)
      .filter((k) => wanted.has(k) && (used.get(k) ?? 0) + wanted.get(k)! > (parseQuantity(hard[k]) ?? Infinity))
      .sort();
    if (over.length) {
      const list = (f: (k: string) => number) => over.map((k) => fmt(k, f(k))).join(',');
      return `exceeded quota: ${name}, requested: ${list((k) => wanted.get(k)!)}, used: ${list((k) => used.get(k) ?? 0)}, limited: ${over.map((k) => `${k}=${String(hard[k])}`).join(',')}`;
    }
  }
  return undefined;
}

/** The status the quota controller writes: `hard` as specified, `used` by the namespace's pods. */
export function quotaStatus(quota: JsonObject, pods: JsonObject[]): JsonObject {
  const hard = clone(obj(obj(quota.spec).hard));
  const usage = total(pods);
  const used: JsonObject = {};
  for (const k of Object.keys(hard)) if (k in COMPUTE || k === 'pods' || k === 'count/pods') used[k] = formatQuantity(usage.get(k) ?? 0, isBinaryResource(k));
  return { hard, used };
}
