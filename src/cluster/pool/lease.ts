// A cluster's reservation is a coordination.k8s.io/v1 Lease in that cluster (default/kts-pool-reservation).
// Taking it is optimistic concurrency: a create fails with 409 when another job created it first,
// an update fails with 409 when another job wrote it since we read it; so of N jobs racing for a
// free cluster exactly one wins. A lease not renewed within its duration is free again.

import { KtsError } from '../../errors.js';
import type { JsonObject } from '../../kustomize/resource.js';
import { apiError, isStatus } from '../apierror.js';
import type { KubeClient } from '../client.js';

export const LEASE_NAMESPACE = 'default';
export const LEASE_NAME = 'kts-pool-reservation';
const API_VERSION = 'coordination.k8s.io/v1';
const FIELD_MANAGER = 'kts-pool';

export interface LeaseInfo {
  /** The holder, also of an expired lease (who let it lapse). */
  holder?: string;
  since?: string;
  /** When it expires unless renewed (ISO time). */
  expires?: string;
  /** Nobody holds it, or the holder's lease has expired. */
  free: boolean;
}

function spec(obj: JsonObject | undefined): Record<string, unknown> {
  return (obj?.spec ?? {}) as Record<string, unknown>;
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function leaseInfo(obj: JsonObject | undefined, now: number): LeaseInfo {
  const s = spec(obj);
  const holder = typeof s.holderIdentity === 'string' && s.holderIdentity ? s.holderIdentity : undefined;
  if (!holder) return { free: true };
  const renewed = Date.parse(String(s.renewTime ?? s.acquireTime ?? ''));
  const ttl = typeof s.leaseDurationSeconds === 'number' ? s.leaseDurationSeconds : 0;
  const expiresMs = Number.isNaN(renewed) ? 0 : renewed + ttl * 1000;
  return { holder, since: typeof s.acquireTime === 'string' ? s.acquireTime : undefined, expires: new Date(expiresMs).toISOString(), free: expiresMs <= now };
}

export async function readLease(client: KubeClient): Promise<JsonObject | undefined> {
  try {
    return await client.get(API_VERSION, 'Lease', LEASE_NAME, LEASE_NAMESPACE);
  } catch (e) {
    throw apiError(e, `Lease ${LEASE_NAMESPACE}/${LEASE_NAME}`, client.server);
  }
}

async function write(client: KubeClient, live: JsonObject | undefined, body: JsonObject): Promise<boolean> {
  try {
    if (live) await client.replace(body, FIELD_MANAGER);
    else await client.create(body, FIELD_MANAGER);
    return true;
  } catch (e) {
    if (isStatus(e, 409)) return false;
    throw apiError(e, `Lease ${LEASE_NAMESPACE}/${LEASE_NAME}`, client.server);
  }
}

function leaseObject(live: JsonObject | undefined, cluster: string, s: Record<string, unknown>): JsonObject {
  const metadata: JsonObject = { name: LEASE_NAME, namespace: LEASE_NAMESPACE, labels: { 'app.kubernetes.io/managed-by': 'kts' }, annotations: { 'kts.dev/cluster': cluster } };
  const rv = (live?.metadata as JsonObject | undefined)?.resourceVersion;
  if (typeof rv === 'string') metadata.resourceVersion = rv;
  return { apiVersion: API_VERSION, kind: 'Lease', metadata, spec: s as JsonObject };
}

export type AcquireResult = { won: true; info: LeaseInfo } | { won: false; info: LeaseInfo };

/**
 * Takes the lease for `holder` for `ttlSeconds` if it is free or already `holder`'s (then it is
 * renewed); loses when someone holds it or wrote it first.
 */
export async function acquire(client: KubeClient, cluster: string, holder: string, ttlSeconds: number, now = Date.now()): Promise<AcquireResult> {
  const live = await readLease(client);
  const info = leaseInfo(live, now);
  const mine = info.holder === holder && !info.free;
  if (!info.free && !mine) return { won: false, info };
  const transitions = typeof spec(live).leaseTransitions === 'number' ? (spec(live).leaseTransitions as number) : 0;
  const body = leaseObject(live, cluster, {
    holderIdentity: holder,
    leaseDurationSeconds: ttlSeconds,
    acquireTime: mine ? spec(live).acquireTime : microTime(now),
    renewTime: microTime(now),
    leaseTransitions: mine || !live ? transitions : transitions + 1,
  });
  if (!(await write(client, live, body))) return { won: false, info: leaseInfo(await readLease(client), now) };
  return { won: true, info: leaseInfo(body, now) };
}

/** Extends `holder`'s lease; an error when someone else holds it now. */
export async function renew(client: KubeClient, cluster: string, holder: string, ttlSeconds: number | undefined, now = Date.now()): Promise<LeaseInfo> {
  const live = await readLease(client);
  const info = leaseInfo(live, now);
  if (info.holder !== holder) {
    throw new KtsError('reservation', `cluster ${cluster} is not reserved by ${holder}${info.holder && !info.free ? ` (held by ${info.holder} until ${info.expires})` : ' (it is free: reserve it again)'}`);
  }
  const ttl = ttlSeconds ?? (spec(live).leaseDurationSeconds as number);
  const result = await acquire(client, cluster, holder, ttl, now);
  if (!result.won) throw new KtsError('reservation', `cluster ${cluster} was taken by ${result.info.holder ?? 'another job'} after ${holder}'s lease expired`);
  return result.info;
}

export type ReleaseResult = { released: true; previous: LeaseInfo } | { released: false; info: LeaseInfo };

/** Frees the lease when `holder` holds it (or `force`); refused (released: false) when someone else does. */
export async function release(client: KubeClient, cluster: string, holder: string, force: boolean, now = Date.now()): Promise<ReleaseResult> {
  for (;;) {
    const live = await readLease(client);
    const info = leaseInfo(live, now);
    if (!info.holder) return { released: true, previous: info };
    if (info.holder !== holder && !info.free && !force) return { released: false, info };
    const s = spec(live);
    const body = leaseObject(live, cluster, { leaseTransitions: typeof s.leaseTransitions === 'number' ? s.leaseTransitions : 0 });
    (body.metadata as JsonObject).annotations = { 'kts.dev/cluster': cluster, 'kts.dev/released-by': holder, 'kts.dev/released-at': new Date(now).toISOString() };
    if (await write(client, live, body)) return { released: true, previous: info };
  }
}
