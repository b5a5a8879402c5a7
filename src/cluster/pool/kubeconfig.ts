// `--kubeconfig-out FILE`: a kubeconfig holding only the reserved cluster (its cluster, user and
// context, the context named after the pool member), written readable by the owner only.

import { writeFileSync } from 'node:fs';
import { KtsError } from '../../errors.js';
import type { PoolCluster } from './config.js';

export async function writeClusterKubeconfig(c: PoolCluster, file: string): Promise<void> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    if (c.kubeconfig) kc.loadFromFile(c.kubeconfig);
    else kc.loadFromDefault();
  } catch (e) {
    throw new KtsError('kubeconfig', `cannot load the kubeconfig of cluster ${c.name}: ${(e as Error).message.split('\n')[0]}`, { file: c.kubeconfig });
  }
  const context = kc.getContextObject(c.context ?? kc.getCurrentContext());
  const cluster = context && kc.getCluster(context.cluster);
  if (!context || !cluster) throw new KtsError('kubeconfig', `cluster ${c.name}: no context '${c.context ?? kc.getCurrentContext()}' with a cluster in its kubeconfig`, { file: c.kubeconfig });
  const user = kc.getUser(context.user);
  const out = new KubeConfig();
  out.loadFromOptions({
    clusters: [cluster],
    users: user ? [user] : [],
    contexts: [{ ...context, name: c.name }],
    currentContext: c.name,
  });
  writeFileSync(file, `${out.exportConfig()}\n`, { mode: 0o600 });
}
