// The remote source the CLI hands to the engine. The engine is synchronous, so remote content is
// fetched between runs of the build: a build that asks for something not fetched yet stops with
// RemoteNotReady; the first time, every remote reference the kustomization tree names (remote trees
// included) is fetched in parallel, a bounded number at a time; anything that scan missed is fetched
// when asked for, and the build runs again. A ref resolves to one commit for the whole build.
import { join } from 'node:path';
import { KtsError } from '../errors.js';
import { loadKustomization } from '../kustomize/kustomization.js';
import { Loader, type Referrer, type RemoteSource } from '../kustomize/loader.js';
import { isRemoteFile, isRepoSpec, parseRepoSpec, type RepoSpec } from '../kustomize/repospec.js';
import { Cache, cacheRoot } from './cache.js';
import { FileFetcher, type FileResult } from './files.js';
import { GitFetcher, repoKey } from './git.js';
import { emptyLock, readLock, writeLock, type LockData } from './lock.js';

const PARALLEL_FETCHES = 4;

/** Thrown by the remote source when the build needs something not fetched yet. */
export class RemoteNotReady extends Error {
  constructor(readonly kind: 'file' | 'repo', readonly ref: string) {
    super(`remote ${kind} not fetched yet`);
  }
}

export interface RemoteOptions {
  cacheDir: string;
  offline?: boolean;
  /** Content to use exactly (a lock file); undefined resolves everything afresh. */
  lock?: LockData;
}

type RepoResult = { dir: string } | { error: KtsError };

function located(error: KtsError, ref?: Referrer): KtsError {
  return ref ? new KtsError(error.code, error.message, { file: ref.file, field: ref.field }) : error;
}

export class Remotes implements RemoteSource {
  private readonly files: FileFetcher;
  private readonly git: GitFetcher;
  private readonly fileResults = new Map<string, Promise<FileResult>>();
  private readonly fileDone = new Map<string, FileResult>();
  private readonly repoResults = new Map<string, Promise<RepoResult>>();
  private readonly repoDone = new Map<string, RepoResult>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** What this build used, as a lock file would record it. */
  readonly used: LockData = emptyLock();

  constructor(private readonly options: RemoteOptions) {
    const cache = new Cache(options.cacheDir);
    this.files = new FileFetcher(cache, !!options.offline);
    this.git = new GitFetcher(cache, !!options.offline);
  }

  file(url: string, ref?: Referrer): Buffer {
    const r = this.fileDone.get(url);
    if (!r) throw new RemoteNotReady('file', url);
    if ('error' in r) throw located(r.error, ref);
    return r.bytes;
  }

  repo(spec: RepoSpec, ref?: Referrer): string {
    const r = this.repoDone.get(spec.raw);
    if (!r) throw new RemoteNotReady('repo', spec.raw);
    if ('error' in r) throw located(r.error, ref);
    return r.dir;
  }

  /** Fetches what a RemoteNotReady asked for. */
  async fetch(missing: RemoteNotReady): Promise<void> {
    if (missing.kind === 'file') await this.ensureFile(missing.ref);
    else await this.ensureRepo(missing.ref);
  }

  private async limited<T>(job: () => Promise<T>): Promise<T> {
    while (this.active >= PARALLEL_FETCHES) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await job();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  ensureFile(url: string): Promise<FileResult> {
    let p = this.fileResults.get(url);
    if (!p) {
      const lock = this.options.lock;
      const locked = lock?.files.get(url);
      p = (async (): Promise<FileResult> => {
        // A URL the lock file records as a repository, or the cache knows as one, is not asked for a file.
        const spec = parseRepoSpec(url);
        if (!('error' in spec) && (lock ? lock.git.has(repoKey(spec)) && !locked : this.files.knownRepository(url))) {
          return { error: new KtsError('remote', 'URL is a git repository'), repository: true };
        }
        if (lock && !locked) return { error: notLocked(url), repository: false };
        return this.limited(() => this.files.fetch(url, locked));
      })().catch((e: unknown) => ({ error: asKtsError(e), repository: false }));
      p.then((r) => {
        this.fileDone.set(url, r);
        if ('bytes' in r) this.used.files.set(url, r.digest);
      });
      this.fileResults.set(url, p);
    }
    return p;
  }

  ensureRepo(raw: string): Promise<RepoResult> {
    let p = this.repoResults.get(raw);
    if (!p) {
      p = (async (): Promise<RepoResult> => {
        const spec = parseRepoSpec(raw);
        if ('error' in spec) throw new KtsError('remote', spec.error);
        const key = repoKey(spec);
        const lock = this.options.lock;
        let commit: string;
        if (lock) {
          const locked = lock.git.get(key);
          if (!locked) throw notLocked(key);
          commit = locked;
        } else commit = await this.limited(() => this.git.resolve(spec));
        const dir = await this.limited(() => this.git.tree(spec, commit));
        this.used.git.set(key, commit);
        return { dir };
      })().catch((e: unknown) => ({ error: asKtsError(e) }));
      p.then((r) => this.repoDone.set(raw, r));
      this.repoResults.set(raw, p);
    }
    return p;
  }

  /** Fetches every remote reference reachable from the kustomization in `dir`, in parallel. */
  async prefetch(dir: string): Promise<void> {
    const seen = new Set<string>();
    const visit = async (root: string): Promise<void> => {
      if (seen.has(root)) return;
      seen.add(root);
      let refs: { dirs: string[]; files: string[] };
      try {
        refs = references(root);
      } catch {
        return; // the build itself reports what is wrong here
      }
      const jobs: Promise<unknown>[] = refs.files.filter(isRemoteFile).map((url) => this.ensureFile(url));
      for (const path of refs.dirs) {
        if (isRepoSpec(path)) jobs.push(this.openRepo(path, visit));
        else if (isRemoteFile(path)) jobs.push(this.ensureFile(path));
        else jobs.push(visit(join(root, path)));
      }
      await Promise.all(jobs);
    };
    await visit(dir);
  }

  /** A resources/components entry naming a repository: tried as a file first when it is a URL, as kustomize does. */
  private async openRepo(path: string, visit: (dir: string) => Promise<void>): Promise<void> {
    if (isRemoteFile(path) && !('error' in (await this.ensureFile(path)))) return;
    const r = await this.ensureRepo(path);
    const spec = parseRepoSpec(path);
    if ('dir' in r && !('error' in spec)) await visit(join(r.dir, spec.kustRootPath));
  }
}

function notLocked(key: string): KtsError {
  return new KtsError('lock-missing', `'${key}' is not in the lock file; run 'kts build --update-lock' to add it`);
}

function asKtsError(e: unknown): KtsError {
  if (e instanceof KtsError) return e;
  return new KtsError('remote', `remote fetch failed: ${(e as Error).message ?? String(e)}`);
}

/** Directory and file references of one kustomization (the fields where kustomize accepts remote ones). */
function references(root: string): { dirs: string[]; files: string[] } {
  const k = loadKustomization(Loader.at(root)).kustomization;
  const files: string[] = [];
  for (const g of [...(k.configMapGenerator ?? []), ...(k.secretGenerator ?? [])]) {
    for (const f of g.files ?? []) files.push(isRemoteFile(f) ? f : f.slice(f.indexOf('=') + 1));
    files.push(...(g.envs ?? []));
  }
  if (k.openapi?.path) files.push(k.openapi.path);
  files.push(...(k.crds ?? []), ...(k.configurations ?? []));
  for (const p of [...(k.patches ?? []), ...(k.patchesJson6902 ?? [])]) if (typeof p.path === 'string') files.push(p.path);
  return { dirs: [...(k.resources ?? []), ...(k.components ?? [])], files };
}

/** Runs `build` with remote references fetched, fetching what it still asks for until it completes. */
export async function withRemotes<T>(dir: string, options: RemoteOptions, build: (remote: RemoteSource) => T): Promise<{ result: T; remotes: Remotes }> {
  const remotes = new Remotes(options);
  // Most builds name nothing remote: the tree is scanned for remote references (reading every
  // kustomization file a second time) only once the build has asked for one.
  let prefetched = false;
  for (;;) {
    try {
      return { result: build(remotes), remotes };
    } catch (e) {
      if (!(e instanceof RemoteNotReady)) throw e;
      if (!prefetched) await remotes.prefetch(dir);
      prefetched = true;
      await remotes.fetch(e);
    }
  }
}

export interface RemoteBuildFlags {
  offline?: boolean;
  updateLock?: boolean;
}

/**
 * A build of `dir` with remote references: pinned by the lock file beside it when there is one,
 * writing that file afresh with --update-lock.
 */
export async function buildRemote<T>(dir: string, flags: RemoteBuildFlags, build: (remote: RemoteSource) => T, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  const lock = flags.updateLock ? undefined : readLock(dir);
  const { result, remotes } = await withRemotes(dir, { cacheDir: cacheRoot(env), offline: flags.offline, lock }, build);
  if (flags.updateLock) writeLock(dir, remotes.used);
  return result;
}
