// The reusable local copy of a deploy repository (a bare, shallow, single-branch git dir). One
// process at a time owns a cache folder, through a lock file holding its pid; a process that finds
// it busy works in a private temporary folder instead of waiting, so parallel jobs stay parallel.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactUrl } from '../net/redact.js';

const STALE_AFTER_MS = 60 * 60 * 1000;
/** Lock files this process holds (a lock with our pid that is not here is left from an earlier run). */
const held = new Set<string>();

export interface CacheLease {
  gitdir: string;
  /** Whether this is a throw-away folder (the shared one was busy or caching is off). */
  temporary: boolean;
  release(): void;
}

export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KTS_CACHE_DIR) return env.KTS_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'kts');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryLock(lockFile: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(lockFile);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner: number;
      let age: number;
      try {
        owner = Number(readFileSync(lockFile, 'utf8').trim());
        age = Date.now() - statSync(lockFile).mtimeMs;
      } catch {
        continue; // released meanwhile: try again
      }
      // Stale: left by a process that died, or by an earlier container whose process had our pid, or
      // older than any publish takes. Anything else (including a half-written lock) is busy.
      const stale = (owner === process.pid && !held.has(lockFile)) || age > STALE_AFTER_MS || (owner > 0 && !alive(owner));
      if (!stale) return false;
      try {
        unlinkSync(lockFile);
      } catch {
        return false;
      }
    }
  }
  return false;
}

/** Takes the cache folder for `url`+`ref` under `root`, or a temporary one when it is busy or root is undefined. */
export function leaseCache(root: string | undefined, url: string, ref: string): CacheLease {
  if (root) {
    const key = createHash('sha256').update(`${redactUrl(url)}\n${ref}`).digest('hex').slice(0, 16);
    const dir = join(root, 'git', key);
    mkdirSync(dir, { recursive: true });
    const lockFile = join(dir, 'lock');
    if (tryLock(lockFile)) {
      const release = () => {
        process.off('exit', release);
        held.delete(lockFile);
        try {
          unlinkSync(lockFile);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return { gitdir: join(dir, 'repo.git'), temporary: false, release };
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'kts-deploy-'));
  const release = () => {
    process.off('exit', release);
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', release);
  return { gitdir: join(dir, 'repo.git'), temporary: true, release };
}
