// kts.yaml `gitops:`: kts publish, promote and unpublish keep an Argo CD ApplicationSet and Flux
// objects for every published folder in the deploy repository, in the same commit as the folder.
// Lifecycle: two previews published, production promoted into existence, one preview unpublished,
// a re-publish that changes nothing. The objects are validated against the controllers' CRD schemas in ../shared/crds.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { hasProgram, ktsAsync, type CliResult } from './helpers/cli.js';
import { gitIn } from './git-server.js';
import { deployRig, ktsEnv } from './publish-fixture.js';
import { repoRoot } from './helpers/paths.js';

const haveGit = hasProgram('git');
if (!haveGit) console.log('skipping test/gitops-controllers.test.ts: the git CLI is not installed');
const crds = join(repoRoot, '..', 'shared', 'crds');
const haveCrds = existsSync(crds);
if (!haveCrds) console.log('test/gitops-controllers.test.ts: ../shared/crds absent, the CRD schema checks are skipped');

const SHA = 'abcdef1234567890abcdef1234567890abcdef12';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec: Record<string, unknown> };

function run(args: string[]): Promise<CliResult> {
  return ktsAsync([...args, '--config', join(rig.project.dir, 'kts.yaml'), '--repo', rig.server.repoUrl('deploy')], { env: ktsEnv(rig.server, rig.cache) });
}

const publish = (env: string, branch: string) => run(['publish', env, '--branch', branch, '--commit', SHA, '--build', '3']);

function objects(path: string): Obj[] {
  return parseAllDocuments(gitIn(rig.bare, ['show', `main:${path}`])).map((d) => d.toJSON() as Obj);
}

/** The CRD's schema for an object's apiVersion, compiled (formats are not checked, as the API server's structural schema does not either). */
function validator(file: string, version: string) {
  const crd = parseAllDocuments(readFileSync(join(crds, file), 'utf8'))[0]!.toJSON() as { spec: { versions: { name: string; schema: { openAPIV3Schema: object } }[] } };
  const schema = crd.spec.versions.find((v) => v.name === version)!.schema.openAPIV3Schema;
  return new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(schema);
}

function assertValid(objs: Obj[]): void {
  if (!haveCrds) return;
  const files: Record<string, string> = {
    ApplicationSet: 'argocd-applicationset-crd.yaml',
    GitRepository: 'flux-source.toolkit.fluxcd.io_gitrepositories.yaml',
    Kustomization: 'flux-kustomize.toolkit.fluxcd.io_kustomizations.yaml',
  };
  for (const o of objs) {
    const validate = validator(files[o.kind]!, o.apiVersion.split('/')[1]!);
    assert.ok(validate(o), `${o.kind} ${o.metadata.name}: ${JSON.stringify(validate.errors)}`);
  }
}

const rig = deployRig(test, {
  configure: (project) => {
    const config = readFileSync(join(project.dir, 'kts.yaml'), 'utf8');
    project.write('kts.yaml', `${config}gitops:\n  argocd:\n    project: shop\n  flux:\n    interval: 2m\n`);
  },
});

test('published previews and a promoted production appear in the ApplicationSet and the Flux objects, which validate against the CRDs', async () => {
  if (!haveGit) return;
  for (const branch of ['feature/a', 'feature/b']) {
    const r = await publish('ci', branch);
    assert.is(r.code, 0, r.stderr);
  }
  // production never published: the promotion renders it, and it joins the controller objects
  const promoted = await run(['promote', '--from', 'ci', '--to', 'production', '--branch', 'feature/b']);
  assert.is(promoted.code, 0, promoted.stderr);
  const folders = gitIn(rig.bare, ['ls-tree', '-d', '--name-only', 'main', 'ci/']).trim().split('\n');
  assert.is(folders.length, 2);
  const [appset] = objects('clusters/argocd-applicationset.yaml');
  assert.is(appset!.kind, 'ApplicationSet');
  assert.equal(appset!.metadata, { name: 'kts', namespace: 'argocd' });
  const git = (appset!.spec.generators as { git: { repoURL: string; revision: string; directories: { path: string }[] } }[])[0]!.git;
  assert.is(git.repoURL, rig.server.repoUrl('deploy'));
  assert.is(git.revision, 'main');
  assert.equal(git.directories, [...folders, 'production'].map((path) => ({ path })));
  assert.is((appset!.spec.template as { spec: { project: string } }).spec.project, 'shop');
  const flux = objects('clusters/flux.yaml');
  assert.equal(flux.map((o) => `${o.kind}/${o.metadata.name}`), ['GitRepository/kts-deploy', ...folders.map((f) => `Kustomization/${f.replace('/', '-')}`), 'Kustomization/production']);
  assert.equal(flux.slice(1).map((k) => [k.spec.path, k.spec.prune, k.spec.targetNamespace, k.spec.interval]), [
    ...folders.map((f) => [`./${f}`, true, f.replace('/', '-'), '2m']),
    ['./production', true, 'shop', '2m'],
  ]);
  assertValid([appset!, ...flux]);
});

test('an unpublished preview leaves both in the same commit; a publish that changes nothing commits nothing', async () => {
  if (!haveGit) return;
  const before = gitIn(rig.bare, ['rev-parse', 'main']).trim();
  const gone = await run(['unpublish', 'ci', '--branch', 'feature/a']);
  assert.is(gone.code, 0, gone.stderr);
  const changed = gitIn(rig.bare, ['diff', '--name-only', before, 'main']).trim().split('\n');
  assert.ok(changed.includes('clusters/argocd-applicationset.yaml') && changed.includes('clusters/flux.yaml'), changed.join(' '));
  assert.ok(changed.some((f) => f.startsWith('ci/feature-a-')), 'the folder went in the same commit');
  const remaining = gitIn(rig.bare, ['ls-tree', '-d', '--name-only', 'main', 'ci/']).trim();
  assert.match(remaining, /^ci\/feature-b-/);
  const [appset] = objects('clusters/argocd-applicationset.yaml');
  const dirs = (appset!.spec.generators as { git: { directories: { path: string }[] } }[])[0]!.git.directories.map((d) => d.path);
  assert.equal(dirs, [remaining, 'production']);
  assert.equal(objects('clusters/flux.yaml').map((o) => o.spec.path ?? o.kind), ['GitRepository', `./${remaining}`, './production']);
  const head = gitIn(rig.bare, ['rev-parse', 'main']).trim();
  const again = await publish('ci', 'feature/b');
  assert.is(again.code, 0, again.stderr);
  assert.is(gitIn(rig.bare, ['rev-parse', 'main']).trim(), head, 'up to date: no commit');
});

test.run();
