// Connections to pool members, each through its own kubeconfig file and/or context.

import type { ConnectOptions, KubeClient } from '../client.js';
import type { PoolCluster } from './config.js';

export function poolConnectOptions(c: PoolCluster): ConnectOptions {
  const out: ConnectOptions = {};
  if (c.kubeconfig) out.kubeconfig = c.kubeconfig;
  if (c.context) out.context = c.context;
  return out;
}

/** Few, quick retries: a pool member that does not answer is skipped, not waited for. */
export async function connectPoolCluster(c: PoolCluster): Promise<KubeClient> {
  const { connect } = await import('../client.js');
  return connect({ ...poolConnectOptions(c), retry: { attempts: 2, baseMs: 200, maxMs: 1000 }, requestTimeoutMs: 10_000 });
}
