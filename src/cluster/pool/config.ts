// The pool of test clusters in kts.yaml (`clusters:`): each a kubeconfig file (relative to
// kts.yaml) and/or a context, a size class and labels. Validated with the rest of kts.yaml by its
// schema; here only what a schema cannot say (unique names) and the paths made absolute.

import { relative, resolve, dirname } from 'node:path';
import { KtsError } from '../../errors.js';
import { CONFIG_FILE, loadConfig, locateConfig } from '../../env/config.js';

export interface PoolCluster {
  name: string;
  size: string;
  labels: Record<string, string>;
  /** Absolute path, when the cluster has its own kubeconfig file. */
  kubeconfig?: string;
  context?: string;
}

export interface Pool {
  clusters: PoolCluster[];
  /** kts.yaml as errors show it. */
  display: string;
}

export function loadPool(opts: { cwd: string; configFile?: string }): Pool {
  const file = locateConfig('.', opts);
  if (!file) throw new KtsError('pool', `no ${CONFIG_FILE} found: the cluster pool is configured under 'clusters:' in it`);
  const display = relative(opts.cwd, file) || CONFIG_FILE;
  const project = loadConfig(file, display);
  const raw = project.clusters ?? [];
  if (raw.length === 0) throw new KtsError('pool', `no clusters configured (add a 'clusters:' list)`, { file: display, field: 'clusters' });
  const seen = new Set<string>();
  const clusters = raw.map((c, i) => {
    if (seen.has(c.name)) throw new KtsError('pool', `cluster '${c.name}' is listed twice`, { file: display, field: `clusters[${i}].name` });
    seen.add(c.name);
    const out: PoolCluster = { name: c.name, size: c.size, labels: { ...(c.labels ?? {}) } };
    if (c.kubeconfig) out.kubeconfig = resolve(dirname(file), c.kubeconfig);
    if (c.context) out.context = c.context;
    return out;
  });
  return { clusters, display };
}

/** A pool member by name, or an error listing the pool. */
export function poolCluster(pool: Pool, name: string): PoolCluster {
  const c = pool.clusters.find((x) => x.name === name);
  if (!c) throw new KtsError('pool', `no cluster '${name}' in the pool (have: ${pool.clusters.map((x) => x.name).join(', ')})`, { file: pool.display, field: 'clusters' });
  return c;
}
