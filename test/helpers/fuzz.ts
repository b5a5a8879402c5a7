// Differential fuzzing against kubectl kustomize: mutants of the conformance corpus inputs
// (../shared/conformance, read in place, never copied into the project), each built by kts and,
// where installed, by kubectl. A mutant is one text edit of one YAML file of one case, chosen by
// a seeded generator, so a mutant id (`case#n`, `case#n@seed` for a seed other than 1) names the
// same input on every machine.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { rng } from './rng.js';

// Scalars and keys that have tripped YAML readers or JS maps before.
const TOKENS = [
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '~', 'null', '"null"', '', '""', 'yes', 'on', '0x1F', '0o17',
  '017', '1e3', '.inf', '-.inf', '.nan', '-0', '.5', '12', '"12"', '12345678901234567890', '2001-12-14', '!!str 5', '&a x', '*a', '<<',
  '[]', '{}', '[a, b]', '{a: 1}', '|', '>', '"a\\tb"', "'it''s'", 'a: b', '- x', '#c', '%', '@x', '`x`', 'x'.repeat(300),
];

export type MutationKind = 'value' | 'key' | 'delete-line' | 'duplicate-line' | 'implicit-null' | 'indent' | 'swap-lines' | 'truncate';
const KINDS: MutationKind[] = ['value', 'value', 'key', 'delete-line', 'duplicate-line', 'implicit-null', 'indent', 'swap-lines', 'truncate'];

export interface Mutation {
  kind: MutationKind;
  /** The file changed, relative to the case's files/ folder. */
  file: string;
  line: number;
  token?: string;
}

/** One edit of `text`; undefined when the text offers no place for this kind. */
export function mutateText(text: string, kind: MutationKind, pick: () => number): { text: string; line: number; token?: string } | undefined {
  const lines = text.split('\n');
  const candidates = lines.map((l, i) => i).filter((i) => lines[i]!.trim() !== '' && !lines[i]!.trim().startsWith('#'));
  if (candidates.length === 0) return undefined;
  const at = candidates[Math.floor(pick() * candidates.length)]!;
  const line = lines[at]!;
  const token = TOKENS[Math.floor(pick() * TOKENS.length)]!;
  const indent = line.length - line.trimStart().length;
  const colon = line.search(/: |:$/);
  switch (kind) {
    case 'value':
      if (colon < 0) lines[at] = `${line.slice(0, indent)}${line.trimStart().startsWith('- ') ? '- ' : ''}${token}`;
      else lines[at] = `${line.slice(0, colon)}: ${token}`;
      break;
    case 'key':
      if (colon < 0) return undefined;
      lines[at] = `${line.slice(0, indent)}${line.trimStart().startsWith('- ') ? '- ' : ''}${token}${line.slice(colon)}`;
      break;
    case 'delete-line':
      lines.splice(at, 1);
      break;
    case 'duplicate-line':
      lines.splice(at, 0, line);
      break;
    case 'implicit-null':
      if (colon < 0) return undefined;
      lines[at] = `${line.slice(0, colon)}:`;
      break;
    case 'indent':
      lines[at] = pick() < 0.5 ? `  ${line}` : line.slice(Math.min(2, indent));
      break;
    case 'swap-lines': {
      const other = candidates[Math.floor(pick() * candidates.length)]!;
      [lines[at], lines[other]] = [lines[other]!, line];
      break;
    }
    case 'truncate':
      return { text: text.slice(0, Math.floor(pick() * text.length)), line: at + 1 };
  }
  return { text: lines.join('\n'), line: at + 1, token: kind === 'value' || kind === 'key' ? token : undefined };
}

export interface Case {
  name: string;
  dir: string;
  build: string;
  flags: string[];
}

export function loadCases(corpus: string): Case[] {
  const cases = join(corpus, 'cases');
  return readdirSync(cases)
    .sort()
    .map((name) => {
      const c = JSON.parse(readFileSync(join(cases, name, 'case.json'), 'utf8')) as { build: string; flags?: string[] };
      return { name, dir: join(cases, name, 'files'), build: c.build, flags: c.flags ?? [] };
    });
}

function yamlFiles(dir: string, root = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p, root));
    else if (/\.ya?ml$|^Kustomization$/.test(name)) out.push(relative(root, p));
  }
  return out;
}

export interface Mutant {
  id: string;
  caseName: string;
  mutation: Mutation;
}

/** The `n`-th mutant of the corpus under `seed`: a case, a file, a kind and a place, all from the seed. */
export function makeMutant(cases: Case[], seed: number, n: number, into: string): Mutant | undefined {
  const pick = rng(seed * 1_000_003 + n);
  const c = cases[Math.floor(pick() * cases.length)]!;
  const files = yamlFiles(c.dir);
  if (files.length === 0) return undefined;
  const file = files[Math.floor(pick() * files.length)]!;
  const kind = KINDS[Math.floor(pick() * KINDS.length)]!;
  const edit = mutateText(readFileSync(join(c.dir, file), 'utf8'), kind, pick);
  if (!edit) return undefined;
  cpSync(c.dir, into, { recursive: true });
  writeFileSync(join(into, file), edit.text);
  return { id: `${c.name}#${n}${seed === 1 ? '' : `@${seed}`}`, caseName: c.name, mutation: { kind, file, line: edit.line, token: edit.token } };
}

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs: number): Outcome {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut: r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' };
}

export type Verdict = 'agree' | 'diverge' | 'crash';

export interface Result {
  mutant: Mutant;
  verdict: Verdict;
  /** Why, for a crash or a divergence: one line. */
  detail: string;
}

/** What must never happen, whatever the input: an internal error, an exit code other than 0/1, a hang. */
export function crashOf(o: Outcome): string | undefined {
  if (o.timedOut) return 'no answer in time';
  if (o.stderr.includes('internal error')) return o.stderr.split('\n').find((l) => l.includes('internal error'))!.slice(0, 200);
  if (o.code !== 0 && o.code !== 1) return `exit code ${o.code}`;
  if (o.code === 1 && o.stderr.trimEnd().split('\n').length > 1) return 'an error of more than one line';
  return undefined;
}

/**
 * Builds one mutant with kts (`kts` is the command line before `build`) and, when `kubectl` is
 * true, with kubectl kustomize; they agree when both fail or both print the same bytes.
 */
export function tryMutant(cases: Case[], seed: number, n: number, kts: string[], kubectl: boolean): Result | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'kts-fuzz-'));
  try {
    const mutant = makeMutant(cases, seed, n, dir);
    if (!mutant) return undefined;
    const c = cases.find((x) => x.name === mutant.caseName)!;
    const target = join(dir, c.build);
    const args = [...kts.slice(1), 'build', ...c.flags, target];
    // A build takes well under a second; on a loaded machine a slow one gets a second, longer chance.
    let ours = run(kts[0]!, args, dir, 30_000);
    if (ours.timedOut) ours = run(kts[0]!, args, dir, 180_000);
    const crash = crashOf(ours);
    if (crash) return { mutant, verdict: 'crash', detail: crash };
    if (!kubectl) return { mutant, verdict: 'agree', detail: '' };
    const theirs = run('kubectl', ['kustomize', ...c.flags, target], dir, 60_000);
    if (theirs.timedOut) return { mutant, verdict: 'agree', detail: 'kubectl gave no answer in time' };
    const okOurs = ours.code === 0;
    const okTheirs = theirs.code === 0;
    if (okOurs && okTheirs && ours.stdout === theirs.stdout) return { mutant, verdict: 'agree', detail: '' };
    if (!okOurs && !okTheirs) return { mutant, verdict: 'agree', detail: '' };
    const detail = okOurs && okTheirs ? 'outputs differ' : okOurs ? 'kubectl fails, kts builds' : `kts fails, kubectl builds: ${ours.stderr.trim().slice(0, 160)}`;
    return { mutant, verdict: 'diverge', detail };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The known-divergence list: `case#n` ids (the first word of a line), `#` comments and class headers. */
export function readKnownDivergences(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const word = line.trim().split(/\s+/)[0] ?? '';
    if (word && !word.startsWith('#')) out.add(word);
  }
  return out;
}
