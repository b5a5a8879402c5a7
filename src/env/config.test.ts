import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../../test/helpers/paths.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, resolveEnvironment } from './config.js';
import { fieldPath, schemaProblems } from './schema.js';
import { isKtsError, type KtsError } from '../errors.js';
import { plain } from '../kustomize/testing.js';

let root = '';
test.before.each(() => {
  root = mkdtempSync(join(tmpdir(), 'kts-config-'));
  for (const d of ['overlays/ci', 'overlays/branch', 'overlays/extra', 'components/shared']) {
    mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, d, 'kustomization.yaml'), 'resources: []\n');
  }
});
test.after.each(() => rmSync(root, { recursive: true, force: true }));

function write(text: string): string {
  const file = join(root, 'kts.yaml');
  writeFileSync(file, text);
  return file;
}

function error(fn: () => unknown): KtsError {
  try {
    fn();
  } catch (e) {
    if (isKtsError(e)) return e;
    throw e;
  }
  throw new Error('expected a KtsError');
}

const GOOD = `
major: 2
images: [shop/web, {name: shop/worker, newName: reg/worker}]
environments:
  ci: {overlay: overlays/ci, namespacePrefix: ci, host: "{slug}.{domain}", domain: ci.example.test}
  branch:
    overlay: overlays/branch
    namespacePrefix: preview
    components: [components/shared]
    images: [{name: shop/web, newName: reg/web, tagTemplate: "{tag}"}]
    quota: {hard: {requests.cpu: "2", pods: 20}}
`;

test('fieldPath turns JSON pointers into readable paths', () => {
  assert.is(fieldPath('/environments/ci/quota/hard/requests.cpu'), 'environments.ci.quota.hard["requests.cpu"]');
  assert.is(fieldPath('/images/0/name'), 'images[0].name');
  assert.is(fieldPath(''), '');
});

test('a valid config resolves environments with project defaults merged in', () => {
  write(GOOD);
  const ci = resolveEnvironment('ci', { cwd: root });
  assert.is(ci.overlay, join(root, 'overlays/ci'));
  assert.is(ci.major, '2');
  assert.is(ci.tagTemplate, '{major}.{build}-{shortSha}');
  assert.equal(plain(ci.images), [{ name: 'shop/web' }, { name: 'shop/worker', newName: 'reg/worker' }]);
  const branch = resolveEnvironment('branch', { cwd: join(root, 'overlays') });
  assert.equal(branch.components, [join(root, 'components/shared')]);
  assert.equal(plain(branch.images), [{ name: 'shop/web', newName: 'reg/web', tagTemplate: '{tag}' }, { name: 'shop/worker', newName: 'reg/worker' }]);
});

test('an overlay directory or name gets its environment config; others get defaults', () => {
  write(GOOD);
  assert.is(resolveEnvironment('overlays/ci', { cwd: root }).namespacePrefix, 'ci');
  assert.is(resolveEnvironment(join(root, 'overlays/branch'), { cwd: '/' , configFile: join(root, 'kts.yaml') }).name, 'branch');
  const extra = resolveEnvironment('extra', { cwd: root });
  assert.is(extra.name, 'extra');
  assert.is(extra.namespacePrefix, undefined);
  assert.is(extra.major, '2');
});

test('unknown environment lists the known ones', () => {
  write(GOOD);
  assert.match(error(() => resolveEnvironment('staging', { cwd: root })).message, /unknown environment 'staging'.*environments: ci, branch/);
});

test('schema errors name the file and the path of the bad field', () => {
  const file = write(`
environments:
  ci:
    overlay: overlays/ci
    namespacePrefix: Not_Valid
    quota: {hard: {cpu: lots}}
    colour: blue
  Bad_Name: {overlay: overlays/ci}
`);
  const e = error(() => loadConfig(file));
  assert.is(e.file, file);
  assert.ok(e.field, 'names a field');
  const problems = schemaProblems('kts', { environments: { ci: { overlay: 'o', namespacePrefix: 'Not_Valid', quota: { hard: { cpu: 'lots' } }, colour: 'blue' }, Bad_Name: { overlay: 'o' } } }, 'kts.yaml');
  const byField = Object.fromEntries(problems.map((p) => [p.field, p.message]));
  assert.match(byField['environments.ci.namespacePrefix']!, /must match/);
  assert.match(byField['environments.ci.quota.hard.cpu']!, /must match/);
  assert.is(byField['environments.ci.colour'], 'unknown field');
  assert.match(byField['environments']!, /invalid key 'Bad_Name'/);
  assert.ok(problems.every((p) => p.file === 'kts.yaml'));
});

test('missing fields and wrong types are reported at their path', () => {
  const problems = schemaProblems('kts', { environments: { ci: { host: '{nope}.x' } }, images: [{ newName: 'x' }, 3] }, 'k.yaml');
  const fields = problems.map((p) => `${p.field}: ${p.message}`);
  assert.ok(fields.includes('environments.ci.overlay: required field is missing'), fields.join('\n'));
  assert.ok(fields.includes('images[0].name: required field is missing'), fields.join('\n'));
  assert.ok(fields.some((f) => f.startsWith('environments.ci.host: invalid value')), fields.join('\n'));
  assert.ok(fields.some((f) => f.startsWith('images[1]: must be')), fields.join('\n'));
});

test('namespace and namespacePrefix are exclusive', () => {
  const problems = schemaProblems('kts', { environments: { p: { overlay: 'o', namespace: 'a', namespacePrefix: 'b' } } }, 'k.yaml');
  assert.equal(problems.map((p) => p.field), ['environments.p']);
});

test('overlay and component paths must be kustomizations', () => {
  const file = write('environments:\n  ci: {overlay: overlays/nope}\n  b: {overlay: overlays/ci, components: [components/shared, nope]}\n');
  const e = error(() => resolveEnvironment('ci', { cwd: root }));
  assert.equal([e.file, e.field], ['kts.yaml', 'environments.ci.overlay']);
  assert.ok(file.endsWith('kts.yaml'));
  assert.is(error(() => resolveEnvironment('b', { cwd: root })).field, 'environments.b.components[1]');
});

test('YAML syntax errors name the file and line', () => {
  const file = write('environments:\n  ci: {overlay: [\n');
  const e = error(() => loadConfig(file));
  assert.is(e.file, file);
  assert.ok(e.line && e.line >= 2, `line ${e.line}`);
});

test('the bundled kts.yaml is valid', () => {
  const file = join(repoRoot, 'kts.yaml');
  for (const name of ['ci', 'branch', 'branch-shared', 'production']) {
    assert.is(resolveEnvironment(name, { cwd: '/', configFile: file }).name, name);
  }
});

test.run();
