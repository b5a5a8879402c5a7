import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { KtsError } from '../errors.js';
import { redactUrl } from '../net/redact.js';
import { isRemoteFile, isRepoSpec, parseRepoSpec, type RepoSpec } from './repospec.js';

// File access for one kustomization root, as kustomize's FileLoader: files must lie in or below
// the root (LoadRestrictionsRootOnly) unless restrictions are off; directories (bases,
// components) may lie anywhere, but never at or above a root already being visited (a cycle).
// Remote references go to an injected RemoteSource (the engine itself never touches the network):
// an http(s) file is fetched whole; a git reference becomes a root inside the fetched tree that,
// as in kustomize, loads files only below itself and directories only inside its repository.

export type LoadRestrictor = 'LoadRestrictionsRootOnly' | 'LoadRestrictionsNone';

/** Where a file or directory reference was written, for error messages. */
export interface Referrer {
  file: string;
  field: string;
}

/** Adds the referring file and field to an error raised deeper down that has no location. */
export function withReferrer(e: unknown, ref: Referrer): unknown {
  if (e instanceof KtsError && !e.file) {
    return new KtsError(e.code, e.message, { file: ref.file, field: e.field ? `${ref.field}: ${e.field}` : ref.field, line: e.line }, e.exitCode);
  }
  return e;
}

/** Fetches what remote references name; synchronous, so the caller fetches ahead (src/remote/). */
export interface RemoteSource {
  /** The body of an http(s) URL, or a KtsError (kustomize's "URL is a git repository" included). */
  file(url: string, ref?: Referrer): Buffer;
  /** A local directory holding the whole tree of the repository at the spec's ref. */
  repo(spec: RepoSpec, ref?: Referrer): string;
}

/** kustomize fetches these over the network: an http(s) file or a git repository. */
export function isRemote(path: string): boolean {
  return isRemoteFile(path) || isRepoSpec(path);
}

/** The repository a remote root was loaded from, and where its tree lies. */
interface ContainingRepo {
  raw: string;
  dir: string;
}

/** A path as the user should read it in a message: relative to the working directory when below it; a URL without credentials. */
export function displayPath(path: string): string {
  if (isRemoteFile(path)) return redactUrl(path);
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/**
 * A path as an error quotes it. Inline YAML written where a path may stand (a generator config that
 * did not read as one, a patch) is summarised, never echoed: it may hold a Secret's data.
 */
export function quotedPath(path: string): string {
  return /[\r\n]/.test(path) || /^\s*[{[]/.test(path) || path.length > 256 ? `(inline text of ${path.length} characters, not a readable object)` : `'${path}'`;
}

function realDir(path: string): string | undefined {
  try {
    const real = realpathSync(path);
    return statSync(real).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}

export class Loader {
  private constructor(
    readonly root: string,
    readonly restrictor: LoadRestrictor,
    /** The loader that referred to this one, for cycle detection. */
    private readonly parent?: Loader,
    readonly remote?: RemoteSource,
    /** Set for roots inside a fetched repository: they may not reach outside it. */
    private readonly repo?: ContainingRepo,
  ) {}

  /** A loader at an existing directory (the build target). */
  static at(dir: string, restrictor: LoadRestrictor = 'LoadRestrictionsRootOnly', remote?: RemoteSource): Loader {
    const root = realDir(resolve(dir));
    if (!root) throw new KtsError('not-a-directory', `'${dir}' is not a directory`, { file: dir });
    return new Loader(root, restrictor, undefined, remote);
  }

  /** Absolute path of `path` relative to this root; an http(s) URL as it is (join would fold its `//`). */
  abs(path: string): string {
    return isAbsolute(path) || isRemoteFile(path) ? path : join(this.root, path);
  }

  /** Reads a UTF-8 file, enforcing the load restrictor. Errors name `ref` when given. */
  load(path: string, ref?: Referrer): string {
    return this.loadBytes(path, ref).toString('utf8');
  }

  /** Reads a file's bytes, enforcing the load restrictor. */
  loadBytes(path: string, ref?: Referrer): Buffer {
    if (isRemoteFile(path)) {
      if (!this.remote) throw remoteError(path, ref);
      return this.remote.file(path, ref);
    }
    const full = this.abs(path);
    let real: string;
    try {
      real = realpathSync(full);
    } catch {
      throw new KtsError('missing-file', `file ${quotedPath(path)} not found${referredBy(ref)}`, where(ref));
    }
    if (this.restrictor === 'LoadRestrictionsRootOnly' && !within(real, this.root)) {
      throw new KtsError(
        'load-restrictor',
        `security; file '${displayPath(real)}' is not in or below '${displayPath(this.root)}' (use --load-restrictor LoadRestrictionsNone to allow it)`,
        where(ref),
      );
    }
    try {
      return readFileSync(real);
    } catch {
      throw new KtsError('missing-file', `${quotedPath(path)} is not a readable file${referredBy(ref)}`, where(ref));
    }
  }

  /** Whether `path` names an existing regular file (no restrictor check). */
  isFile(path: string): boolean {
    try {
      return statSync(this.abs(path)).isFile();
    } catch {
      return false;
    }
  }

  /** A loader rooted at the directory `path`; undefined when it is not a directory. */
  child(path: string, ref?: Referrer): Loader | undefined {
    const spec = parseRepoSpec(path);
    if (!('error' in spec)) return this.repoChild(spec, ref);
    const root = realDir(this.abs(path));
    if (!root) return undefined;
    // kustomize's loader refuses it whatever the load restrictor
    if (isAbsolute(path)) throw new KtsError('absolute-root', `new root '${path}' cannot be absolute`, where(ref));
    if (this.repo && !within(root, this.repo.dir)) {
      throw new KtsError(
        'load-restrictor',
        `security; bases in kust targets sourced by repo '${this.repo.raw}' may not reach outside of the repo, but they're trying to reach '${displayPath(root)}'`,
        where(ref),
      );
    }
    for (let l: Loader | undefined = this; l; l = l.parent) {
      if (within(l.root, root)) {
        const chain: string[] = [];
        for (let m: Loader | undefined = this; m; m = m.parent) chain.unshift(displayPath(m.root));
        chain.push(displayPath(root));
        throw new KtsError('cycle', `cycle detected: ${chain.join(' -> ')} ('${displayPath(root)}' contains a kustomization being built)`, where(ref));
      }
    }
    return new Loader(root, this.restrictor, this, this.remote, this.repo);
  }

  /** kustomize's newLoaderAtGitClone: the kustomization root inside a fetched repository. */
  private repoChild(spec: RepoSpec, ref?: Referrer): Loader {
    if (!this.remote) throw remoteError(spec.raw, ref);
    for (let l: Loader | undefined = this; l; l = l.parent) {
      if (l.repo && l.repo.raw.startsWith(spec.raw)) {
        throw new KtsError('cycle', `cycle detected: URI '${spec.raw}' referenced by previous URI '${l.repo.raw}'`, where(ref));
      }
    }
    const dir = realpathSync(this.remote.repo(spec, ref));
    const full = join(dir, spec.kustRootPath);
    const root = realDir(full);
    if (!root) {
      const what = this.isFile(full) ? `refers to file '${spec.kustRootPath}'; expecting directory` : 'is not a directory in the repository';
      throw new KtsError('missing-file', `'${spec.raw}' ${what}`, where(ref));
    }
    if (!within(root, dir)) throw new KtsError('load-restrictor', `'${spec.raw}' refers to directory outside of repo`, where(ref));
    // Remote roots never load files from outside themselves, whatever --load-restrictor says.
    return new Loader(root, 'LoadRestrictionsRootOnly', this, this.remote, { raw: spec.raw, dir });
  }
}

function within(path: string, dir: string): boolean {
  return path === dir || dir === sep || path.startsWith(dir + sep);
}

function where(ref?: Referrer): { file?: string; field?: string } {
  return ref ? { file: ref.file, field: ref.field } : {};
}

function referredBy(ref?: Referrer): string {
  return ref ? ` (referred to by ${ref.file})` : '';
}

function remoteError(path: string, ref?: Referrer): KtsError {
  return new KtsError('remote', `remote reference '${path}' refused: this build was given no remote source (kts build fetches them)`, where(ref));
}
