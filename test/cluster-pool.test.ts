// `kts cluster reserve|renew|release|list` end to end: two Kubernetes API test servers as a pool
// of two clusters (kts.yaml `clusters:`), CI jobs as concurrent CLI processes with their own
// holder identities, and a job that reserves, deploys a preview with --reservation and gives the
// cluster back clean.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliResult, ktsAsync } from './helpers/cli.js';
import { startKubeServer } from './kube/server.js';
import { makeProject } from './publish-fixture.js';

const one = await startKubeServer({ namespaceDeletionDelayMs: 50 });
const two = await startKubeServer({ namespaceDeletionDelayMs: 50 });
const project = makeProject();
mkdirSync(join(project.dir, 'clusters'));
one.writeKubeconfig(join(project.dir, 'clusters', 'test-1.kubeconfig'));
two.writeKubeconfig(join(project.dir, 'clusters', 'test-2.kubeconfig'));
project.write(
  'kts.yaml',
  `${readFileSync(join(project.dir, 'kts.yaml'), 'utf8')}clusters:
- name: test-1
  kubeconfig: clusters/test-1.kubeconfig
  size: small
  labels: {zone: a}
- name: test-2
  kubeconfig: clusters/test-2.kubeconfig
  size: small
  labels: {zone: b}
`,
);

// No CI variables and no kubeconfig: everything comes from the pool.
const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
// Each job's identity as a CI job would have it (here through KTS_HOLDER).
const kts = (holder: string, ...args: string[]) => ktsAsync(args, { cwd: project.dir, env: { ...env, KTS_HOLDER: holder } });
const cluster = (holder: string, ...args: string[]) => kts(holder, 'cluster', ...args);
const reserve = (holder: string, ...flags: string[]) => cluster(holder, 'reserve', '--size', 'small', '--reservation-file', `${holder}.json`, '--interval', '100ms', ...flags);
const lastLine = (r: CliResult) => r.stdout.trim().split('\n').pop();
const holderOf = (kube: typeof one) => ((kube.get('coordination.k8s.io/v1', 'Lease', 'default', 'kts-pool-reservation')?.spec ?? {}) as { holderIdentity?: string }).holderIdentity;

test.after(async () => {
  await Promise.all([one.close(), two.close()]);
  project.cleanup();
});

test('four jobs race for two clusters: two win, one per cluster; the other two wait and get them after release', async () => {
  const jobs = ['job-a', 'job-b', 'job-c', 'job-d'];
  const done = new Map<string, CliResult>();
  const runs = jobs.map((h) => reserve(h, '--wait', '60s', '--ttl', '10m').then((r) => void done.set(h, r)));
  while (done.size < 2) await new Promise((r) => setTimeout(r, 50));
  const winners = [...done.keys()];
  const first = winners.map((h) => done.get(h)!);
  for (const r of first) assert.is(r.code, 0, r.stderr);
  assert.equal(first.map(lastLine).sort(), ['test-1', 'test-2'], 'one cluster each');
  assert.equal([holderOf(one), holderOf(two)].sort(), [...winners].sort());

  const list = await cluster('anyone', 'list', '--json');
  assert.is(list.code, 0, list.stderr);
  const rows = JSON.parse(list.stdout) as { name: string; size: string; holder?: string; reachable: boolean; expires?: string }[];
  assert.equal(rows.map((r) => [r.name, r.size, r.reachable]), [['test-1', 'small', true], ['test-2', 'small', true]]);
  assert.equal(rows.map((r) => r.holder).sort(), [...winners].sort());
  assert.ok(rows.every((r) => r.expires && Date.parse(r.expires) > Date.now()));
  assert.is(done.size, 2, 'the other two are still waiting');

  const released = await cluster(winners[0]!, 'release', lastLine(first[0]!)!);
  assert.is(released.code, 0, released.stderr);
  assert.is(released.stdout, `released ${lastLine(first[0]!)}\n`);
  while (done.size < 3) await new Promise((r) => setTimeout(r, 50));
  assert.is((await cluster(winners[1]!, 'release', lastLine(first[1]!)!)).code, 0);
  await Promise.all(runs);
  const waiters = jobs.filter((h) => !winners.includes(h));
  assert.equal(waiters.map((h) => done.get(h)!.code), [0, 0], waiters.map((h) => done.get(h)!.stderr).join('\n'));
  assert.equal(waiters.map((h) => lastLine(done.get(h)!)).sort(), ['test-1', 'test-2']);
  assert.equal([holderOf(one), holderOf(two)].sort(), waiters.sort());
  for (const h of waiters) {
    const r = JSON.parse(readFileSync(join(project.dir, `${h}.json`), 'utf8')) as { cluster: string; holder: string; kubeconfig: string };
    assert.is(r.holder, h);
    assert.ok(r.kubeconfig.endsWith(`clusters/${r.cluster}.kubeconfig`));
  }
  for (const h of waiters) assert.is((await cluster(h, 'release', '--reservation-file', `${h}.json`)).code, 0);
  assert.not.ok(existsSync(join(project.dir, `${waiters[0]}.json`)), 'release removes the reservation file');
  assert.equal([holderOf(one), holderOf(two)], [undefined, undefined]);
});

test('optimistic concurrency on the Lease: of four takers racing for one cluster exactly one wins, on create and on update', async () => {
  const { connect } = await import('../src/cluster/client.js');
  const { acquire, release } = await import('../src/cluster/pool/lease.js');
  const three = await startKubeServer();
  try {
    const clients = await Promise.all([1, 2, 3, 4].map(() => connect({ kubeconfig: three.kubeconfigPath })));
    three.clearRequests();
    // Those that read "no lease" create it: one create wins, the others get 409 AlreadyExists.
    const first = await Promise.all(clients.map((c, i) => acquire(c, 'race', `racer-${i}`, 1)));
    assert.is(first.filter((r) => r.won).length, 1);
    const winner = first.findIndex((r) => r.won);
    assert.ok(first.every((r) => r.info.holder === `racer-${winner}`), 'the losers see who won');
    const creates = three.requests.filter((r) => r.verb === 'create').map((r) => r.status);
    assert.equal([creates.filter((c) => c === 201).length, creates.filter((c) => c !== 201 && c !== 409)], [1, []], 'one create won, any other create got 409');
    // Once the lease has expired, those that read the expired lease update it: one wins, the others get 409 Conflict.
    await new Promise((r) => setTimeout(r, 1100));
    three.clearRequests();
    const second = await Promise.all(clients.map((c, i) => acquire(c, 'race', `second-${i}`, 60)));
    assert.is(second.filter((r) => r.won).length, 1);
    const updates = three.requests.filter((r) => r.verb === 'update').map((r) => r.status);
    assert.equal([updates.filter((c) => c === 200).length, updates.filter((c) => c !== 200 && c !== 409)], [1, []], 'one update won, any other update got 409');
    const holder = `second-${second.findIndex((r) => r.won)}`;
    assert.equal((await release(clients[0]!, 'race', 'someone-else', false)).released, false);
    assert.equal((await release(clients[0]!, 'race', holder, false)).released, true);
  } finally {
    await three.close();
  }
});

test('a holder that stops renewing loses the cluster after its TTL; renew keeps it', async () => {
  const dead = await reserve('dead-job', '--label', 'zone=a', '--ttl', '1s');
  assert.is(lastLine(dead), 'test-1', dead.stderr);
  const other = await reserve('other-job', '--label', 'zone=b', '--ttl', '1h');
  assert.is(lastLine(other), 'test-2', other.stderr);
  const busy = await reserve('eager-job', '--label', 'zone=b');
  assert.is(busy.code, 1, 'without --wait it fails at once');
  assert.match(busy.stderr, /^kts: no free cluster \(size small, zone=b\): test-2 held by other-job until \S+\n$/);
  const late = await reserve('late-job', '--label', 'zone=a', '--wait', '30s');
  assert.is(late.code, 0, late.stderr);
  assert.is(lastLine(late), 'test-1', 'dead-job never renewed: its lease expired');
  assert.is(holderOf(one), 'late-job');
  const renewRefused = await cluster('dead-job', 'renew', 'test-1');
  assert.is(renewRefused.code, 1);
  assert.match(renewRefused.stderr, 'cluster test-1 is not reserved by dead-job (held by late-job until ');
  const renewed = await cluster('late-job', 'renew', 'test-1', '--ttl', '2h');
  assert.is(renewed.code, 0, renewed.stderr);
  assert.match(renewed.stdout, /^renewed test-1 for late-job until /);
  const lease = one.get('coordination.k8s.io/v1', 'Lease', 'default', 'kts-pool-reservation')!.spec as { leaseDurationSeconds: number };
  assert.is(lease.leaseDurationSeconds, 7200);
  assert.is((await cluster('other-job', 'release', 'test-2')).code, 0);
});

test('release by a non-holder is refused; --force breaks the lease with a warning; release is idempotent', async () => {
  const refused = await cluster('intruder', 'release', 'test-1');
  assert.is(refused.code, 1);
  assert.match(refused.stderr, /^kts: cluster test-1 is held by late-job until \S+; only the holder may release it \(--force breaks the lease\)\n$/);
  assert.is(holderOf(one), 'late-job');
  const forced = await cluster('intruder', 'release', 'test-1', '--force');
  assert.is(forced.code, 0, forced.stderr);
  assert.match(forced.stderr, /^kts: warning: breaking the lease of late-job on cluster test-1 \(until /);
  assert.is(holderOf(one), undefined);
  const again = await cluster('late-job', 'release', 'test-1');
  assert.is(again.code, 0, again.stderr);
  assert.is(again.stdout, 'test-1 was not reserved\n');
  const unknown = await cluster('x', 'release', 'test-9');
  assert.is(unknown.code, 1);
  assert.match(unknown.stderr, "no cluster 'test-9' in the pool (have: test-1, test-2)");
});

test('list shows every member: size, labels, holder, since, expires, and whether it is reachable', async () => {
  project.write('clusters/gone.kubeconfig', readFileSync(join(project.dir, 'clusters', 'test-1.kubeconfig'), 'utf8').replace(one.url, 'http://127.0.0.1:1'));
  const config = readFileSync(join(project.dir, 'kts.yaml'), 'utf8');
  project.write('kts.yaml', `${config}- name: gone\n  kubeconfig: clusters/gone.kubeconfig\n  size: large\n`);
  try {
    assert.is((await reserve('lister', '--label', 'zone=b')).code, 0);
    const r = await cluster('anyone', 'list');
    assert.is(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+SIZE\s+LABELS\s+HOLDER\s+SINCE\s+EXPIRES\s+REACHABLE$/);
    assert.match(lines[1]!, /^test-1\s+small\s+zone=a\s+-\s+-\s+-\s+yes$/);
    assert.match(lines[2]!, /^test-2\s+small\s+zone=b\s+lister\s+\d{4}-\S+\s+\d{4}-\S+\s+yes$/);
    assert.match(lines[3]!, /^gone\s+large\s+-\s+-\s+-\s+-\s+no \(.*cannot reach the cluster/);
  } finally {
    project.write('kts.yaml', config);
    await cluster('lister', 'release', 'test-2');
  }
  const bad = readFileSync(join(project.dir, 'kts.yaml'), 'utf8');
  project.write('kts.yaml', `${bad}- name: test-3\n  size: small\n`);
  const invalid = await cluster('anyone', 'list');
  assert.is(invalid.code, 1);
  assert.match(invalid.stderr, /kts\.yaml: clusters\[2\]/);
  project.write('kts.yaml', bad);
});

test('a job end to end: reserve, env up and down with --reservation, release --clean leaves the cluster empty', async () => {
  const ctx = ['--commit', '0123456789abcdef0123456789abcdef01234567', '--build', '7'];
  const reserved = await kts('ci-job', 'cluster', 'reserve', '--size', 'small', '--label', 'zone=b', '--kubeconfig-out', 'reserved.kubeconfig', '--json');
  assert.is(reserved.code, 0, reserved.stderr);
  const info = JSON.parse(reserved.stdout) as { cluster: string; reservationFile: string; kubeconfigOut: string };
  assert.is(info.cluster, 'test-2');
  assert.ok(existsSync(join(project.dir, '.kts-reservation.json')));
  const kubeconfig = readFileSync(info.kubeconfigOut, 'utf8');
  assert.match(kubeconfig, two.url);
  assert.not.match(kubeconfig, one.url);

  const up = await kts('ci-job', 'env', 'up', 'ci', '--branch', 'master', ...ctx, '--reservation', '.kts-reservation.json', '--wait', '--timeout', '30s');
  assert.is(up.code, 0, up.stderr);
  assert.ok(two.get('apps/v1', 'Deployment', 'ci-master', 'web'), 'deployed to the reserved cluster');
  assert.is(one.get('v1', 'Namespace', undefined, 'ci-master'), undefined);
  const down = await kts('ci-job', 'env', 'down', 'ci', '--branch', 'master', '--reservation', '.kts-reservation.json');
  assert.is(down.code, 0, down.stderr);
  assert.is(two.get('v1', 'Namespace', undefined, 'ci-master'), undefined);

  // A second preview left behind: release --clean removes it before the cluster goes back.
  const other = await kts('ci-job', 'env', 'up', 'ci', '--branch', 'feature/x', ...ctx, '--reservation', 'test-2');
  assert.is(other.code, 0, other.stderr);
  const previews = two.objects({ kind: 'Namespace', labelSelector: 'kts.dev/preview=true' }).map((n) => String((n.metadata as { name: string }).name));
  assert.is(previews.length, 1, previews.join());
  assert.match(previews[0]!, /^ci-feature-x/);
  const released = await kts('ci-job', 'cluster', 'release', '--clean');
  assert.is(released.code, 0, released.stderr);
  assert.is(released.stdout, `cleaned test-2: deleted namespace ${previews[0]}\nreleased test-2\n`);
  assert.is(two.get('v1', 'Namespace', undefined, previews[0]!), undefined);
  assert.is(holderOf(two), undefined);

  // The reservation is gone: a later step that still names it is refused before it touches anything.
  const stale = await kts('ci-job', 'apply', 'ci', '--branch', 'master', ...ctx, '--reservation', 'test-2');
  assert.is(stale.code, 1);
  assert.match(stale.stderr, 'cluster test-2 is not reserved by ci-job (it is free: reserve it again)');
});

test.run();
