import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './paths.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Under `npm test` the shipped bundle (dist/bin/cli.js) runs; under `npm run t` (tsx) the TypeScript source.
const fromDist = fileURLToPath(import.meta.url).includes(`${join(repoRoot, 'dist')}`);
const entry = fromDist ? [join(repoRoot, 'dist', 'bin', 'cli.js')] : ['--import', 'tsx', join(repoRoot, 'cli.ts')];

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
}

/** Runs `kts ARGS…` synchronously. */
export function kts(args: string[], opts: CliOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [...entry, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: opts.env ?? process.env,
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `kts ARGS…` without blocking the event loop (needed when the test also serves HTTP). */
export function ktsAsync(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entry, ...args], { cwd: opts.cwd ?? repoRoot, env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** Whether an external program is on PATH (tests that need kubectl or git skip without it). */
export function hasProgram(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)));
}

export const distBuilt = existsSync(join(repoRoot, 'dist', 'bin', 'cli.js'));
