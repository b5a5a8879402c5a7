import { execFile } from 'node:child_process';
import { KtsError, UsageError } from '../errors.js';
import { redactUrl } from '../net/redact.js';

/** Branch names from `git ls-remote --heads` output. */
export function parseLsRemote(output: string): string[] {
  const out: string[] = [];
  for (const line of output.split('\n')) {
    const ref = line.split('\t')[1]?.trim();
    if (ref?.startsWith('refs/heads/')) out.push(ref.slice('refs/heads/'.length));
  }
  return out;
}

/**
 * The branches that exist on `remote` (a URL or a path), read with `git ls-remote --heads`: the
 * one external program kts runs, with arguments it builds itself and no shell.
 */
export function remoteBranches(remote: string, timeoutMs = 30_000): Promise<Set<string>> {
  if (!remote || remote.startsWith('-')) throw new UsageError(`--keep-from-git: invalid remote '${redactUrl(remote)}'`);
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['ls-remote', '--heads', remote],
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      (err, stdout, stderr) => {
        if (err) {
          const why = (stderr || err.message).trim().split('\n').pop();
          reject(new KtsError('git', redactUrl(`git ls-remote ${remote} failed: ${why}`), { field: '--keep-from-git' }));
        } else {
          resolve(new Set(parseLsRemote(stdout)));
        }
      },
    );
  });
}
