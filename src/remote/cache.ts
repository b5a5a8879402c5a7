// Where fetched remote content lives between builds, addressed by content: git trees by commit id,
// files by SHA-256. Entries are written to a temporary name and renamed into place, so concurrent
// builds never see half an entry and whoever renames first wins.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crypto, os } from '../builtins.js';

/** KTS_CACHE_DIR, else the platform's user cache folder plus `kts`. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KTS_CACHE_DIR) return env.KTS_CACHE_DIR;
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'kts', 'cache');
  if (process.platform === 'darwin') return join(os().homedir(), 'Library', 'Caches', 'kts');
  return join(env.XDG_CACHE_HOME || join(os().homedir(), '.cache'), 'kts');
}

export function sha256(data: string | Uint8Array): string {
  return crypto().createHash('sha256').update(data).digest('hex');
}

export class Cache {
  constructor(readonly root: string) {}

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  /** A fresh temporary folder inside the cache (same file system, so it can be renamed into place). */
  tempDir(): string {
    const tmp = this.path('tmp');
    mkdirSync(tmp, { recursive: true });
    return mkdtempSync(join(tmp, 'x-'));
  }

  /** Moves a finished temporary folder or file to `dest`; when another build got there first, keeps theirs. */
  publish(temp: string, dest: string): void {
    mkdirSync(join(dest, '..'), { recursive: true });
    try {
      renameSync(temp, dest);
    } catch (e) {
      if (!existsSync(dest)) throw e;
      rmSync(temp, { recursive: true, force: true });
    }
  }

  writeFile(dest: string, data: string | Uint8Array): void {
    const tmp = join(this.tempDir(), 'f');
    writeFileSync(tmp, data);
    this.publish(tmp, dest);
    rmSync(join(tmp, '..'), { recursive: true, force: true });
  }

  readJson<T>(file: string): T | undefined {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch {
      return undefined;
    }
  }
}
