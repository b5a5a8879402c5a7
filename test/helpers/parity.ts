import { spawnSync } from 'node:child_process';
import * as assert from 'uvu/assert';
import { hasProgram, kts } from './cli.js';

export const kubectl = hasProgram('kubectl');

/** kts builds `dir` as `expected` (taken from kubectl kustomize), and so does kubectl where installed. */
export function buildsAs(dir: string, expected: string): void {
  const r = kts(['build', dir]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, expected);
  if (!kubectl) return;
  const k = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  assert.is(k.stdout, expected, k.stderr);
}

/** kts fails on `dir` with one line matching `message`, and kubectl kustomize fails too where installed. */
export function failsAsKubectl(dir: string, message: RegExp): void {
  const r = kts(['build', dir]);
  assert.is(r.code, 1, r.stdout);
  assert.match(r.stderr, message);
  assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  if (kubectl) assert.is.not(spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' }).status, 0);
}
