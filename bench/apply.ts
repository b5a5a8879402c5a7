// Applying 1,000 objects (five kinds over four stages) to the Kubernetes API test server through
// the same code path as `kts apply` (client library, retries, ApplySet bookkeeping), then applying
// them again unchanged. Both runs are checked, so a fast wrong answer cannot pass for a result.
import { newResource, type JsonObject, type Resource } from '../src/kustomize/resource.js';
import { applyEnvironment } from '../src/cluster/apply.js';
import { connect } from '../src/cluster/client.js';
import { quietProgress } from '../src/cluster/report.js';
import { version } from '../src/version.js';
import { startKubeServer } from '../test/kube/server.js';

const NS = 'bench';

function objects(): Resource[] {
  const out: JsonObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }];
  const meta = (name: string) => ({ name, namespace: NS, labels: { app: name } });
  for (let i = 0; i < 400; i++) out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(`config-${i}`), data: { INDEX: String(i), MODE: 'bench' } });
  for (let i = 0; i < 300; i++) out.push({ apiVersion: 'v1', kind: 'Secret', metadata: meta(`secret-${i}`), type: 'Opaque', data: { token: Buffer.from(`t${i}`).toString('base64') } });
  for (let i = 0; i < 150; i++) out.push({ apiVersion: 'v1', kind: 'Service', metadata: meta(`svc-${i}`), spec: { selector: { app: `app-${i}` }, ports: [{ port: 80, targetPort: 8080 }] } });
  for (let i = 0; i < 149; i++) {
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(`app-${i}`),
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: `app-${i}` } },
        template: { metadata: { labels: { app: `app-${i}` } }, spec: { containers: [{ name: 'app', image: `registry.example.com/app:${i}` }] } },
      },
    });
  }
  return out.map(newResource);
}

export async function benchApply(): Promise<{ firstMs: number; reapplyMs: number }> {
  const kube = await startKubeServer();
  try {
    const client = await connect({ kubeconfig: kube.kubeconfigPath });
    const resources = objects();
    const run = async (expect: string) => {
      const start = performance.now();
      const { report, error } = await applyEnvironment(client, { app: 'bench', env: 'bench', resources, toolingVersion: version, progress: quietProgress(process.stderr) });
      const ms = performance.now() - start;
      if (error) throw error;
      const wrong = report.objects.filter((o) => o.action !== expect);
      if (report.objects.length !== 1000 || wrong.length) throw new Error(`bench apply: expected 1000 ${expect}, got ${wrong.length} otherwise`);
      return ms;
    };
    const firstMs = await run('created');
    const reapplyMs = await run('unchanged');
    return { firstMs, reapplyMs };
  } finally {
    await kube.close();
  }
}
