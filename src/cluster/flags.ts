import type { ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';
import type { ConnectOptions } from './client.js';
import { parseDuration } from './duration.js';
import { checkExclusive, reservationConnectOptions, reservationFor } from './pool/reservation.js';

// Flags shared by every command that talks to a cluster (apply, env up/down/list/gc).

export const clusterFlagOptions = {
  context: { type: 'string' },
  kubeconfig: { type: 'string' },
  reservation: { type: 'string' },
  'request-timeout': { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const clusterFlagsHelp = `Cluster flags:
  --context NAME       kubeconfig context (default: the current context)
  --kubeconfig FILE    kubeconfig file (default: KUBECONFIG, ~/.kube/config, then the in-cluster service account)
  --reservation NAME|FILE  the pool cluster 'kts cluster reserve' leased to this job (its name, or the
                       reservation file it wrote; default: KTS_RESERVATION); checked and renewed first
  --request-timeout D  retry a request that gets no response within D (default 60s; 0: wait forever)
`;

export function connectOptionsFrom(values: Record<string, unknown>): ConnectOptions {
  const reservation = typeof values.reservation === 'string' ? values.reservation : process.env.KTS_RESERVATION || undefined;
  let out: ConnectOptions = {};
  if (reservation !== undefined) {
    if (typeof values.reservation === 'string') checkExclusive(values);
    const configFile = typeof values.config === 'string' ? values.config : undefined;
    out = reservationConnectOptions(reservationFor(reservation, { cwd: process.cwd(), configFile }));
  }
  if (typeof values.context === 'string') out.context = values.context;
  if (typeof values.kubeconfig === 'string') out.kubeconfig = values.kubeconfig;
  if (values['request-timeout'] !== undefined) out.requestTimeoutMs = durationFlag(values['request-timeout'], '--request-timeout', 0);
  return out;
}

export function positiveInt(value: unknown, flag: string, dflt: number): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: expected a positive integer, got '${String(value)}'`);
  return n;
}

export function durationFlag(value: unknown, flag: string, dflt: number): number {
  return value === undefined ? dflt : parseDuration(String(value), flag);
}
