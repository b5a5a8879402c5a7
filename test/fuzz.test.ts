// Differential fuzz test: mutants of the conformance inputs built by kts and by kubectl kustomize
// (see helpers/fuzz.ts). Every mutant must be crash-free (no internal error, exit 0 or 1, one-line
// errors, no hang); where kubectl is installed, kts must agree with it (both fail, or the same
// bytes) unless the mutant is listed in fuzz-known-divergences.txt under a named class.
// KTS_FUZZ_MUTANTS=N tries more (the default keeps npm test short), KTS_FUZZ_SEED=S other ones.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasProgram } from './helpers/cli.js';
import { loadCases, readKnownDivergences, tryMutant, type Result } from './helpers/fuzz.js';
import { repoRoot, sharedDir } from './helpers/paths.js';

const count = Number(process.env.KTS_FUZZ_MUTANTS ?? 24);
const seed = Number(process.env.KTS_FUZZ_SEED ?? 1);
const kts = [process.execPath, join(repoRoot, 'dist', 'bin', 'cli.js')];

test('mutants of the conformance inputs: no crash, and the same result as kubectl kustomize', () => {
  if (!sharedDir) {
    console.log('skipped: ../shared/conformance not found');
    return;
  }
  const kubectl = hasProgram('kubectl');
  if (!kubectl) console.log('kubectl not installed: checking crash-freedom only');
  const known = readKnownDivergences(readFileSync(join(repoRoot, 'fuzz-known-divergences.txt'), 'utf8'));
  const cases = loadCases(join(sharedDir, 'conformance'));
  const results: Result[] = [];
  for (let n = 0; results.length < count && n < count * 3; n++) {
    const r = tryMutant(cases, seed, n, kts, kubectl);
    if (r) results.push(r);
  }
  const crashed = results.filter((r) => r.verdict === 'crash');
  const diverged = results.filter((r) => r.verdict === 'diverge');
  const unlisted = diverged.filter((r) => !known.has(r.mutant.id));
  const line = (r: Result) => `${r.mutant.id} ${r.mutant.mutation.kind} ${r.mutant.mutation.file}:${r.mutant.mutation.line} ${JSON.stringify(r.mutant.mutation.token ?? '')}: ${r.detail}`;
  console.log(`fuzz seed ${seed}: ${results.length} tried, ${crashed.length} crashed, ${diverged.length} diverged (${unlisted.length} not in fuzz-known-divergences.txt)`);
  if (process.env.KTS_FUZZ_MUTANTS) for (const r of [...crashed, ...diverged]) console.log(`  ${r.verdict} ${line(r)}`);
  assert.equal(crashed.map(line), [], 'crashes');
  assert.equal(unlisted.map(line), [], 'divergences from kubectl not in fuzz-known-divergences.txt');
});

test.run();
