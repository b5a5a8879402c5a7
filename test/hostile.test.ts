// Hostile kustomizations (issue 11): field names that are Object.prototype members, patches
// holding Secret data that do not parse, absolute roots. Each output was taken from kubectl
// kustomize (v5.5.0) and is compared with it again where kubectl is installed.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build, serialize } from '../src/index.js';
import { hasProgram, kts, ktsAsync, neverPrinted } from './helpers/cli.js';
import { tree } from './helpers/tree.js';

const kubectl = hasProgram('kubectl');

/** kts build of `dir` gives `expected`, and so does kubectl kustomize where installed. */
function buildsAs(dir: string, expected: string): void {
  const r = kts(['build', dir]);
  assert.is(r.stderr.replace(/^# Warning: .*\n/gm, ''), '');
  assert.is(r.stdout, expected);
  if (!kubectl) return;
  const k = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  assert.is(k.stdout, expected, k.stderr);
}

/** Nothing was written onto Object.prototype, and a fresh object reads nothing through it. */
function prototypeIsClean(): void {
  for (const key of ['namespace', 'x', 'a']) assert.not.ok(Object.hasOwn(Object.prototype, key), `Object.prototype.${key} was written`);
  assert.is(({} as Record<string, unknown>).namespace, undefined);
}

const cm = (name: string, data = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${data}`;

test('a replacement target through __proto__ writes a field named __proto__, not Object.prototype (other bases keep their objects)', () => {
  const dir = tree({
    'kustomization.yaml': 'resources: [a, b]\n',
    'a/kustomization.yaml': `resources: [cm.yaml]
replacements:
- source: {kind: ConfigMap, name: a, fieldPath: data.x}
  targets:
  - select: {kind: ConfigMap, name: a}
    fieldPaths: [metadata.__proto__.namespace]
    options: {create: true}
`,
    'a/cm.yaml': cm('a', 'data: {x: evil}\n'),
    'b/kustomization.yaml': 'resources: [cm.yaml]\n',
    'b/cm.yaml': cm('b'),
  });
  const expected = `apiVersion: v1
data:
  x: evil
kind: ConfigMap
metadata:
  __proto__:
    namespace: evil
  name: a
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
`;
  buildsAs(dir, expected);
  // in one process (library use) the next build must not see the value either
  assert.is(serialize(build(dir)), expected);
  prototypeIsClean();
  assert.is(serialize(build(join(dir, 'b'))), cm('b'));
});

test('constructor.prototype is an ordinary path', () => {
  const dir = tree({
    'kustomization.yaml': `resources: [cm.yaml]
replacements:
- source: {kind: ConfigMap, name: a, fieldPath: data.x}
  targets:
  - select: {kind: ConfigMap, name: a}
    fieldPaths: [constructor.prototype.x]
    options: {create: true}
`,
    'cm.yaml': cm('a', 'data: {x: evil}\n'),
  });
  buildsAs(dir, 'apiVersion: v1\nconstructor:\n  prototype:\n    x: evil\ndata:\n  x: evil\nkind: ConfigMap\nmetadata:\n  name: a\n');
  serialize(build(dir));
  prototypeIsClean();
});

test('labels fields and configuration field specs through __proto__ create that field', () => {
  const labels = tree({
    'kustomization.yaml': 'resources: [cm.yaml]\nlabels:\n- pairs: {x: q}\n  fields:\n  - path: __proto__/x\n    create: true\n',
    'cm.yaml': cm('b'),
  });
  buildsAs(labels, '__proto__:\n  x:\n    x: q\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    x: q\n  name: b\n');
  const config = tree({
    'kustomization.yaml': 'resources: [cm.yaml]\ncommonLabels: {q: r}\nconfigurations: [conf.yaml]\n',
    'conf.yaml': 'commonLabels:\n- path: metadata/__proto__/x\n  create: true\n',
    'cm.yaml': cm('b'),
  });
  buildsAs(config, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  __proto__:\n    x:\n      q: r\n  labels:\n    q: r\n  name: b\n');
  serialize(build(labels));
  serialize(build(config));
  prototypeIsClean();
});

test('__proto__ keys of generator literals, env files, commonLabels and commonAnnotations are kept (and hashed)', () => {
  const dir = tree({
    'kustomization.yaml': `configMapGenerator:
- name: g
  literals: [__proto__=x, y=z]
- name: h
  envs: [e.env]
commonLabels: {__proto__: v}
commonAnnotations: {__proto__: w}
`,
    'e.env': '__proto__=a\nb=c\n',
  });
  const meta = (name: string) => `metadata:\n  annotations:\n    __proto__: w\n  labels:\n    __proto__: v\n  name: ${name}\n`;
  buildsAs(dir, `apiVersion: v1\ndata:\n  __proto__: x\n  "y": z\nkind: ConfigMap\n${meta('g-2tcf297hf2')}---\napiVersion: v1\ndata:\n  __proto__: a\n  b: c\nkind: ConfigMap\n${meta('h-b5dchc6794')}`);
});

test('a JSON 6902 add of /data/__proto__ adds that key', () => {
  const dir = tree({
    'kustomization.yaml': 'resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: |\n    - op: add\n      path: /data/__proto__\n      value: v\n',
    'cm.yaml': cm('a', 'data: {x: y}\n'),
  });
  buildsAs(dir, 'apiVersion: v1\ndata:\n  __proto__: v\n  x: "y"\nkind: ConfigMap\nmetadata:\n  name: a\n');
  prototypeIsClean();
});

test('a kustomization field named like an Object.prototype member is an unknown field, at the top and in images', () => {
  for (const [k, field] of [
    ['resources: [cm.yaml]\nconstructor: {a: 1}\n', 'constructor'],
    ['resources: [cm.yaml]\nimages:\n- name: x\n  constructor: {a: 1}\n', 'images[0].constructor'],
    ['resources: [cm.yaml]\ntoString: {a: 1}\n', 'toString'],
  ] as const) {
    const dir = tree({ 'kustomization.yaml': k, 'cm.yaml': cm('a') });
    const r = kts(['build', dir]);
    assert.is(r.code, 1);
    assert.is(r.stderr, `kts: ${join(dir, 'kustomization.yaml')}: ${field}: unknown field "${field.replace(/.*\./, '')}"\n`);
  }
});

test('a patch that does not parse is reported in one line that quotes no value of it', () => {
  const dir = tree({
    'kustomization.yaml': 'resources: [sec.yaml]\npatches:\n- patch: |\n    apiVersion: v1\n    kind: Secret\n    metadata:\n      name: s\n    stringData:\n      password: "hunter2-SECRET\n',
    'sec.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {password: x}\n',
  });
  const r = kts(['build', dir]);
  assert.is(r.code, 1);
  assert.not.ok(r.stderr.includes('hunter2'), r.stderr);
  assert.is(r.stderr.split('\n').length, 2, r.stderr);
  assert.match(r.stderr, /patches\[0\]: .*unable to parse SM or JSON patch/);
});

test('absolute resource and component directories are refused as kustomize refuses them, whatever the load restrictor', () => {
  const base = tree({ 'kustomization.yaml': 'resources: [cm.yaml]\n', 'cm.yaml': cm('a') });
  for (const field of ['resources', 'components']) {
    const dir = tree({ 'kustomization.yaml': `${field}: [${base}]\n` });
    for (const flags of [[], ['--load-restrictor', 'LoadRestrictionsNone']]) {
      const r = kts(['build', ...flags, dir]);
      assert.is(r.code, 1);
      assert.is(r.stderr, `kts: ${join(dir, 'kustomization.yaml')}: ${field}[0]: new root '${base}' cannot be absolute\n`);
      if (kubectl) assert.is.not(spawnSync('kubectl', ['kustomize', ...flags, dir]).status, 0);
    }
  }
  // an absolute file is fine under LoadRestrictionsNone, in kustomize too
  const file = tree({ 'kustomization.yaml': `resources: [${join(base, 'cm.yaml')}]\n` });
  assert.is(kts(['build', '--load-restrictor', 'LoadRestrictionsNone', file]).stdout, cm('a'));
});

test('inline YAML that does not read as a config or resource is never echoed: it may hold Secret data', () => {
  neverPrinted('s3cret-inline-value');
  const secretGenerator = '  apiVersion: builtin\n  kind: SecretGenerator\n  metadata:\n    namee: db\n  literals:\n  - password=s3cret-inline-value\n';
  for (const [field, entry] of [['generators', `- |-\n${secretGenerator}`], ['resources', '- |-\n  kind: Secret\n  stringData: {password: s3cret-inline-value}\n'], ['patchesStrategicMerge', '- "{kind: Secret, stringData: {password: s3cret-inline-value}}"\n']]) {
    const r = kts(['build', tree({ 'kustomization.yaml': `${field}:\n${entry}` })]);
    assert.is(r.code, 1);
    assert.match(r.stderr, new RegExp(`^kts: \\S*kustomization\\.yaml: ${field}(\\[0\\])?: .*\\(inline text of \\d+ characters, not a readable object\\) not found`));
  }
});

test('every kts run in the tests fails when it prints a registered Secret value or a credential it was given', () => {
  neverPrinted('hostile-canary-value');
  // An unknown command is echoed in the usage error: the check in helpers/cli.ts must catch it.
  assert.throws(() => kts(['hostile-canary-value']), /printed the secret "hostile-canary-value" on stderr/);
  assert.throws(() => kts(['canary-job-token'], { env: { ...process.env, CI_JOB_TOKEN: 'canary-job-token' } }), /printed the secret "canary-job-token"/);
  // A URL's password is never echoed, not even in a usage error.
  assert.match(kts(['https://bot:pw-canary@127.0.0.1:1/x']).stderr, /unknown command 'https:\/\/127\.0\.0\.1:1\/x'/);
});

test('a reader that closes the pipe early (`kts … | head`) is no failure for any command', async () => {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  const context = ['--branch', 'x', '--commit', 'abcdef1', '--build', '1'];
  for (const args of [['build', 'overlays/ci'], ['context', 'ci', ...context], ['render', 'ci', ...context]]) {
    const r = await ktsAsync(args, { env, closeStdout: true });
    assert.equal([r.code, r.stderr], [0, ''], args.join(' '));
  }
});

test('hostile CI variables: the slug, namespace and host stay DNS labels, and a bad value is one escaped line', () => {
  const jenkins = (vars: Record<string, string>) => ({ PATH: process.env.PATH, HOME: process.env.HOME, JENKINS_URL: 'x', GIT_COMMIT: 'abcdef1', BUILD_NUMBER: '5', ...vars });
  for (const job of ['__proto__', 'constructor', 'a%2F..%2F..%2Fetc', '../../etc', 'ünï-🚀', 'x'.repeat(255)]) {
    const r = kts(['context', 'ci', '--json'], { env: jenkins({ JOB_NAME: job }) });
    assert.is(r.code, 0, r.stderr);
    const ctx = JSON.parse(r.stdout) as Record<string, { value: string }>;
    for (const key of ['slug', 'namespace']) assert.match(ctx[key]!.value, /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, `${job}: ${key}`);
    assert.match(ctx.host!.value, /^[a-z0-9][-a-z0-9]{0,62}\.ci\.example\.test$/);
  }
  const bad = [
    [{ JOB_NAME: 'a\nBranch: forged' }, /^kts: env JOB_NAME \(Jenkins, last segment of the job name\): branch 'a\\nBranch: forged' holds a control character/],
    [{ JOB_NAME: 'x'.repeat(10_000) }, /^kts: .*: branch 'x{80}… \(10000 characters\)' is longer than 255 characters/],
    [{ BUILD_NUMBER: '5\n6' }, /^kts: env BUILD_NUMBER \(Jenkins\): build '5\\n6' is not a valid build id/],
  ] as const;
  for (const [i, [vars, message]] of bad.entries()) {
    const r = kts([i === 0 ? 'render' : 'context', 'ci'], { env: jenkins({ JOB_NAME: 'job', ...vars }) });
    assert.is(r.code, 1, r.stdout);
    assert.match(r.stderr, message);
    assert.is(r.stderr.split('\n').length, 2, r.stderr);
  }
});

test.run();
