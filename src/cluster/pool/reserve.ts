// `kts cluster reserve`: the first free pool member of the wanted size (and labels) is leased to
// the job; when none is free, try again every `intervalMs` until `waitMs` has passed.

import { KtsError } from '../../errors.js';
import { sleep } from '../limit.js';
import type { KubeClient } from '../client.js';
import type { Pool, PoolCluster } from './config.js';
import { acquire, type LeaseInfo } from './lease.js';

export interface ReserveRequest {
  size?: string;
  labels: Record<string, string>;
  holder: string;
  ttlSeconds: number;
  waitMs: number;
  intervalMs: number;
  connectTo: (c: PoolCluster) => Promise<KubeClient>;
  /** A member that could not be asked (unreachable, refused): reported, then skipped. */
  onSkip?: (c: PoolCluster, why: string) => void;
}

export function candidates(pool: Pool, size: string | undefined, labels: Record<string, string>): PoolCluster[] {
  return pool.clusters.filter((c) => (size === undefined || c.size === size) && Object.entries(labels).every(([k, v]) => c.labels[k] === v));
}

export async function reserve(pool: Pool, req: ReserveRequest): Promise<{ cluster: PoolCluster; lease: LeaseInfo }> {
  const members = candidates(pool, req.size, req.labels);
  const wanted = [req.size && `size ${req.size}`, ...Object.entries(req.labels).map(([k, v]) => `${k}=${v}`)].filter(Boolean).join(', ') || 'any';
  if (members.length === 0) throw new KtsError('pool', `no cluster in the pool matches ${wanted} (sizes: ${[...new Set(pool.clusters.map((c) => c.size))].join(', ')})`, { file: pool.display, field: 'clusters' });
  const deadline = Date.now() + req.waitMs;
  const clients = new Map<string, KubeClient>();
  for (;;) {
    const held: string[] = [];
    for (const c of members) {
      try {
        let client = clients.get(c.name);
        if (!client) clients.set(c.name, (client = await req.connectTo(c)));
        const r = await acquire(client, c.name, req.holder, req.ttlSeconds);
        if (r.won) return { cluster: c, lease: r.info };
        held.push(`${c.name} held by ${r.info.holder ?? 'another job'} until ${r.info.expires ?? '?'}`);
      } catch (e) {
        const why = (e as Error).message.split('\n')[0]!;
        req.onSkip?.(c, why);
        held.push(`${c.name} unavailable (${why})`);
      }
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new KtsError('pool-busy', `no free cluster (${wanted})${req.waitMs ? ` after waiting ${Math.round(req.waitMs / 1000)}s` : ''}: ${held.join('; ')}`);
    await sleep(Math.min(req.intervalMs, left));
  }
}
