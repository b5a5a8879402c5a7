import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kts } from './helpers/cli.js';

// Hostile YAML through the whole CLI: deep nesting overflows V8's default stack in the reader,
// the merge and the printer, so the command runs again on a large stack (src/cli/largestack.ts).

function app(resource: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kts-yaml-limits-'));
  writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n- cm.yaml\n');
  writeFileSync(join(dir, 'cm.yaml'), resource);
  return dir;
}

// The retry starts a worker on the CLI script, which tsx (`npm run t`) cannot load there.
const compiled = import.meta.url.includes('/dist/');
const deep = compiled ? test : test.skip;
if (!compiled) console.log('yaml-limits: deep nesting runs only on the compiled CLI (npm test)');

const nested = (n: number): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\nx: ${'['.repeat(n)}${']'.repeat(n)}\n`;

deep('9,999 nested flow sequences build as in kustomize (bytes checked with kubectl kustomize)', () => {
  const r = kts(['build', app(nested(9_999))]);
  assert.is(r.stderr, '');
  assert.is(r.code, 0);
  assert.ok(r.stdout === `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\nx:\n${'- '.repeat(9_998)}[]\n`, 'output differs');
});

deep('10,000 levels are refused in one line, as kustomize refuses them', () => {
  const r = kts(['build', app(nested(10_000))]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /^kts: .*cm\.yaml:5: invalid YAML: exceeded max depth of 10000\n$/);
});

test('an alias bomb and a recursive alias fail in one line instead of hanging or overflowing', () => {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: x', 'a0: &a0 [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
  const bomb = kts(['build', app(`${lines.join('\n')}\n`)]);
  assert.is(bomb.code, 1);
  assert.match(bomb.stderr, /^kts: .*cm\.yaml:\d+: invalid YAML: document contains excessive aliasing\n$/);
  const cycle = kts(['build', app('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: &M {x: *M}\n')]);
  assert.is(cycle.code, 1);
  assert.match(cycle.stderr, /^kts: .*cm\.yaml:5: invalid YAML: anchor 'M' value contains itself\n$/);
});

test.run();
