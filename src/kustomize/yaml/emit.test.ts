import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sharedDir } from '../../../test/helpers/paths.js';
import { emitDocuments, emitDocumentsTo, emitYaml } from './emit.js';
import { parseYamlDocuments } from './parse.js';
import { plain } from '../testing.js';

test('strings that YAML 1.1 would read as other types are double-quoted', () => {
  assert.is(emitYaml({ a: 'yes', b: 'on', c: '8080', d: '', e: 'null', f: '1e3', g: '0777', h: '2020-01-02', i: '1:20', j: 'plain' }),
    'a: "yes"\nb: "on"\nc: "8080"\nd: ""\ne: "null"\nf: "1e3"\ng: "0777"\nh: "2020-01-02"\ni: "1:20"\nj: plain\n');
});

test('indicators force single quotes, non-printables force double quotes', () => {
  assert.is(emitYaml({ a: '* * * * *', b: 'x: y', c: "it's", d: 'a\tb', e: '😀', f: '- x', g: 'a #b', h: 'a#b' }),
    "a: '* * * * *'\nb: 'x: y'\nc: it's\nd: \"a\\tb\"\ne: \"\\U0001F600\"\nf: '- x'\ng: 'a #b'\nh: a#b\n");
});

test('keys sort naturally: digit runs as numbers, punctuation before letters', () => {
  const out = emitYaml({ a10: 1, a2: 2, aB: 3, a_b: 4, 'a-b': 5, Z: 6, a: 7 });
  assert.is(out, 'Z: 6\na: 7\na-b: 5\na_b: 4\na2: 2\na10: 1\naB: 3\n');
});

test('keys in any order come out sorted, in small and large maps', () => {
  for (const n of [5, 40]) {
    const names = Array.from({ length: n }, (_, i) => `k-${String.fromCharCode(97 + (i % 26))}${'z'.repeat(Math.floor(i / 26))}`);
    const map = Object.fromEntries([...names].reverse().map((k) => [k, 1]));
    assert.is(emitYaml(map), names.sort().map((k) => `${k}: 1\n`).join(''));
  }
});

test('a stream of many documents is the documents joined by ---, across the writer\'s buffer sizes', () => {
  const docs = Array.from({ length: 3000 }, (_, i) => ({ kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { text: i % 3 ? `ünï ${i}` : `line\n${i}\n` } }));
  const text = emitDocuments(docs);
  assert.ok(text === docs.map(emitYaml).join('---\n'));
  const drained: Buffer[] = [];
  emitDocumentsTo(docs, (bytes) => drained.push(Buffer.from(bytes)));
  assert.ok(Buffer.concat(drained).equals(Buffer.from(text, 'utf8')));
});

test('sequences are indentless under a key and nest with "- -"', () => {
  assert.is(emitYaml({ l: [{ name: 'x', args: ['a', 'b'] }, [1, 2]], e: [], m: {} }),
    'e: []\nl:\n- args:\n  - a\n  - b\n  name: x\n- - 1\n  - 2\nm: {}\n');
});

test('multi-line strings become literal blocks with indentation and chomping hints', () => {
  assert.is(emitYaml({ a: 'x\ny\n', b: 'x\ny', c: '\nlead\n', d: 'keep\n\n', e: 'trailing \nspace' }),
    'a: |\n  x\n  y\nb: |-\n  x\n  y\nc: |2\n\n  lead\nd: |+\n  keep\n\ne: "trailing \\nspace"\n');
});

test('long plain and quoted scalars fold at 80 columns', () => {
  const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
  const out = emitYaml({ k: words, q: `'${words}` });
  for (const line of out.split('\n')) assert.ok(line.length < 100, line);
  assert.ok(out.startsWith('k: word0 word1'));
  assert.ok(out.includes('\n  word'));
  assert.equal(plain(parseYamlDocuments(out, 'x')), [{ k: words, q: `'${words}` }]);
});

test('numbers print as Go does after a JSON round trip', () => {
  assert.is(emitYaml({ a: 1.0, b: 1.5, c: 0.00001, d: 1234567.5, e: 1e21, f: -0 }), 'a: 1\nb: 1.5\nc: 1e-05\nd: 1.2345675e+06\ne: 1e+21\nf: 0\n');
  // a float64 beyond 2^53 as encoding/json writes it (shortest digits), an integer again where it fits 64 bits
  assert.is(emitYaml([2 ** 63, 12345678901234567891, -(2 ** 63), 2 ** 64]), '- 9223372036854776000\n- 12345678901234567000\n- -9.223372036854776e+18\n- 1.8446744073709552e+19\n');
});

test('integers beyond 2^53 read as bigints keep their digits; out-of-range floats stay text, printed plain', () => {
  const [doc] = parseYamlDocuments('a: 9007199254740993\nb: 0x7fffffffffffffff\nc: -9223372036854775808\nd: 9007199254740991\ne: 1e400\nf: 18446744073709551616\n', 'x');
  assert.equal({ ...(doc as object) }, { a: 9007199254740993n, b: 9223372036854775807n, c: -9223372036854775808n, d: 9007199254740991, e: '1e400', f: 18446744073709552000 });
  assert.is(emitYaml(doc!), 'a: 9007199254740993\nb: 9223372036854775807\nc: -9223372036854775808\nd: 9007199254740991\ne: 1e400\nf: 1.8446744073709552e+19\n');
});

test('documents are joined with ---', () => {
  assert.is(emitDocuments([{ a: 1 }, { b: true, c: null }]), 'a: 1\n---\nb: true\nc: null\n');
});

test('every expected output of the conformance corpus re-emits byte for byte', () => {
  if (!sharedDir) {
    console.log('  (skipped: ../shared/conformance not found)');
    return;
  }
  const cases = join(sharedDir, 'conformance', 'cases');
  let checked = 0;
  for (const name of readdirSync(cases)) {
    const file = join(cases, name, 'expected.yaml');
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    assert.is(emitDocuments(parseYamlDocuments(text, file)), text, name);
    checked++;
  }
  assert.ok(checked > 100);
});

test.run();
