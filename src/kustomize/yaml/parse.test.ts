import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KtsError } from '../../errors.js';
import { plain } from '../testing.js';
import type { Json, JsonObject } from '../resource.js';
import { isDataMap } from '../resource.js';
import { nullText, plainNullKeys } from './plainnull.js';
import { parseYamlDocuments, readerStats, type ParseOptions } from './parse.js';

/** The documents as ordinary objects, to compare with literals. */
const read = (text: string, file: string, opts?: ParseOptions): Json[] => plain(parseYamlDocuments(text, file, opts));

test('plain scalars get go-yaml v3 types', () => {
  const [doc] = read('a: 0777\nb: yes\nc: 2001-12-14\nd: 1_000\ne: 0x1F\nf: 1.0\ng: ~\nh:\ni: "12"\nj: !!str 5\nk: .5\nl: TRUE\n', 'f.yaml');
  assert.equal(doc, { a: 511, b: 'yes', c: '2001-12-14T00:00:00Z', d: 1000, e: 31, f: 1, g: null, h: null, i: '12', j: '5', k: 0.5, l: true });
});

test('aliases and merge keys resolve; explicit keys win', () => {
  const [doc] = read('base: &b {x: 1, y: 2}\nother: &o {y: 9, z: 3}\nm:\n  <<: [*b, *o]\n  x: 5\nr: *b\n', 'f.yaml');
  assert.equal(doc, { base: { x: 1, y: 2 }, other: { y: 9, z: 3 }, m: { x: 5, y: 2, z: 3 }, r: { x: 1, y: 2 } });
});

test('empty and comment-only documents are dropped', () => {
  assert.equal(read('---\n# only a comment\n---\na: 1\n---\n', 'f.yaml'), [{ a: 1 }]);
});

test('duplicate keys and syntax errors name the file and line', () => {
  for (const [text, line] of [['a: 1\nb:\n  c: 1\n  c: 2\n', 4], ['a: 1\nb: [\n', 3]] as const) {
    try {
      parseYamlDocuments(text, 'dir/res.yaml');
      assert.unreachable('should fail');
    } catch (e) {
      assert.instance(e, KtsError);
      assert.is((e as KtsError).file, 'dir/res.yaml');
      assert.is((e as KtsError).line, line);
    }
  }
});

test('kustomization files are read as go-yaml v2 does: repeated keys (last wins), YAML 1.1 booleans', () => {
  for (const text of ['kind: A\nname: x\nkind: B\nflag: yes\nm: N\n', 'kind: A\nname: x\nkind: B\nflag: yes\nm: N\nlist: [a]\n']) {
    const [doc] = read(text, 'kustomization.yaml', { goYamlV2: true }) as [Record<string, unknown>];
    assert.equal({ kind: doc.kind, name: doc.name, flag: doc.flag, m: doc.m }, { kind: 'B', name: 'x', flag: true, m: false });
  }
  assert.equal(read('flag: yes\n', 'res.yaml'), [{ flag: 'yes' }]);
  assert.equal(read('create: yes\n', 'config.yaml', { goYamlV2: true, strict: true }), [{ create: true }]);
  assert.throws(() => parseYamlDocuments('a: 1\na: 2\n', 'config.yaml', { goYamlV2: true, strict: true }), /already defined/);
});

test("a resource's own annotations keep the source text of plain scalars (kustomize stores them as written)", () => {
  const block = 'metadata:\n  annotations:\n    a: 1.50\n    b: True\n    c: ~\n    d: ""\n    e:\n  labels:\n    v: 1.10\nspec:\n  template:\n    metadata:\n      annotations:\n        a: 1.50\n';
  const flow = 'metadata:\n  annotations: {a: 1.50, b: True, c: ~, d: , e: null}\n  labels: {v: 1.10}\nspec: {template: {metadata: {annotations: {a: 1.50}}}}\n';
  const expected = { metadata: { annotations: { a: '1.50', b: 'True', c: '~', d: '', e: null }, labels: { v: 1.1 } }, spec: { template: { metadata: { annotations: { a: 1.5 } } } } };
  assert.equal(read(block, 'f.yaml'), [expected]);
  const flowExpected = { ...expected, metadata: { ...expected.metadata, annotations: { ...expected.metadata.annotations, e: 'null' } } };
  assert.equal(read(flow, 'f.yaml'), [flowExpected]);
  assert.equal(read(`x: &a 1\n${block}`, 'f.yaml'), [{ x: 1, ...expected }]); // full parser
});

test('an alias to an anchor of another document is an error naming file and line', () => {
  try {
    parseYamlDocuments('a: &d {k: v}\n---\nb: *d\n', 'cm.yaml');
    assert.unreachable('should fail');
  } catch (e) {
    assert.instance(e, KtsError);
    assert.is((e as KtsError).toLine(), "cm.yaml:3: invalid YAML: unknown anchor 'd' referenced");
  }
});

test('a missing value is an empty string in a flow mapping, null in a block one (as go-yaml reads them)', () => {
  const expected = [{ a: '', b: 'x', c: null, d: { e: '' } }];
  assert.equal(parseYamlDocuments('{a: , b: x}\n', 'f.yaml').length, 1);
  assert.equal(parseYamlDocuments('a: {}\n---\n' + 'x: 1\n', 'f.yaml').length, 2);
  const text = 'data: {a: , b: x}\nc:\nd: {e: }\n';
  const [doc] = read(text, 'f.yaml') as [Record<string, unknown>];
  assert.equal([{ ...(doc.data as object), c: doc.c, d: doc.d }], expected);
  const [full] = read(`z: &a 1\n${text}`, 'f.yaml') as [Record<string, unknown>]; // full parser
  assert.equal([{ ...(full.data as object), c: full.c, d: full.d }], expected);
});

test('control characters go-yaml refuses are an error naming the line, even inside quotes', () => {
  for (const ch of ['\x01', '\x7f', '\x90', '\uffff']) {
    assert.throws(() => parseYamlDocuments(`a: 1\nb: "x${ch}y"\n`, 'cm.yaml'), (e: unknown) => e instanceof KtsError && e.toLine() === 'cm.yaml:2: invalid YAML: control characters are not allowed');
  }
  // NEL is a line break to go-yaml (checked with kubectl): a quoted one folds to a space
  assert.equal(read('a: "tab\there"\nb: "x\u0085  y"\n', 'cm.yaml'), [{ a: 'tab\there', b: 'x y' }]);
});



test('maps are data maps: __proto__, constructor and toString are ordinary keys (fast and full reader)', () => {
  const text = 'data:\n  __proto__: x\n  constructor: {a: 1}\n  toString: y\nflow: {__proto__: 1, valueOf: 2}\n';
  for (const t of [text, `z: &a 1\n${text}`]) {
    const [doc] = parseYamlDocuments(t, 'cm.yaml') as [Record<string, Record<string, unknown>>];
    assert.ok(isDataMap(doc));
    assert.ok(isDataMap(doc.data));
    assert.equal(Object.keys(doc.data!), ['__proto__', 'constructor', 'toString']);
    assert.is(doc.data!.__proto__, 'x');
    assert.equal(plain(doc.flow as Json), JSON.parse('{"__proto__": 1, "valueOf": 2}'));
    assert.is(({} as Record<string, unknown>).x, undefined);
  }
});

const oneLine = (text: string): string => {
  try {
    parseYamlDocuments(text, 'cm.yaml');
  } catch (e) {
    assert.instance(e, KtsError);
    return (e as KtsError).toLine();
  }
  throw new Error('should fail');
};

test('an alias inside its own anchor is an error, as in go-yaml; a map merging itself is kept as kustomize does', () => {
  assert.is(oneLine('data: &M {x: *M}\n'), "cm.yaml:1: invalid YAML: anchor 'M' value contains itself");
  assert.is(oneLine('data: &M\n  a: b\n  n:\n    <<: *M\n'), "cm.yaml:4: invalid YAML: anchor 'M' value contains itself");
  assert.is(oneLine('a: &L\n- x\n- *L\n'), "cm.yaml:3: invalid YAML: anchor 'L' value contains itself");
  // checked with kubectl kustomize: `data: {a: b}`, and the other maps of a merge list still merge
  assert.equal(read('data: &M\n  a: b\n  <<: *M\n', 'cm.yaml'), [{ data: { a: 'b' } }]);
  assert.equal(read('data: &M\n  a: b\n  <<: [*M, {c: d}]\n', 'cm.yaml'), [{ data: { a: 'b', c: 'd' } }]);
});

test('a billion-laughs document stops with go-yaml\'s "excessive aliasing" error', () => {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
  assert.is(oneLine(`${lines.join('\n')}\n`), 'cm.yaml:4: invalid YAML: document contains excessive aliasing');
  // a few aliases in a large document are fine
  const many = Array.from({ length: 2000 }, (_, i) => `k${i}: *a`).join('\n');
  assert.is((read(`a: &a {x: 1}\n${many}\n`, 'cm.yaml')[0] as Record<string, unknown>).k1999 !== undefined, true);
});

test('a block scalar ending a text without a final line break has no final line break, as go-yaml reads it', () => {
  // values checked with kubectl kustomize (which prints them with `|-`); fast reader, then full parser
  for (const prefix of ['', 'z: &q 1\n']) {
    const a = (text: string): unknown => (read(prefix + text, 'cm.yaml')[0] as Record<string, unknown>).a;
    assert.is(a('a: |\n  x\n  y'), 'x\ny');
    assert.is(a('a: |+\n  x'), 'x');
    assert.is(a('a: |+\n  x\n\n  '), 'x\n\n');
    assert.is(a('a: |\n  x\n\n  '), 'x\n');
    assert.is(a('a: |\n  x\n# c'), 'x\n');
    assert.is(a('a: >\n  x\n  y'), 'x y');
  }
});

test("a folded scalar's more-indented lines get the extra line break go-yaml v3 writes back (checked with kubectl)", () => {
  const a = (text: string, opts?: ParseOptions): unknown => (read(text, 'cm.yaml', opts)[0] as Record<string, unknown>).a;
  assert.is(a('a: >\n  x\n    more\n  z\n'), 'x\n\n  more\nz\n');
  assert.is(a('a: >\n  x\n\n    more\n  z\n'), 'x\n\n\n  more\nz\n');
  assert.is(a('a: >+\n  x\n\n'), 'x\n\n\n');
  assert.is(a('a: >2\n   more\n  z\n\n  y\n'), ' more\nz y\n');
  assert.is(a('a: >\n  x \n    more\n'), 'x \n  more\n'); // block style not allowed: kept
  // kustomization files are read once, with go-yaml v2
  assert.is(a('a: >\n  x\n    more\n', { goYamlV2: true }), 'x\n  more\n');
});

test('the readers mark annotations written as a plain null, which a quoted "null" is not', () => {
  const text = 'metadata:\n  annotations:\n    a: null\n    b: "null"\n    c: ~\n    d: Null\n    e: x\n  labels:\n    l: null\nf: {metadata: {annotations: {a: ~, b: \'~\'}}}\n';
  for (const t of [text, `z: &q 1\n${text}`]) {
    const [doc] = parseYamlDocuments(t, 'p.yaml') as [JsonObject];
    const annotations = (doc.metadata as JsonObject).annotations as JsonObject;
    assert.equal(plain(annotations), { a: 'null', b: 'null', c: '~', d: 'Null', e: 'x' });
    assert.equal([...plainNullKeys(annotations)], ['a', 'c', 'd']);
  }
  const [flow] = parseYamlDocuments('metadata:\n  annotations: {a: ~, b: \'~\', c: null}\n', 'p.yaml') as [JsonObject];
  assert.equal([...plainNullKeys((flow.metadata as JsonObject).annotations as JsonObject)], ['a', 'c']);
});

test('both readers remember how a null was written: nothing (`key:`, `{key: }`, `!!null`) or its text', () => {
  const text = 'a:\nb: null\nc: ~ # x\nd: # x\ne:\n  NULL\nf: {g: , h: Null, i: ""}\nj: ""\nk: x\nl: !!null\nm: !!str\n';
  // the fast reader takes the first text, the full parser the second (it has an anchor)
  for (const t of [text.replace('l: !!null\nm: !!str\n', ''), `z: &q 1\n${text}`]) {
    const [doc] = parseYamlDocuments(t, 'r.yaml') as [JsonObject];
    const texts = Object.fromEntries(Object.keys(doc).map((k) => [k, nullText(doc, k)]));
    const f = doc.f as JsonObject;
    assert.equal({ ...texts, f: Object.fromEntries(Object.keys(f).map((k) => [k, nullText(f, k)])) }, {
      ...(t.startsWith('z') ? { z: undefined, l: '', m: undefined } : {}),
      a: '', b: 'null', c: '~', d: '', e: 'NULL', f: { g: '', h: 'Null', i: undefined }, j: undefined, k: undefined,
    });
  }
});

test('what real files contain takes the fast reader: BOM, CR LF or CR, trailing tabs, values on their own line (checked with kubectl)', () => {
  const lf = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\t\n  c: "d"\t # x\t\n  e:\t\n  f: [a, b]\t\n\n  g: |\n    x\t\n  h: x\ty\n  i: x \t#c\n  j:\n    own line\n    continued\n  k:\n    "q"\n';
  const data = { a: 'b', c: 'd', e: null, f: ['a', 'b'], g: 'x\t\n', h: 'x\ty', i: 'x', j: 'own line continued', k: 'q' };
  for (const text of [lf, `\ufeff${lf.replace(/\n/g, '\r\n')}`, lf.replace(/\n/g, '\r')]) {
    const before = readerStats.fallbacks;
    assert.equal(plain((parseYamlDocuments(text, 'cm.yaml')[0] as JsonObject).data), data);
    assert.is(readerStats.fallbacks, before, 'fell back to the full parser');
  }
  // a tab in indentation is left to the full parser (go-yaml refuses it; see the known divergences)
  const before = readerStats.fallbacks;
  parseYamlDocuments('a: 1\n\t\nb: 2\n', 'cm.yaml');
  assert.is(readerStats.fallbacks, before + 1);
});


test('a document that is one scalar takes the fast reader, as the full parser reads it (each patchesStrategicMerge entry is read as YAML first)', () => {
  const cases: [string, Json[]][] = [
    ['legacy-patch.yaml\n', ['legacy-patch.yaml']],
    ['../base/p.yaml # a comment\n', ['../base/p.yaml']],
    ['null\n', []],
    ['123', [123]],
    ["'it''s'", ["it's"]],
    ['[a, b]', [['a', 'b']]],
    ['x\n---\ny\n', ['x', 'y']],
  ];
  for (const [text, expected] of cases) {
    const before = readerStats.fallbacks;
    assert.equal(plain(parseYamlDocuments(text, 'p.yaml')), expected, text);
    assert.is(readerStats.fallbacks, before, `fell back to the full parser: ${text}`);
    assert.equal(plain(parseYamlDocuments(`z: &a 1\n---\n${text}`, 'p.yaml').slice(1)), expected, `full parser: ${text}`);
  }
  // what it does not read goes to the full parser
  const before = readerStats.fallbacks;
  assert.equal(parseYamlDocuments('a\nb\n', 'p.yaml'), ['a b']);
  assert.is(readerStats.fallbacks, before + 1);
});

test('a %YAML or %TAG directive is refused, as kustomize refuses it (checked with kubectl)', () => {
  assert.is(oneLine('%YAML 1.2\n---\na: 1\n'), 'cm.yaml:1: invalid YAML: directives (%YAML, %TAG) are not accepted, as in kustomize');
  assert.is(oneLine('a: 1\n---\n%TAG ! tag:x,2000:\n---\nb: 1\n'), 'cm.yaml:3: invalid YAML: directives (%YAML, %TAG) are not accepted, as in kustomize');
  assert.equal(read('a: "%x"\nb: |\n  %y\n', 'cm.yaml'), [{ a: '%x', b: '%y\n' }]);
});


test('a plain timestamp in a resource becomes RFC 3339 text as go-yaml v3 and encoding/json write it (checked with kubectl)', () => {
  const text = "a: 2001-12-14\nb: 2001-12-14T21:59:43.10Z\nc: 2001-12-14 21:59:43.10\nd: 2001-12-14t21:59:43Z\ne: 2001-1-4\nf: 2001-12-14T21:59:43+01:00\ng: 2001-12-14T21:59:43.123456789123Z\nh: 2001-12-14 21:59:43.10 -5\nq: '2001-12-14'\nl: [2001-12-14]\nmetadata:\n  annotations:\n    an: 2001-12-14\n";
  const expected = {
    a: '2001-12-14T00:00:00Z', b: '2001-12-14T21:59:43.1Z', c: '2001-12-14T21:59:43.1Z', d: '2001-12-14T21:59:43Z', e: '2001-01-04T00:00:00Z',
    f: '2001-12-14T21:59:43+01:00', g: '2001-12-14T21:59:43.123456789Z', h: '2001-12-14 21:59:43.10 -5', q: '2001-12-14', l: ['2001-12-14T00:00:00Z'],
    metadata: { annotations: { an: '2001-12-14' } },
  };
  assert.equal(read(text, 'cm.yaml'), [expected]);
  assert.equal(read(`z: &x 1\n${text}`, 'cm.yaml'), [{ z: 1, ...expected }]);
  // kustomization files (go-yaml v2 into interface{}) keep the text
  assert.equal(read('a: 2001-12-14\n', 'kustomization.yaml', { goYamlV2: true }), [{ a: '2001-12-14' }]);
});


test('.inf and .nan fail as in kustomize (JSON has no such numbers); quoted or in annotations they are text', () => {
  assert.is(oneLine('a: 1\nx: .inf\n'), 'cm.yaml:2: invalid YAML: json: unsupported value: +Inf');
  assert.is(oneLine('x: [1, -.Inf]\n'), 'cm.yaml:1: invalid YAML: json: unsupported value: -Inf');
  assert.is(oneLine('x: !!float .nan\n'), 'cm.yaml:1: invalid YAML: json: unsupported value: NaN');
  assert.equal(read("x: '.inf'\nmetadata:\n  annotations:\n    a: .inf\n", 'cm.yaml'), [{ x: '.inf', metadata: { annotations: { a: '.inf' } } }]);
});

test('a list or map key, and a merge key whose value is not a map, fail in one line naming the line (as go-yaml)', () => {
  const cases: [string, RegExp][] = [
    ['a: 1\nm:\n  ? [a, b]\n  : c\n', /invalid map key/],
    ['a: 1\nb: 2\nm: {{x: y}: c}\n', /invalid map key/],
    ['a: 1\nm:\n  <<: 5\n  b: c\n', /map merge requires map or sequence of maps/],
    ['a: 1\nm:\n  <<: [{x: 1}, 5]\n', /map merge requires map or sequence of maps/],
    ['a: 1\nm:\n  <<:\n', /map merge requires map or sequence of maps/],
    ['l: &l [1]\nm:\n  <<: *l\n', /map merge requires map or sequence of maps/],
  ];
  for (const [text, reason] of cases) {
    for (const opts of [{}, { goYamlV2: true }]) {
      try {
        parseYamlDocuments(text, 'r.yaml', opts);
        assert.unreachable(text);
      } catch (e) {
        assert.instance(e, KtsError);
        assert.match((e as KtsError).message, reason);
        assert.is((e as KtsError).line, 3);
      }
    }
  }
  assert.equal(read('m:\n  <<: [{x: 1}, {}]\n  y: 2\n', 'r.yaml'), [{ m: { x: 1, y: 2 } }]);
});

test('resources: a top-level key that is not a string keeps its text, a nested one fails (go-yaml v3 into JSON); elsewhere keys are text', () => {
  for (const text of ['1e3: a\n0x10: b\n2001-12-14: c\nk: {x: 1}\n', '1e3: a\n0x10: b\n2001-12-14: c\nk: {x: 1}\nl: &l [1]\n']) {
    assert.equal(read(text, 'r.yaml', { resources: true })[0], { ...(text.includes('&l') ? { l: [1] } : {}), '1e3': 'a', '0x10': 'b', '2001-12-14': 'c', k: { x: 1 } });
  }
  for (const text of ['a:\n  5: c\n', 'a: {5: c}\n', 'a:\n  2001-12-14: c\n', '~: a\n', 'a: &x 1\nb:\n  5: c\n']) {
    for (const opts of [{ resources: true }, { patch: true }]) {
      assert.throws(() => parseYamlDocuments(text, 'r.yaml', opts), /is not a string/, text);
    }
    assert.not.throws(() => parseYamlDocuments(text, 'r.yaml'), text);
  }
  assert.equal(read('a:\n  1e3: c\n', 'k.yaml', { goYamlV2: true }), [{ a: { '1000': 'c' } }]);
});

test('a tab where go-yaml starts a token (line start, after `-`) fails naming the line; elsewhere it is a blank (checked with kubectl)', () => {
  for (const [text, line] of [['a:\n  x:\n  -\ty\n', 3], ['a:\n\t\n  x: y\n', 2], ['a: 1\n\t# c\nb: 2\n', 2], ['a:\n- \tb\n', 2]] as const) {
    for (const opts of [{ resources: true }, { goYamlV2: true }]) {
      try {
        parseYamlDocuments(text, 'r.yaml', opts);
        assert.unreachable(text);
      } catch (e) {
        assert.instance(e, KtsError, text);
        assert.is((e as KtsError).line, line, text);
      }
    }
  }
  assert.equal(read('a:\tb\nc: |\n  x\ty\nd: e\t\nf: g\n   \th\n', 'r.yaml', { resources: true }), [{ a: 'b', c: 'x\ty\n', d: 'e', f: 'g h' }]);
});

test.run();
