import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sharedDir } from '../../../test/helpers/paths.js';
import { emitDocuments, emitYaml } from './emit.js';
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
