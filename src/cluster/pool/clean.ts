// `kts cluster release --clean`: the app's preview namespaces on the cluster are deleted (and
// waited for) before it goes back to the pool, so the next job starts from a known state.

import { KtsError } from '../../errors.js';
import { apiError } from '../apierror.js';
import type { KubeClient } from '../client.js';
import { sleep } from '../limit.js';
import { previewSelector } from '../previews.js';

export async function deletePreviews(client: KubeClient, app: string, timeoutMs: number): Promise<string[]> {
  const names = (await client.list('v1', 'Namespace', undefined, previewSelector(app)).catch((e) => Promise.reject(apiError(e, 'listing preview namespaces', client.server)))).map((n) =>
    String((n.metadata as { name?: string }).name),
  );
  for (const name of names) await client.delete('v1', 'Namespace', name).catch((e) => Promise.reject(apiError(e, `v1 Namespace ${name}`, client.server)));
  const deadline = Date.now() + timeoutMs;
  for (let interval = 100; ; interval = Math.min(2000, interval * 2)) {
    const left = (await client.list('v1', 'Namespace', undefined, previewSelector(app))).map((n) => String((n.metadata as { name?: string }).name)).filter((n) => names.includes(n));
    if (left.length === 0) return names;
    if (Date.now() > deadline) throw new KtsError('timeout', `timed out after ${Math.round(timeoutMs / 1000)}s waiting for namespaces to be deleted: ${left.join(', ')}`);
    await sleep(interval);
  }
}
