// Our ApplySets and applies as the real kubectl sees them (skipped without kubectl): kubectl
// computes the same set id for a parent, finds our parent and members by label, refuses to take
// over a set whose tooling is kts (and we refuse a kubectl set), and a server dry run of the
// production environment covers exactly the objects `kubectl apply --dry-run=client` would apply.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject } from '../src/kustomize/resource.js';
import { applySetId } from '../src/cluster/applyset.js';
import { scenarios } from './cluster-scenario.js';
import { ktsAsync } from './helpers/cli.js';
import { kubectl, kubectlAvailable } from './kube/kubectl.js';
import { startKubeServer } from './kube/server.js';

if (!kubectlAvailable) {
  console.log('cluster-kubectl: kubectl not found, ApplySet interoperability checks skipped');
} else {
  const kube = await startKubeServer();
  const env = { ...process.env, KUBECONFIG: kube.kubeconfigPath };
  const applysetEnv = { KUBECTL_APPLYSET: 'true' };
  const dir = mkdtempSync(join(tmpdir(), 'kts-kubectl-'));
  const file = (name: string, objs: JsonObject[]) => {
    const path = join(dir, name);
    writeFileSync(path, objs.map((o) => JSON.stringify(o)).join('\n---\n'));
    return path;
  };
  const cm = (namespace: string, name: string): JsonObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { k: 'v' } });
  const ns = (name: string): JsonObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const context = ['--commit', '0123456789abcdef0123456789abcdef01234567', '--build', '42'];

  const scenario = scenarios(test);

  const foreignTakeover = scenario(async () => {
    const applied = await ktsAsync(['apply', 'web', '-f', file('web.yaml', [ns('web'), cm('web', 'a'), cm('web', 'b')])], { env });
    const id = applySetId('kts-applyset.shop.web', 'web', 'Secret', '');
    const [parents, members, takeover] = await Promise.all([
      kubectl(kube, ['get', 'secrets', '-n', 'web', '-l', `applyset.kubernetes.io/id=${id}`, '-o', 'name']),
      kubectl(kube, ['get', 'configmaps', '-n', 'web', '-l', `applyset.kubernetes.io/part-of=${id}`, '-o', 'name']),
      kubectl(kube, ['apply', '-n', 'web', '--server-side', '--prune', '--applyset=kts-applyset.shop.web', '-f', file('takeover.yaml', [cm('web', 'a')])], { env: applysetEnv }),
    ]);
    return { applied, parents, members, takeover };
  });

  const kubectlSet = scenario(async () => {
    // The parent's namespace has to exist before kubectl looks the parent up in it.
    const nsMade = await kubectl(kube, ['apply', '--server-side', '-f', file('probe-ns.yaml', [ns('probe')])]);
    const made = await kubectl(kube, ['apply', '-n', 'probe', '--server-side', '--prune', '--applyset=kts-applyset.shop.probe', '-f', file('probe.yaml', [cm('probe', 'x')])], { env: applysetEnv });
    const parent = kube.get('v1', 'Secret', 'probe', 'kts-applyset.shop.probe');
    const refused = await ktsAsync(['apply', 'probe', '-n', 'probe', '-f', file('probe2.yaml', [cm('probe', 'y')])], { env });
    return { nsMade, made, parent, refused };
  });

  const dryRuns = scenario(async () => {
    const rendered = await ktsAsync(['render', 'production', ...context], { env });
    const manifest = file('production.yaml', []);
    writeFileSync(manifest, rendered.stdout);
    const [ours, theirs] = await Promise.all([
      ktsAsync(['apply', 'production', '-f', manifest, '--dry-run=server', '--json'], { env }),
      kubectl(kube, ['apply', '--dry-run=client', '-f', manifest, '-o', 'name']),
    ]);
    return { rendered, ours, theirs };
  });

  test.after(async () => {
    await Promise.allSettled([foreignTakeover(), kubectlSet(), dryRuns()]);
    await kube.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('kubectl finds our parent and members by label and will not take over a kts set', async () => {
    const { applied, parents, members, takeover } = await foreignTakeover();
    assert.is(applied.code, 0, applied.stderr);
    assert.is(parents.stdout.trim(), 'secret/kts-applyset.shop.web', parents.stderr);
    assert.equal(members.stdout.trim().split('\n').sort(), ['configmap/a', 'configmap/b']);
    assert.is.not(takeover.code, 0);
    assert.match(takeover.stderr, /managed by tooling "kts" instead of "kubectl"/);
    assert.ok(kube.get('v1', 'ConfigMap', 'web', 'b'), 'kubectl pruned nothing');
  });

  test('kubectl computes the same ApplySet id, and kts refuses a set kubectl manages', async () => {
    const { nsMade, made, parent, refused } = await kubectlSet();
    assert.is(nsMade.code, 0, nsMade.stderr);
    assert.is(made.code, 0, made.stderr);
    assert.is((parent!.metadata as { labels: Record<string, string> }).labels['applyset.kubernetes.io/id'], applySetId('kts-applyset.shop.probe', 'probe', 'Secret', ''));
    assert.is(refused.code, 1);
    assert.match(refused.stderr, /ApplySet parent Secret probe\/kts-applyset\.shop\.probe is managed by tooling "kubectl", not "kts"; refusing to apply/);
    assert.is(kube.get('v1', 'ConfigMap', 'probe', 'y'), undefined);
  });

  test("a server dry run of production covers the same objects as kubectl's client dry run", async () => {
    const { rendered, ours, theirs } = await dryRuns();
    assert.is(rendered.code, 0, rendered.stderr);
    assert.is(ours.code, 0, ours.stderr);
    assert.is(theirs.code, 0, theirs.stderr);
    const report = JSON.parse(ours.stdout) as { objects: { apiVersion: string; kind: string; name: string; namespace?: string }[] };
    const ourNames = report.objects.map((o) => {
      const group = o.apiVersion.includes('/') ? `.${o.apiVersion.split('/')[0]}` : '';
      return `${o.kind.toLowerCase()}${group}/${o.name}`;
    });
    const kubectlNames = theirs.stdout.trim().split('\n');
    assert.ok(ourNames.length >= 10, ours.stdout);
    assert.equal([...ourNames].sort(), [...kubectlNames].sort());
    assert.is(kube.get('v1', 'Namespace', undefined, 'shop'), undefined, 'nothing was written');
    assert.equal(kube.objects({ namespace: 'shop' }).filter((o) => (o.metadata as JsonObject).namespace === 'shop'), []);
  });

  test.run();
}
