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
  /** Close the reading end of stdout before kts writes, as `kts … | head` does (ktsAsync only). */
  closeStdout?: boolean;
}

// No kts command may print a Secret's value or a credential (README, "Security"), so every run
// through kts()/ktsAsync() is checked for: the Secret values tests register with neverPrinted (and
// their base64), the values of *_TOKEN/*_PASSWORD/*_SECRET variables it was given, and the
// passwords and tokens of URLs in its arguments and environment. Only the manifests `build` and
// `render` print on stdout may hold Secret values.
const secretValues = new Set<string>();

/** Values (Secret data in fixtures) that no kts output may show, as written or base64-encoded. */
export function neverPrinted(...values: string[]): void {
  for (const v of values) secretValues.add(v).add(Buffer.from(v).toString('base64'));
}
// The example application's database password (bases/postgres/credentials).
neverPrinted('shop-ci-only');

const MANIFEST_COMMANDS = new Set(['build', 'render']);
const CREDENTIAL_VARIABLE = /(?:^|_)(?:TOKEN|PASSWORD|PASSWD|SECRET)$/i;
const URL_PASSWORD = /:\/\/[^/\s:@]*:([^/\s@]+)@/g;
const URL_TOKEN_USER = /:\/\/([^/\s:@]{8,})@/g;
const QUERY_TOKEN = /[?&](?:access_token|private_token|token|password|secret)=([^&#\s]+)/gi;

function credentialsOf(args: string[], env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) if (value && value.length >= 6 && CREDENTIAL_VARIABLE.test(name)) out.push(value);
  for (const text of [...args, ...Object.values(env)]) {
    for (const re of [URL_PASSWORD, URL_TOKEN_USER, QUERY_TOKEN]) for (const m of (text ?? '').matchAll(re)) out.push(m[1]!);
  }
  return out;
}

/** Throws when the run printed a registered Secret value or a credential it was given. */
function assertNothingSecret(args: string[], env: NodeJS.ProcessEnv, r: CliResult): CliResult {
  const streams = MANIFEST_COMMANDS.has(args[0] ?? '') ? { stderr: r.stderr } : { stdout: r.stdout, stderr: r.stderr };
  for (const secret of [...secretValues, ...credentialsOf(args, env)]) {
    for (const [name, text] of Object.entries(streams)) {
      if (text?.includes(secret)) throw new Error(`kts ${args.join(' ')} printed the secret ${JSON.stringify(secret)} on ${name}:\n${text}`);
    }
  }
  return r;
}

/** The node arguments that run `kts ARGS…`, for tests that spawn it themselves. */
export const ktsArgv = (args: string[]): string[] => [...entry, ...args];

/** Runs `kts ARGS…` synchronously. */
export function kts(args: string[], opts: CliOptions = {}): CliResult {
  const env = opts.env ?? process.env;
  const r = spawnSync(process.execPath, [...entry, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env,
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return assertNothingSecret(args, env, { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr });
}

/** Runs `kts ARGS…` without blocking the event loop (needed when the test also serves HTTP). */
export function ktsAsync(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = opts.env ?? process.env;
    const child = spawn(process.execPath, [...entry, ...args], { cwd: opts.cwd ?? repoRoot, env });
    let stdout = '';
    let stderr = '';
    if (opts.closeStdout) child.stdout.destroy();
    else child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(assertNothingSecret(args, env, { code: code ?? -1, stdout, stderr }));
      } catch (e) {
        reject(e);
      }
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** Whether an external program is on PATH (tests that need kubectl or git skip without it). */
export function hasProgram(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)));
}

export const distBuilt = existsSync(join(repoRoot, 'dist', 'bin', 'cli.js'));
