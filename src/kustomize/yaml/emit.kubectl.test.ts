import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasProgram } from '../../../test/helpers/cli.js';
import { emitDocuments } from './emit.js';
import { parseYamlDocuments } from './parse.js';

// Scalars that exercise every branch of go-yaml's style selection, folding and escaping.
const TRICKY = [
  'yes', 'no', 'on', 'off', 'y', 'n', '~', 'null', '0777', '08', '1_000', '0x1F', '0o17', '0b101', '-0b11', '1e3', '1.', '.5',
  '.inf', '+1', '-', '+', '1:20', '2020-1-2', '2020-13-01', '2001-12-14T21:59:43.10-05:00', '2001-12-14 21:59:43.10',
  'a: b', 'a:b', ':a', '? a', '?a', '-a', '- a', '--- x', '...', '#a', 'a #b', 'a#b', '@a', '`a', '%a', '!a', '&a', '*a',
  '|a', '>a', "'a", '"a', 'a,b', '[a', 'a]', '{a', 'a}', 'a\tb', ' lead', 'trail ', 'a  b', 'é', '日本', '😀', '\u00a0x',
  '\u2028', 'x\u200by', '\ufeff', 'a\\b', 'a"b', "a'b", 'line1\nline2', 'line1\nline2\n', '\nlead', 'x\n\n', 'trail \nx',
  'x\n y', 'a\r\nb', 'word '.repeat(30), `'${'word '.repeat(30)}end`, 'x'.repeat(100), `a\t${'word '.repeat(25)}end`,
  `${'long  double  spaces '.repeat(6)}end`, `a: ${'w '.repeat(60)}end`, `a\tb ${'w '.repeat(50)} z`, '1.5', '100', '-0',
  '00', '+0.5e3', '1e+21', '9223372036854775808', '18446744073709551616', '0.0000001', 'True', 'NULL', '<<', '0x', '0b2', '_1',
];
const KEYS = ['a10', 'a2', 'a_b', 'a-b', 'aB', 'Z', 'a', 'a.b', 'a/b', 'A1', 'é', '日本', 'b1'];
const NUMBERS = ['1.0', '1.5', '100000.5', '1234567.5', '0.00001', '1e21', '1e20', '-1.25e-7', '3.14159265358979', '0x10', '0777', '1_000', '+12', '-0', '1e6', '.5'];

test('scalars, numbers and key order match kubectl kustomize byte for byte', () => {
  if (!hasProgram('kubectl')) {
    console.log('  (skipped: kubectl not found)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'kts-emit-'));
  try {
    let cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n';
    TRICKY.forEach((v, i) => (cm += `    v${String(i).padStart(3, '0')}: ${JSON.stringify(v)}\n`));
    KEYS.forEach((k) => (cm += `    ${JSON.stringify(k)}: k\n`));
    cm += 'data:\n';
    NUMBERS.forEach((n, i) => (cm += `  n${i}: ${n}\n`));
    writeFileSync(join(dir, 'cm.yaml'), cm);
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n- cm.yaml\n');
    const ref = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    assert.is(ref.status, 0, ref.stderr);
    assert.fixture(emitDocuments(parseYamlDocuments(cm, 'cm.yaml')), ref.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
