import { isDeepStrictEqual } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import type { Json, JsonObject } from '../resource.js';
import { emitYaml } from './emit.js';
import { fastParseDocuments, Unsupported } from './fastparse.js';
import { fullParseDocuments } from './parse.js';
import { plain } from '../testing.js';

// The fast reader must agree with the full parser on everything it accepts. Random values built
// from YAML's awkward characters, printed by our emitter and by the `yaml` package with narrow
// line widths (multi-line plain and quoted scalars), check that.
const PIECES = ['a', 'word', ' ', '  ', ':', ': ', '#', ' #', '-', '- ', '"', "'", '\\', '\n', '\n\n', 'x y', '1', '0', '.', 'é', 'yes', 'null', '{', '[', '*', '&', '!', '|', '>', '%', '@', '`', ',', '?', ' \n', '\n '];

function generator(seed: number) {
  let state = seed;
  const rnd = (): number => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const str = (): string => Array.from({ length: Math.floor(rnd() * 30) }, () => PIECES[Math.floor(rnd() * PIECES.length)]).join('');
  const value = (depth: number): Json => {
    const r = rnd();
    if (depth > 3 || r < 0.5) return r < 0.1 ? Math.floor(rnd() * 1000) : r < 0.15 ? true : r < 0.18 ? null : str();
    if (r < 0.75) {
      const o: JsonObject = {};
      for (let i = Math.floor(rnd() * 5); i > 0; i--) o[str() || 'k'] = value(depth + 1);
      return o;
    }
    return Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1));
  };
  return { rnd, value };
}

/** Moves one-line values to the line after their key (`k: v` to `k:` and `  v`). */
const ownLine = (text: string): string =>
  text.replace(/^( *)((?:- )?)([^ #'"?:\-[{][^:#]*): ([^|>[{&*!].*)$/gm, (_, ind: string, dash: string, key: string, value: string) => `${ind}${dash}${key}:\n${ind}${dash ? '  ' : ''}  ${value}`);

test('agrees with the full parser on random documents', () => {
  const { rnd, value } = generator(42);
  let accepted = 0;
  for (let n = 0; n < 400; n++) {
    const v = { root: value(0), other: value(1) };
    const width = 20 + Math.floor(rnd() * 40);
    const flow = (x: Json): string => stringify(x, { collectionStyle: 'flow', lineWidth: 0 }).trimEnd().replace(/\n[^]*/, '') || '~';
    const base = [
      emitYaml(v),
      stringify(v, { lineWidth: width }),
      stringify(v, { defaultStringType: 'QUOTE_DOUBLE', lineWidth: width }),
      `root: ${flow(v.root)}\nlist:\n- ${flow(v.other)}\n- ${flow([v.other, v.root])}\n`,
    ];
    // what real files add: trailing tabs and spaces, comments, values on the line after their key
    const texts = [...base, ...base.map((t) => t.replace(/\n/g, rnd() < 0.5 ? '\t\n' : ' \t # c\t\n')), ...base.map(ownLine)];
    for (const text of texts) {
      let fast: Json[];
      try {
        fast = fastParseDocuments(text);
      } catch (e) {
        if (e instanceof Unsupported) continue;
        throw e;
      }
      accepted++;
      if (!isDeepStrictEqual(fast, fullParseDocuments(text, 'x'))) assert.unreachable(`fast and full parse differ on:\n${text}`);
    }
  }
  assert.ok(accepted > 2200, `only ${accepted} documents took the fast path`);
});

test('reads a typical manifest with comments, literals and multi-line scalars', () => {
  const text = [
    '# a comment',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web # trailing comment',
    '  annotations:',
    '    note: a long text that',
    '      continues here',
    '    quoted: "one',
    '      two\\tthree"',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: app',
    '        args: ["--x"]',
    '---',
    'kind: ConfigMap',
    'data:',
    '  script: |',
    '    echo hi',
    '',
    '    exit 0',
    '  empty: {}',
    '',
  ].join('\n');
  const docs = fastParseDocuments(text);
  assert.equal(docs, fullParseDocuments(text, 'x'));
  assert.throws(() => fastParseDocuments('a: [b,\n  c]\n'), (e: unknown) => e instanceof Unsupported); // multi-line flow
  assert.equal(plain((docs[1] as JsonObject).data), { script: 'echo hi\n\nexit 0\n', empty: {} });
  assert.equal(plain(((docs[0] as JsonObject).metadata as JsonObject).annotations), { note: 'a long text that continues here', quoted: 'one two\tthree' });
});

test.run();
