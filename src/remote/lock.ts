// The lock file: beside the kustomization being built, it records the commit every remote git
// reference resolved to and the SHA-256 of every remote file, for the whole tree of kustomizations.
// `kts build --update-lock` writes it; while it exists, builds use exactly that content and fail
// when a fetched file's digest differs or a remote reference is not in it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KtsError } from '../errors.js';

export const LOCK_FILE = 'kustomization.lock.json';
const VERSION = 1;

export interface LockData {
  /** `clone URL?ref=REF` → the commit it resolved to. */
  git: Map<string, string>;
  /** file URL → hex SHA-256 of its content. */
  files: Map<string, string>;
}

export function emptyLock(): LockData {
  return { git: new Map(), files: new Map() };
}

function entries(obj: unknown, field: string, value: string, file: string): Map<string, string> {
  const out = new Map<string, string>();
  if (obj === undefined) return out;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new KtsError('lock', `'${field}' must be a map`, { file });
  for (const [k, v] of Object.entries(obj)) {
    const inner = v && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, value) ? (v as Record<string, unknown>)[value] : undefined;
    if (typeof inner !== 'string' || !/^[0-9a-f]{40,64}$/.test(inner)) throw new KtsError('lock', `${field}['${k}'].${value} must be a hex digest`, { file });
    out.set(k, inner);
  }
  return out;
}

/** The lock file in `dir`, undefined when there is none. */
export function readLock(dir: string): LockData | undefined {
  const path = join(dir, LOCK_FILE);
  if (!existsSync(path)) return undefined;
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new KtsError('lock', `not valid JSON: ${(e as Error).message}`, { file: path });
  }
  if (!data || typeof data !== 'object' || data.lockVersion !== VERSION) throw new KtsError('lock', `lockVersion must be ${VERSION}`, { file: path });
  return { git: entries(data.git, 'git', 'commit', path), files: entries(data.files, 'files', 'sha256', path) };
}

/** Writes the lock file, keys sorted so that it diffs well. */
export function writeLock(dir: string, lock: LockData): string {
  const path = join(dir, LOCK_FILE);
  const sorted = (m: Map<string, string>, value: string) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, { [value]: v }]));
  writeFileSync(path, `${JSON.stringify({ lockVersion: VERSION, git: sorted(lock.git, 'commit'), files: sorted(lock.files, 'sha256') }, null, 2)}\n`);
  return path;
}
