// The deploy repository over smart HTTP, through isomorphic-git: fetch one branch shallowly into a
// bare cache, read folders of its head, write a commit that replaces whole folders, push it without
// force. No working tree is ever checked out: trees and blobs are written directly, so a change to
// one folder costs only that folder's new objects. isomorphic-git is imported lazily.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import { KtsError } from '../errors.js';
import { redactUrl } from '../net/redact.js';
import { gitHttp } from '../net/http.js';
import type { Credentials, Identity } from './auth.js';
import { blobId } from './blob-id.js';
import { leaseCache, type CacheLease } from './cache.js';
import { syncFs as fs } from '../net/sync-fs.js';
import type { FileSource } from './plan.js';

type Git = typeof import('isomorphic-git');
type HttpClient = typeof gitHttp;

/** The complete new content of one folder of the repository; `files: null` removes the folder. */
export interface FolderEdit {
  path: string;
  files: Map<string, FileSource> | null;
}

export interface RemoteOptions {
  /** Repository URL without credentials. */
  url: string;
  /** Branch name, e.g. `main`. */
  ref: string;
  credentials?: Credentials;
  /** Root of the reusable cache; undefined works in a temporary folder. */
  cacheRoot?: string;
  /** Start the branch when the remote does not have it (instead of failing). */
  createRef?: boolean;
  onProgress?: (phase: string, loaded: number, total: number) => void;
}

export type PushOutcome = { ok: true } | { ok: false; detail: string };

const deflateAsync = promisify(deflate);
const MAX_PACKS = 40;
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

interface TreeEntry {
  mode: string;
  path: string;
  oid: string;
  type: 'blob' | 'tree' | 'commit';
}

export class DeployRepo {
  private cache = {};

  private constructor(
    private readonly git: Git,
    private readonly http: HttpClient,
    private readonly lease: CacheLease,
    readonly options: RemoteOptions,
  ) {}

  static async open(options: RemoteOptions): Promise<DeployRepo> {
    const git = await import('isomorphic-git');
    const lease = leaseCache(options.cacheRoot, options.url, options.ref);
    // Our client, not simple-get: credentials must never follow a redirect to another origin.
    return new DeployRepo(git.default ?? git, gitHttp, lease, options);
  }

  get displayUrl(): string {
    return redactUrl(this.options.url);
  }

  close(): void {
    this.lease.release();
  }

  private get gitdir(): string {
    return this.lease.gitdir;
  }

  private headers(): Record<string, string> {
    const c = this.options.credentials;
    return c ? { Authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` } : {};
  }

  private progress() {
    const report = this.options.onProgress;
    return report ? (e: { phase: string; loaded: number; total: number }) => report(e.phase, e.loaded, e.total) : undefined;
  }

  /**
   * Fetches the branch head (depth 1) and returns its commit id; null when the branch does not exist
   * and createRef is set. A cache that cannot be used is thrown away and fetched again once.
   */
  async fetch(): Promise<string | null> {
    try {
      return await this.fetchOnce();
    } catch (e) {
      if (e instanceof KtsError || isRemoteError(e)) throw this.explain(e);
      this.discardCache();
      try {
        return await this.fetchOnce();
      } catch (again) {
        throw this.explain(again);
      }
    }
  }

  private discardCache(): void {
    rmSync(this.gitdir, { recursive: true, force: true });
    this.cache = {};
  }

  private async fetchOnce(): Promise<string | null> {
    const { git, gitdir, options } = this;
    // Every fetch adds a pack and isomorphic-git never repacks; past a point a fresh shallow fetch is cheaper.
    const packs = join(gitdir, 'objects', 'pack');
    if (existsSync(packs) && readdirSync(packs).filter((f) => f.endsWith('.pack')).length > MAX_PACKS) this.discardCache();
    if (!existsSync(`${gitdir}/HEAD`)) {
      await git.init({ fs, gitdir, bare: true, defaultBranch: options.ref });
      // fetch names its tracking refs after a configured remote; the URL holds no credentials.
      await git.addRemote({ fs, gitdir, remote: 'origin', url: options.url, force: true });
    }
    let head: string | null;
    try {
      const res = await git.fetch({
        fs,
        http: this.http,
        gitdir,
        cache: this.cache,
        remote: 'origin',
        url: options.url,
        ref: options.ref,
        singleBranch: true,
        depth: 1,
        tags: false,
        headers: this.headers(),
        onProgress: this.progress(),
      });
      head = res.fetchHead;
    } catch (e) {
      if (!isMissingRef(e, options.ref)) throw e;
      head = null;
    }
    if (head === null) {
      if (!options.createRef) {
        throw new KtsError('git-ref', `branch '${options.ref}' does not exist in ${this.displayUrl} (pass --create-ref to start it)`);
      }
      return null;
    }
    // Remember the head as a local branch: the next fetch offers it as "have" and only receives what is new.
    await git.writeRef({ fs, gitdir, ref: `refs/heads/${options.ref}`, value: head, force: true });
    return head;
  }

  private async tree(oid: string): Promise<TreeEntry[]> {
    const { tree } = await this.git.readTree({ fs, gitdir: this.gitdir, oid, cache: this.cache });
    return tree as TreeEntry[];
  }

  private async commitTree(commit: string | null): Promise<string> {
    if (commit === null) return EMPTY_TREE;
    const { commit: c } = await this.git.readCommit({ fs, gitdir: this.gitdir, oid: commit, cache: this.cache });
    return c.tree;
  }

  /** The tree id at `path` of a commit, undefined when nothing is there. */
  private async treeAt(commit: string | null, path: string): Promise<string | undefined> {
    let oid = await this.commitTree(commit);
    for (const segment of path.split('/').filter(Boolean)) {
      const entry = (await this.tree(oid)).find((e) => e.path === segment);
      if (!entry) return undefined;
      if (entry.type !== 'tree') {
        throw new KtsError('git-layout', `${this.displayUrl} has a file at '${path}' where a folder is expected`);
      }
      oid = entry.oid;
    }
    return oid;
  }

  /** Every file under `path` in `commit` (name relative to the folder → blob id); empty when the folder is absent. */
  async listFolder(commit: string | null, path: string): Promise<Map<string, string>> {
    const files = new Map<string, string>();
    const walk = async (oid: string, prefix: string): Promise<void> => {
      for (const e of await this.tree(oid)) {
        if (e.type === 'tree') await walk(e.oid, `${prefix}${e.path}/`);
        else if (e.type === 'blob') files.set(`${prefix}${e.path}`, e.oid);
      }
    };
    const root = await this.treeAt(commit, path);
    if (root) await walk(root, '');
    return files;
  }

  async readText(oid: string): Promise<string> {
    const { blob } = await this.git.readBlob({ fs, gitdir: this.gitdir, oid, cache: this.cache });
    return Buffer.from(blob).toString('utf8');
  }

  /** Writes (but does not push) a commit on top of `parent` that replaces each edited folder whole. */
  async commit(parent: string | null, edits: FolderEdit[], message: string, author: Identity): Promise<string> {
    let root: string | null = await this.commitTree(parent);
    for (const edit of edits) {
      const folder = edit.files && edit.files.size > 0 ? await this.writeFolder(edit.files) : null;
      root = await this.replaceAt(root, edit.path.split('/'), folder);
    }
    const now = new Date();
    const who = {
      name: author.name,
      email: author.email,
      timestamp: Math.floor(now.getTime() / 1000),
      timezoneOffset: now.getTimezoneOffset(),
    };
    return this.git.writeCommit({
      fs,
      gitdir: this.gitdir,
      commit: { message, tree: root ?? EMPTY_TREE, parent: parent ? [parent] : [], author: who, committer: who },
    });
  }

  private async writeFolder(files: Map<string, FileSource>): Promise<string> {
    const here: TreeEntry[] = [];
    const sub = new Map<string, Map<string, FileSource>>();
    const pending: Promise<void>[] = [];
    for (const [name, source] of files) {
      const slash = name.indexOf('/');
      if (slash >= 0) {
        const dir = name.slice(0, slash);
        if (!sub.has(dir)) sub.set(dir, new Map());
        sub.get(dir)!.set(name.slice(slash + 1), source);
        continue;
      }
      if ('oid' in source) {
        here.push({ mode: '100644', path: name, oid: source.oid, type: 'blob' });
      } else {
        pending.push(this.writeBlob(source.content).then((oid) => void here.push({ mode: '100644', path: name, oid, type: 'blob' })));
      }
    }
    await Promise.all(pending);
    for (const [dir, content] of sub) here.push({ mode: '040000', path: dir, oid: await this.writeFolder(content), type: 'tree' });
    return this.git.writeTree({ fs, gitdir: this.gitdir, tree: here });
  }

  /** Stores a blob, deflated with node's zlib (much faster than isomorphic-git's stream-based deflate). */
  private async writeBlob(content: string): Promise<string> {
    const bytes = Buffer.from(content, 'utf8');
    const oid = blobId(bytes);
    const object = await deflateAsync(Buffer.concat([Buffer.from(`blob ${bytes.byteLength}\0`), bytes]));
    return this.git.writeObject({ fs, gitdir: this.gitdir, type: 'blob', object, format: 'deflated', oid });
  }

  /** A new tree equal to `tree` except that `segments` holds `replacement` (removed when null); null when empty. */
  private async replaceAt(tree: string | null, segments: string[], replacement: string | null): Promise<string | null> {
    const [name, ...rest] = segments;
    const entries = tree ? await this.tree(tree) : [];
    const existing = entries.find((e) => e.path === name);
    let child = replacement;
    if (rest.length > 0) {
      if (existing && existing.type !== 'tree') {
        throw new KtsError('git-layout', `${this.displayUrl} has a file at '${name}' where a folder is expected`);
      }
      child = await this.replaceAt(existing?.oid ?? null, rest, replacement);
    }
    const others = entries.filter((e) => e.path !== name);
    const next = child ? [...others, { mode: '040000', path: name, oid: child, type: 'tree' as const }] : others;
    if (next.length === 0) return null;
    return this.git.writeTree({ fs, gitdir: this.gitdir, tree: next });
  }

  /** Pushes `commit` to the branch; `ok: false` when the remote refused it (usually because it moved). */
  async push(commit: string): Promise<PushOutcome> {
    const { git, gitdir, options } = this;
    const ref = `refs/heads/${options.ref}`;
    await git.writeRef({ fs, gitdir, ref, value: commit, force: true });
    try {
      await git.push({
        fs,
        http: this.http,
        gitdir,
        cache: this.cache,
        url: options.url,
        ref,
        remoteRef: ref,
        headers: this.headers(),
        onProgress: this.progress(),
      });
      return { ok: true };
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'PushRejectedError') return { ok: false, detail: 'the branch moved (not a fast-forward)' };
      if (code === 'GitPushError') return { ok: false, detail: pushErrorDetail(e) };
      throw this.explain(e);
    }
  }

  /** One readable line for anything git or the network threw; never contains credentials. */
  explain(e: unknown): KtsError {
    if (e instanceof KtsError) return e;
    const err = e as { code?: string; message?: string; data?: { statusCode?: number; statusMessage?: string } };
    const where = this.displayUrl;
    if (NETWORK_ERRORS.has(err.code ?? '')) return new KtsError('git-unreachable', `cannot reach ${where} (${err.code})`);
    switch (err.code) {
      case 'HttpError': {
        const status = err.data?.statusCode ?? 0;
        if (status === 401 || status === 403) {
          return new KtsError(
            'git-auth',
            this.options.credentials
              ? `authentication failed for ${where} (HTTP ${status}); check KTS_GIT_TOKEN / KTS_GIT_USERNAME`
              : `${where} requires authentication (HTTP ${status}); set KTS_GIT_TOKEN`,
          );
        }
        if (status === 404) return new KtsError('git-remote', `${where} is not a git repository (HTTP 404)`);
        return new KtsError('git-remote', `${where} answered HTTP ${status} ${err.data?.statusMessage ?? ''}`.trim());
      }
      case 'SmartHttpError':
        return new KtsError('git-remote', `${where} is not a git repository (no git smart-HTTP service there)`);
      case 'UrlParseError':
      case 'UnknownTransportError':
        return new KtsError('git-remote', `cannot use repository URL ${where}`);
      default: {
        const secret = this.options.credentials?.password;
        const text = redactUrl(err.message ?? String(e));
        return new KtsError('git', `git operation on ${where} failed: ${secret ? text.split(secret).join('***') : text}`);
      }
    }
  }
}

const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);
const REMOTE_ERRORS = new Set(['HttpError', 'SmartHttpError', 'UrlParseError', 'UnknownTransportError', 'UserCanceledError', ...NETWORK_ERRORS]);

/** Errors that come from the remote or the network (a fresh cache would not help). */
function isRemoteError(e: unknown): boolean {
  return REMOTE_ERRORS.has((e as { code?: string }).code ?? '');
}

function isMissingRef(e: unknown, ref: string): boolean {
  const err = e as { code?: string; data?: { what?: string } };
  return err.code === 'NotFoundError' && err.data?.what === ref;
}

function pushErrorDetail(e: unknown): string {
  const refs = (e as { data?: { result?: { refs?: Record<string, { ok: boolean; error?: string }> } } }).data?.result?.refs ?? {};
  const reasons = Object.values(refs)
    .filter((r) => !r.ok)
    .map((r) => r.error ?? 'rejected');
  return reasons.length ? reasons.join('; ') : 'rejected by the remote';
}
