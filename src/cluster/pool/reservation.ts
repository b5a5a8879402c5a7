// What `kts cluster reserve` leaves for the job's later steps: a reservation file naming the
// cluster, how to reach it and who holds it. `--reservation NAME|FILE` (or KTS_RESERVATION) on
// env up/down, apply and diff connects there, after checking that the job still holds the lease
// (renewing it: a job that deploys keeps its cluster).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KtsError, UsageError } from '../../errors.js';
import type { ConnectOptions } from '../client.js';
import { loadPool, poolCluster } from './config.js';
import { poolConnectOptions } from './connect.js';
import { holderIdentity } from './holder.js';

export const RESERVATION_FILE = '.kts-reservation.json';

export interface Reservation {
  cluster: string;
  size: string;
  holder: string;
  /** Absolute path of the cluster's kubeconfig, when it has its own. */
  kubeconfig?: string;
  context?: string;
  expires?: string;
}

export function writeReservation(file: string, r: Reservation): void {
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
}

export function readReservation(file: string): Reservation {
  let r: Partial<Reservation>;
  try {
    r = JSON.parse(readFileSync(file, 'utf8')) as Partial<Reservation>;
  } catch (e) {
    throw new KtsError('reservation', `cannot read the reservation: ${(e as Error).message.split('\n')[0]}`, { file });
  }
  if (typeof r !== 'object' || r === null || typeof r.cluster !== 'string' || typeof r.holder !== 'string') {
    throw new KtsError('reservation', 'not a reservation written by kts cluster reserve (needs cluster and holder)', { file });
  }
  return r as Reservation;
}

/** `--reservation`: a pool member's name (held by this job) or a reservation file. */
export function reservationFor(ref: string, opts: { cwd: string; configFile?: string; env?: NodeJS.ProcessEnv }): Reservation {
  const path = resolve(opts.cwd, ref);
  if (existsSync(path) || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ref)) return readReservation(path);
  const c = poolCluster(loadPool(opts), ref);
  return { cluster: c.name, size: c.size, holder: holderIdentity(opts.env), ...poolConnectOptions(c) };
}

/** Connect options for a reservation: its cluster, checked to be still held (and renewed) once connected. */
export function reservationConnectOptions(r: Reservation): ConnectOptions {
  const out: ConnectOptions = {
    afterConnect: async (client) => {
      const { renew } = await import('./lease.js');
      await renew(client, r.cluster, r.holder, undefined);
    },
  };
  if (r.kubeconfig) out.kubeconfig = r.kubeconfig;
  if (r.context) out.context = r.context;
  return out;
}

export function checkExclusive(values: Record<string, unknown>): void {
  if (values.context !== undefined || values.kubeconfig !== undefined) throw new UsageError('--reservation picks the cluster: leave out --context and --kubeconfig');
}
