import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { KtsError } from '../errors.js';

// File access for one kustomization root, as kustomize's FileLoader: files must lie in or below
// the root (LoadRestrictionsRootOnly) unless restrictions are off; directories (bases,
// components) may lie anywhere, but never at or above a root already being visited (a cycle).

export type LoadRestrictor = 'LoadRestrictionsRootOnly' | 'LoadRestrictionsNone';

/** Where a file or directory reference was written, for error messages. */
export interface Referrer {
  file: string;
  field: string;
}

const REMOTE = /^(git@|git::|github\.com\/|gitlab\.com\/|bitbucket\.org\/)|:\/\//;

/** kustomize fetches these over the network; we refuse them. */
export function isRemote(path: string): boolean {
  return REMOTE.test(path);
}

/** A path as the user should read it in a message: relative to the working directory when below it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
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
  ) {}

  /** A loader at an existing directory (the build target). */
  static at(dir: string, restrictor: LoadRestrictor = 'LoadRestrictionsRootOnly'): Loader {
    const root = realDir(resolve(dir));
    if (!root) throw new KtsError('not-a-directory', `'${dir}' is not a directory`, { file: dir });
    return new Loader(root, restrictor);
  }

  /** Absolute path of `path` relative to this root. */
  abs(path: string): string {
    return isAbsolute(path) ? path : join(this.root, path);
  }

  /** Reads a UTF-8 file, enforcing the load restrictor. Errors name `ref` when given. */
  load(path: string, ref?: Referrer): string {
    return this.loadBytes(path, ref).toString('utf8');
  }

  /** Reads a file's bytes, enforcing the load restrictor. */
  loadBytes(path: string, ref?: Referrer): Buffer {
    if (isRemote(path)) throw remoteError(path, ref);
    const full = this.abs(path);
    let real: string;
    try {
      real = realpathSync(full);
    } catch {
      throw new KtsError('missing-file', `file '${path}' not found${referredBy(ref)}`, where(ref));
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
      throw new KtsError('missing-file', `'${path}' is not a readable file${referredBy(ref)}`, where(ref));
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
    if (isRemote(path)) throw remoteError(path, ref);
    const root = realDir(this.abs(path));
    if (!root) return undefined;
    for (let l: Loader | undefined = this; l; l = l.parent) {
      if (within(l.root, root)) {
        const chain: string[] = [];
        for (let m: Loader | undefined = this; m; m = m.parent) chain.unshift(displayPath(m.root));
        chain.push(displayPath(root));
        throw new KtsError('cycle', `cycle detected: ${chain.join(' -> ')} ('${displayPath(root)}' contains a kustomization being built)`, where(ref));
      }
    }
    return new Loader(root, this.restrictor, this);
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
  return new KtsError('remote', `remote resource '${path}' refused: kts never fetches from the network during a build`, where(ref));
}
