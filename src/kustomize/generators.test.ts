import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { equal } from './testing.js';
import { encodeBase64, generate, makeConfigMap, makeIamServiceAccount, makeSecret, mergeOptions } from './generators.js';
import { contentHash, encodeHash, transformHashes } from './hash.js';
import { Loader } from './loader.js';
import { metadataOf } from './resource.js';
import { KtsError } from '../errors.js';

const site = { file: 'kustomization.yaml', field: 'configMapGenerator[0]' };

function dir(files: Record<string, string | Buffer>): Loader {
  const d = mkdtempSync(join(tmpdir(), 'kts-gen-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(d, name), content);
  return Loader.at(d);
}

// Expected names measured with `kubectl kustomize` (kustomize v5.5.0).
test('hash suffixes match kustomize v5.5.0', () => {
  const ldr = dir({ 'b.bin': Buffer.from([0xff, 0xfe]) });
  const cm = makeConfigMap({ name: 'x', literals: ['a=b'] }, ldr, site);
  assert.is(contentHash(cm), '4h2mbtbbt6');
  assert.is(contentHash(makeConfigMap({ name: 'e' }, ldr, site)), '6ct58987ht');
  assert.is(contentHash(makeSecret({ name: 's', literals: ['a=b'] }, ldr, site)), 'k695gkmbtk');
  const bin = makeConfigMap({ name: 'bin', files: ['b.bin'] }, ldr, site);
  equal(bin.binaryData, { 'b.bin': '//4=' });
  assert.is(contentHash(bin), '9ghc4tgkt6');
});

test('the name does not enter the hash (kustomize looks it up under a key that never exists)', () => {
  const ldr = dir({});
  const a = makeConfigMap({ name: 'one', literals: ['k=v'] }, ldr, site);
  const b = makeConfigMap({ name: 'two', literals: ['k=v'] }, ldr, site);
  assert.is(contentHash(a), contentHash(b));
  assert.is.not(contentHash(a), contentHash(makeConfigMap({ name: 'one', literals: ['k=w'] }, ldr, site)));
});

test('encodeHash swaps the digits and letters kustomize swaps', () => {
  assert.is(encodeHash('0123456789abcdef'), 'gh2k456789');
  assert.is(encodeHash('aaeeaaeeaaff'), 'mmttmmttmm');
});

test('transformHashes renames only resources that want a hash and records the old id', () => {
  const ldr = dir({});
  const r = generate('ConfigMap', { name: 'x', literals: ['a=b'] }, ldr, site);
  const plain = generate('ConfigMap', { name: 'y', options: { disableNameSuffixHash: true } }, ldr, site);
  transformHashes([r, plain]);
  assert.is(metadataOf(r.obj).name, 'x-4h2mbtbbt6');
  assert.is(r.previous[0]!.name, 'x');
  assert.is(metadataOf(plain.obj).name, 'y');
  assert.is(plain.previous.length, 0);
});

test('key/value sources: env files, then literals, then files; quotes stripped only when matched; a bare env key is empty even when set in the environment (checked with kubectl)', () => {
  process.env.KTS_GEN_TEST = 'from-env';
  const ldr = dir({ 'a.env': '\uFEFF# comment\n\n  A=1\r\nB=x=y\nKTS_GEN_TEST\n', 'f.txt': 'file text\n' });
  const cm = makeConfigMap({ name: 'c', envs: ['a.env'], literals: ['Q="quoted"', "H='half", 'E='], files: ['key=f.txt', 'f.txt'] }, ldr, site);
  equal(cm.data, {
    A: '1',
    B: 'x=y',
    KTS_GEN_TEST: '',
    Q: 'quoted',
    H: "'half",
    E: '',
    key: 'file text\n',
    'f.txt': 'file text\n',
  });
});

test('repeated keys and malformed sources are errors naming the generator; keys are not validated (kustomize does not)', () => {
  const ldr = dir({ 'sp.env': ' B = 2 \n' });
  equal(makeConfigMap({ name: 'c', literals: ['a b=1', '..x=2'], envs: ['sp.env'] }, ldr, site).data, { 'B ': ' 2 ', 'a b': '1', '..x': '2' });
  assert.throws(() => makeConfigMap({ name: 'c', literals: ['a=1', 'a=2'] }, ldr, site), (e: unknown) => e instanceof KtsError && e.message === 'configmap c illegally repeats the key `a`');
  assert.throws(() => makeConfigMap({ name: 'c', literals: ['=1'] }, ldr, site), /expected key=value/);
  assert.throws(() => makeConfigMap({ name: 'c', files: ['missing.txt'] }, ldr, site), (e: unknown) => e instanceof KtsError && e.field === site.field);
});

test('a files: entry written as a URL with a token fails without naming the token (kustomize takes the token for the path)', () => {
  const ldr = dir({});
  assert.throws(
    () => makeConfigMap({ name: 'c', files: ['https://example.com/app.properties?token=s3cr3t'] }, ldr, site),
    (e: unknown) => e instanceof KtsError && !e.toLine().includes('s3cr3t') && e.message.includes("'https://example.com/app.properties?token=REDACTED' not found"),
  );
});

test('secrets: Opaque by default, base64 wrapped at 70 characters as kyaml does', () => {
  const ldr = dir({});
  const long = 'x'.repeat(60);
  const s = makeSecret({ name: 's', type: '', literals: [`k=${long}`, 'short=ab'] }, ldr, site);
  assert.is(s.type, 'Opaque');
  const data = s.data as Record<string, string>;
  assert.is(data.short, 'YWI=');
  const enc = Buffer.from(long).toString('base64');
  assert.is(data.k, `${enc.slice(0, 70)}\n${enc.slice(70)}\n`);
  assert.is(encodeBase64('x'.repeat(51)).endsWith('\n'), false);
  assert.is(encodeBase64('x'.repeat(52)).endsWith('\n'), true);
});

test('options: labels, annotations, immutable; local options win over generatorOptions', () => {
  const merged = mergeOptions({ labels: { a: 'local' } }, { labels: { a: 'global', b: 'g' }, annotations: { n: 'v' }, immutable: true });
  equal(merged, { labels: { a: 'local', b: 'g' }, annotations: { n: 'v' }, immutable: true });
  const cm = makeConfigMap({ name: 'c', namespace: 'ns', options: merged }, dir({}), site);
  equal(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns', labels: { a: 'local', b: 'g' }, annotations: { n: 'v' } }, immutable: true });
});

test('IAMPolicyGenerator makes the GKE service account and refuses other clouds', () => {
  const args = { cloud: 'gke', kubernetesService: { name: 'ksa', namespace: 'ns' }, serviceAccount: { name: 'gsa', projectId: 'p' } };
  equal(makeIamServiceAccount(args, site), {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { annotations: { 'iam.gke.io/gcp-service-account': 'gsa@p.iam.gserviceaccount.com' }, name: 'ksa', namespace: 'ns' },
  });
  assert.throws(() => makeIamServiceAccount({ ...args, cloud: 'aws' }, site), /not supported/);
});

test('env files: a line with an empty key is skipped, Go\'s spaces are trimmed, a BOM only on line 1 (checked with kubectl)', () => {
  const ldr = dir({ 'a.env': Buffer.from('=1\n\u0085A=1\n\uFEFFB=2\r\n\u3000C=3', 'utf8') });
  equal(makeConfigMap({ name: 'x', envs: ['a.env'] }, ldr, site).data, { A: '1', '\uFEFFB': '2', C: '3' });
});

test('an env file line of 64 KiB or more ends the file silently, as Go\'s bufio.Scanner does in kustomize (checked with kubectl)', () => {
  const long = (n: number) => `K=${'x'.repeat(n - 2)}`;
  const ldr = dir({ 'a.env': `A=1\n${long(64 * 1024)}\nB=2\n`, 'b.env': `A=1\n${long(64 * 1024 - 1)}\nB=2\n` });
  equal(makeConfigMap({ name: 'x', envs: ['a.env'] }, ldr, site).data, { A: '1' });
  equal(Object.keys(makeConfigMap({ name: 'x', envs: ['b.env'] }, ldr, site).data as object), ['A', 'K', 'B']);
});

test('an env file line that is not UTF-8 is an error', () => {
  const ldr = dir({ 'a.env': Buffer.from([0x41, 0x3d, 0xff, 0xfe, 0x0a]) });
  assert.throws(() => makeConfigMap({ name: 'x', envs: ['a.env'] }, ldr, site), (e: unknown) => e instanceof KtsError && /a\.env: line 1 has invalid UTF-8/.test(e.message));
});

test('a Secret without data keeps data: {} (and hashes with it); a ConfigMap has no data key (checked with kubectl)', () => {
  const ldr = dir({});
  const sec = makeSecret({ name: 's' }, ldr, site);
  equal(sec.data, {});
  assert.is(contentHash(sec), '46f8b28mk5');
  assert.not.ok('data' in makeConfigMap({ name: 'c' }, ldr, site));
});

test('a generated value holding DEL, a C1 control or U+FFFE fails as in kustomize; NUL, ESC, NEL and BOM are fine (checked with kubectl)', () => {
  const ldr = dir({});
  for (const c of ['\u007f', '\u0080', '\u009f', '\ufffe']) {
    assert.throws(() => generate('ConfigMap', { name: 'x', literals: [`k=a${c}b`] }, ldr, site), /control characters are not allowed/);
  }
  for (const c of ['\u0000', '\u001b', '\u0085', '\ufeff']) {
    assert.is((generate('ConfigMap', { name: 'x', literals: [`k=a${c}b`] }, ldr, site).obj.data as { k: string }).k, `a${c}b`);
  }
});

test('a generator without a name is an error, as in kustomize', () => {
  const ldr = dir({});
  assert.throws(() => makeConfigMap({ literals: ['a=1'] }, ldr, site), /a configmap must have a name/);
  assert.throws(() => makeSecret({ name: '', literals: ['a=1'] }, ldr, site), /a secret must have a name/);
});

test.run();
