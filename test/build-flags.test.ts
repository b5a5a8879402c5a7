import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasProgram, kts } from './helpers/cli.js';
import { tree } from './helpers/tree.js';

// The README's table of `kts build` flags, row by row: each spelling a kustomize or kubectl script
// may use gives what `kubectl kustomize` gives with it (compared where kubectl is installed).

const app = tree({
  'app/kustomization.yaml': 'resources:\n- svc.yaml\n- deploy.yaml\n- ../shared/cm.yaml\n',
  'app/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n',
  'app/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n',
  'shared/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n',
  'simple/kustomization.yaml': 'resources:\n- svc.yaml\n- deploy.yaml\n',
  'simple/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n',
  'simple/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n',
});
const kubectl = hasProgram('kubectl');

/**
 * kts build prints the same with each spelling of a flag, and that is what kubectl kustomize prints
 * with the first spelling (kubectl runs once per row: it is the slow part of this test).
 */
function sameAsKubectl(dir: string, ...spellings: string[][]): string {
  const outputs = spellings.map((flags) => {
    const r = kts(['build', dir, ...flags]);
    assert.is(r.code, 0, `${flags.join(' ')}: ${r.stderr}`);
    return r.stdout;
  });
  for (const [i, out] of outputs.entries()) assert.fixture(out, outputs[0]!, spellings[i]!.join(' '));
  if (kubectl) {
    const k = spawnSync('kubectl', ['kustomize', dir, ...spellings[0]!], { encoding: 'utf8' });
    assert.is(k.status, 0, k.stderr);
    assert.fixture(outputs[0]!, k.stdout, spellings[0]!.join(' '));
  }
  return outputs[0]!;
}

test('--load-restrictor / --load_restrictor, with a space or =', () => {
  assert.match(sameAsKubectl(join(app, 'app'), ['--load-restrictor', 'LoadRestrictionsNone'], ['--load-restrictor=LoadRestrictionsNone'], ['--load_restrictor', 'LoadRestrictionsNone']), 'name: shared');
  const r = kts(['build', join(app, 'app'), '--load-restrictor', 'none']);
  assert.is(r.code, 2);
  assert.match(r.stderr, 'illegal flag value --load-restrictor none; legal values: LoadRestrictionsRootOnly, LoadRestrictionsNone');
});

test('--reorder legacy|none, --enable-managedby-label[=true|false]', () => {
  const legacy = sameAsKubectl(join(app, 'simple'), ['--reorder', 'legacy'], ['--reorder=legacy']);
  const none = sameAsKubectl(join(app, 'simple'), ['--reorder=none'], ['--reorder', 'none']);
  assert.ok(legacy.indexOf('kind: Service') < legacy.indexOf('kind: Deployment'));
  assert.ok(none.indexOf('kind: Service') < none.indexOf('kind: Deployment'));
  assert.match(sameAsKubectl(join(app, 'simple'), ['--enable-managedby-label'], ['--enable-managedby-label=true'], ['--enable_managedby_label']), 'app.kubernetes.io/managed-by');
  assert.not.match(sameAsKubectl(join(app, 'simple'), ['--enable-managedby-label=false'], ['--enable-helm=false']), 'managed-by');
  const bad = kts(['build', join(app, 'simple'), '--enable-managedby-label=yes']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, "invalid value 'yes' for --enable-managedby-label: expected true or false");
});

test('-o FILE, -o=FILE, -oFILE, --output FILE, --output=FILE write the same file; -o DIR one file per resource', () => {
  const expected = kts(['build', join(app, 'simple')]).stdout;
  const out = mkdtempSync(join(tmpdir(), 'kts-flags-out-'));
  const spellings = [['-o', join(out, 'a.yaml')], [`-o=${join(out, 'b.yaml')}`], [`-o${join(out, 'c.yaml')}`], ['--output', join(out, 'd.yaml')], [`--output=${join(out, 'e.yaml')}`]];
  for (const flags of spellings) {
    const r = kts(['build', join(app, 'simple'), ...flags]);
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout, '');
  }
  assert.equal(readdirSync(out).sort(), ['a.yaml', 'b.yaml', 'c.yaml', 'd.yaml', 'e.yaml']);
  for (const f of readdirSync(out)) assert.is(readFileSync(join(out, f), 'utf8'), expected, f);
  const dir = mkdtempSync(join(tmpdir(), 'kts-flags-dir-'));
  assert.is(kts(['build', join(app, 'simple'), `-o=${dir}`]).code, 0);
  assert.equal(readdirSync(dir).sort(), ['apps_v1_deployment_web.yaml', 'v1_service_web.yaml']);
});

test('--stack-trace adds the stack to an error; plugin flags are refused in one line; unknown flags suggest', () => {
  const missing = tree({ 'kustomization.yaml': 'resources:\n- nope.yaml\n' });
  const plain = kts(['build', missing]);
  assert.is(plain.stderr.trim().split('\n').length, 1);
  const traced = kts(['build', missing, '--stack-trace']);
  assert.is(traced.code, 1);
  assert.match(traced.stderr, /KtsError: resource 'nope\.yaml' not found[^]*\n {4}at /);
  for (const flags of [['--enable-alpha-plugins'], ['--enable-exec'], ['--network'], ['--network-name', 'bridge'], ['--mount', 'type=bind,src=.,dst=/x'], ['-e', 'A=1'], ['--env=A=1'], ['--as-current-user']]) {
    const r = kts(['build', join(app, 'simple'), ...flags]);
    assert.is(r.code, 2, flags.join(' '));
    const name = flags[0] === '-e' ? 'env' : flags[0]!.replace(/^--/, '').replace(/=.*/, '');
    assert.is(r.stderr.split('\n')[0], `kts: --${name} refused: kts does not run kustomize plugins (exec, container or Go)`);
  }
  const typo = kts(['build', join(app, 'simple'), '--enable-hlem']);
  assert.is(typo.code, 2);
  assert.is(typo.stderr.split('\n')[0], 'kts: unknown flag --enable-hlem (did you mean --enable-helm?)');
});

test.run();
