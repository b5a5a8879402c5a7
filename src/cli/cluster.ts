import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from './command.js';
import { parseFlags } from './args.js';
import { KtsError, UsageError } from '../errors.js';
import { durationFlag } from '../cluster/flags.js';

const help = `usage: kts cluster reserve|renew|release|list [flags]

A pool of pre-created test clusters (kts.yaml 'clusters:', each a kubeconfig file and/or context,
a size and labels), leased to CI jobs with a coordination.k8s.io/v1 Lease in each cluster
(default/kts-pool-reservation). The holder is the CI job: provider, job and build (KTS_HOLDER or
--holder overrides), so every step of the job may renew and release what its first step reserved.

  kts cluster reserve [--size S] [--label K=V]... [--wait 10m] [--ttl 2h] [--kubeconfig-out FILE] [--json]
      lease the first free cluster of that size (and labels); wait up to --wait (default 0: fail at
      once) polling every --interval (default 2s); the lease expires after --ttl (default 1h) unless
      renewed. Writes the reservation file (--reservation-file, default ${'.kts-reservation.json'})
      for later steps (--reservation on env up/down, apply, diff). Prints the cluster's name as the
      last line of stdout; --json prints the reservation instead.
  kts cluster renew [NAME] [--ttl D]       extend this job's lease (default NAME: the reservation file's)
  kts cluster release [NAME] [--force] [--clean [--timeout 5m]]
      give the cluster back (idempotent); only the holder may, --force breaks another job's lease
      (with a warning); --clean first deletes the app's preview namespaces there (kts.yaml app)
      and waits until they are gone
  kts cluster list [--json]                every pool member: size, labels, holder, since, expires, reachable

Flags: --config FILE (kts.yaml), --holder ID, --reservation-file FILE
`;

const options = {
  config: { type: 'string' },
  holder: { type: 'string' },
  size: { type: 'string' },
  label: { type: 'string', multiple: true },
  wait: { type: 'string' },
  interval: { type: 'string' },
  ttl: { type: 'string' },
  'kubeconfig-out': { type: 'string' },
  'reservation-file': { type: 'string' },
  json: { type: 'boolean' },
  force: { type: 'boolean' },
  clean: { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

type Values = Record<string, unknown> & { config?: string; holder?: string; json?: boolean };

function seconds(value: unknown, flag: string, dflt: number): number {
  const ms = durationFlag(value, flag, dflt * 1000);
  if (ms < 1000) throw new UsageError(`${flag}: must be at least 1s`);
  return Math.ceil(ms / 1000);
}

function labelsFrom(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of (list as string[] | undefined) ?? []) {
    const eq = l.indexOf('=');
    if (eq < 1) throw new UsageError(`--label: expected KEY=VALUE, got '${l}'`);
    out[l.slice(0, eq)] = l.slice(eq + 1);
  }
  return out;
}

async function pool(values: Values) {
  const { loadPool } = await import('../cluster/pool/config.js');
  return loadPool({ cwd: process.cwd(), configFile: values.config });
}

const reservationPath = (values: Values) => resolve(typeof values['reservation-file'] === 'string' ? values['reservation-file'] : '.kts-reservation.json');

/** NAME given, or the reservation file's cluster (and then its holder). */
async function target(values: Values, positionals: string[]): Promise<{ name: string; holder: string }> {
  const { holderIdentity } = await import('../cluster/pool/holder.js');
  const { readReservation } = await import('../cluster/pool/reservation.js');
  const holder = holderIdentity(process.env, values.holder);
  if (positionals.length > 1) throw new UsageError(`expected at most one cluster NAME\n${help}`);
  if (positionals[0]) return { name: positionals[0], holder };
  const file = reservationPath(values);
  if (!existsSync(file)) throw new UsageError(`expected a cluster NAME (no reservation file ${file})\n${help}`);
  const r = readReservation(file);
  return { name: r.cluster, holder: values.holder ?? r.holder };
}

async function reserveCmd(values: Values, positionals: string[]): Promise<number> {
  if (positionals.length) throw new UsageError(`reserve takes no arguments\n${help}`);
  const p = await pool(values);
  const [{ holderIdentity }, { reserve }, { connectPoolCluster }, { writeReservation }, { writeClusterKubeconfig }] = await Promise.all([
    import('../cluster/pool/holder.js'),
    import('../cluster/pool/reserve.js'),
    import('../cluster/pool/connect.js'),
    import('../cluster/pool/reservation.js'),
    import('../cluster/pool/kubeconfig.js'),
  ]);
  const holder = holderIdentity(process.env, values.holder);
  const warned = new Set<string>();
  const { cluster, lease } = await reserve(p, {
    size: typeof values.size === 'string' ? values.size : undefined,
    labels: labelsFrom(values.label),
    holder,
    ttlSeconds: seconds(values.ttl, '--ttl', 3600),
    waitMs: durationFlag(values.wait, '--wait', 0),
    intervalMs: Math.max(50, durationFlag(values.interval, '--interval', 2000)),
    connectTo: connectPoolCluster,
    onSkip: (c, why) => {
      if (!warned.has(c.name)) process.stderr.write(`kts: warning: cluster ${c.name} skipped: ${why}\n`);
      warned.add(c.name);
    },
  });
  const file = reservationPath(values);
  const reservation = { cluster: cluster.name, size: cluster.size, holder, ...(cluster.kubeconfig ? { kubeconfig: cluster.kubeconfig } : {}), ...(cluster.context ? { context: cluster.context } : {}), expires: lease.expires };
  writeReservation(file, reservation);
  const kubeconfigOut = typeof values['kubeconfig-out'] === 'string' ? resolve(values['kubeconfig-out']) : undefined;
  if (kubeconfigOut) await writeClusterKubeconfig(cluster, kubeconfigOut);
  if (values.json) process.stdout.write(`${JSON.stringify({ ...reservation, reservationFile: file, ...(kubeconfigOut ? { kubeconfigOut } : {}) }, null, 2)}\n`);
  else process.stdout.write(`reserved ${cluster.name} (size ${cluster.size}) for ${holder} until ${lease.expires}\n${cluster.name}\n`);
  return 0;
}

async function renewCmd(values: Values, positionals: string[]): Promise<number> {
  const { name, holder } = await target(values, positionals);
  const [{ poolCluster }, { connectPoolCluster }, { renew }] = await Promise.all([import('../cluster/pool/config.js'), import('../cluster/pool/connect.js'), import('../cluster/pool/lease.js')]);
  const c = poolCluster(await pool(values), name);
  const info = await renew(await connectPoolCluster(c), c.name, holder, values.ttl === undefined ? undefined : seconds(values.ttl, '--ttl', 3600));
  process.stdout.write(values.json ? `${JSON.stringify({ cluster: c.name, holder, expires: info.expires }, null, 2)}\n` : `renewed ${c.name} for ${holder} until ${info.expires}\n`);
  return 0;
}

async function releaseCmd(values: Values, positionals: string[]): Promise<number> {
  const { name, holder } = await target(values, positionals);
  const [{ poolCluster }, { connectPoolCluster }, { leaseInfo, readLease, release }, { readReservation }, { deletePreviews }] = await Promise.all([
    import('../cluster/pool/config.js'),
    import('../cluster/pool/connect.js'),
    import('../cluster/pool/lease.js'),
    import('../cluster/pool/reservation.js'),
    import('../cluster/pool/clean.js'),
  ]);
  const c = poolCluster(await pool(values), name);
  const client = await connectPoolCluster(c);
  const force = values.force === true;
  const current = leaseInfo(await readLease(client), Date.now());
  const foreign = current.holder !== undefined && current.holder !== holder && !current.free;
  if (foreign && !force) throw new KtsError('reservation', `cluster ${c.name} is held by ${current.holder} until ${current.expires}; only the holder may release it (--force breaks the lease)`);
  if (foreign) process.stderr.write(`kts: warning: breaking the lease of ${current.holder} on cluster ${c.name} (until ${current.expires})\n`);
  if (values.clean) {
    const { projectApp } = await import('../env/config.js');
    const gone = await deletePreviews(client, projectApp({ cwd: process.cwd(), configFile: values.config }), durationFlag(values.timeout, '--timeout', 300_000));
    process.stdout.write(`cleaned ${c.name}: ${gone.length ? `deleted namespace${gone.length === 1 ? '' : 's'} ${gone.join(', ')}` : 'no preview namespaces'}\n`);
  }
  const r = await release(client, c.name, holder, force);
  if (!r.released) throw new KtsError('reservation', `cluster ${c.name} is held by ${r.info.holder} until ${r.info.expires}; only the holder may release it (--force breaks the lease)`);
  const file = reservationPath(values);
  if (existsSync(file) && readReservation(file).cluster === c.name) rmSync(file);
  process.stdout.write(r.previous.holder && !r.previous.free ? `released ${c.name}\n` : `${c.name} was not reserved\n`);
  return 0;
}

async function listCmd(values: Values, positionals: string[]): Promise<number> {
  if (positionals.length) throw new UsageError(`list takes no arguments\n${help}`);
  const p = await pool(values);
  const [{ connectPoolCluster }, { leaseInfo, readLease }, { mapLimit }] = await Promise.all([import('../cluster/pool/connect.js'), import('../cluster/pool/lease.js'), import('../cluster/limit.js')]);
  const now = Date.now();
  const rows = await mapLimit(p.clusters, 8, async (c) => {
    try {
      const info = leaseInfo(await readLease(await connectPoolCluster(c)), now);
      return { name: c.name, size: c.size, labels: c.labels, reachable: true, holder: info.free ? undefined : info.holder, since: info.free ? undefined : info.since, expires: info.free ? undefined : info.expires };
    } catch (e) {
      return { name: c.name, size: c.size, labels: c.labels, reachable: false, error: (e as Error).message.split('\n')[0] };
    }
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const table = [
    ['NAME', 'SIZE', 'LABELS', 'HOLDER', 'SINCE', 'EXPIRES', 'REACHABLE'],
    ...rows.map((r) => [r.name, r.size, Object.entries(r.labels).map(([k, v]) => `${k}=${v}`).join(',') || '-', r.holder ?? '-', r.since ?? '-', r.expires ?? '-', r.reachable ? 'yes' : `no (${r.error})`]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) process.stdout.write(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}\n`);
  return 0;
}

const SUBCOMMANDS: Record<string, (values: Values, positionals: string[]) => Promise<number>> = { reserve: reserveCmd, renew: renewCmd, release: releaseCmd, list: listCmd };

export const command: Command = {
  summary: 'Reserve, renew, release and list the test clusters of the pool in kts.yaml',
  async run(argv: string[]): Promise<number> {
    const parsed = parseFlags(argv, options, help);
    if (!parsed) return 0;
    const [sub, ...rest] = parsed.positionals;
    const run = sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub]! : undefined;
    if (!run) throw new UsageError(`expected reserve, renew, release or list${sub ? `, got '${sub}'` : ''}\n${help}`);
    return run(parsed.values as Values, rest);
  },
};
