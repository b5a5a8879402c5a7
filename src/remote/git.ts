// Git repositories named by remote references, over smart HTTP with isomorphic-git (no git binary):
// a ref is resolved to a commit with one request, the commit is fetched shallowly into a throw-away
// bare repository and its tree written out to the cache under the commit id. A commit already in the
// cache is never fetched again; offline, refs resolve from what the last online build saw.
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KtsError } from '../errors.js';
import { cloneUrl, type RepoSpec } from '../kustomize/repospec.js';
import { redactUrl } from '../net/redact.js';
import type { HttpRequest } from '../net/http.js';
import { syncFs as fs } from '../net/sync-fs.js';
import { sha256, type Cache } from './cache.js';
import { authFor, withoutUserinfo } from './credentials.js';

type Git = typeof import('isomorphic-git');

const COMMIT = /^[0-9a-f]{40}$/;

/** The key a resolved ref is known by in the cache and the lock file: clone URL (redacted) plus ref. */
export function repoKey(spec: RepoSpec): string {
  return redactUrl(cloneUrl(spec)) + (spec.ref ? `?ref=${spec.ref}` : '');
}

/** The http(s) URL isomorphic-git can fetch for a spec, or why it cannot. */
function fetchUrl(spec: RepoSpec): string {
  const url = cloneUrl(spec);
  if (!/^https?:\/\//i.test(url)) {
    const why = url.startsWith('file://') ? 'local file:// repositories' : 'ssh';
    throw new KtsError('remote', `'${redactUrl(spec.raw)}': kts fetches git repositories over http(s) only, not ${why}; write the https:// form of the repository URL`);
  }
  return url;
}

interface ServerRef {
  ref: string;
  oid: string;
  target?: string;
  peeled?: string;
}

export class GitFetcher {
  private git?: Git;
  /** Refs each server advertised during this build, by clone URL. */
  private readonly seen = new Map<string, ServerRef[]>();

  constructor(
    private readonly cache: Cache,
    private readonly offline: boolean,
  ) {}

  private async lib(): Promise<Git> {
    if (!this.git) {
      const mod = await import('isomorphic-git');
      this.git = (mod as unknown as { default?: Git }).default ?? mod;
    }
    return this.git;
  }

  private http(spec: RepoSpec) {
    return { request: async (req: HttpRequest) => (await import('../net/http.js')).request({ ...req, timeoutMs: spec.timeoutMs }) };
  }

  private refsFile(spec: RepoSpec): string {
    // One file per URL and ref: concurrent builds resolving other refs of the same repository never race.
    return this.cache.path('git', 'refs', `${sha256(`${redactUrl(cloneUrl(spec))}\n${spec.ref}`)}.json`);
  }

  /** The commit `spec.ref` names on the remote now (offline: when last seen). */
  async resolve(spec: RepoSpec): Promise<string> {
    if (COMMIT.test(spec.ref)) return spec.ref;
    const file = this.refsFile(spec);
    if (this.offline) {
      const commit = this.cache.readJson<{ commit?: string }>(file)?.commit;
      if (typeof commit !== 'string' || !COMMIT.test(commit)) throw new KtsError('offline', `'${redactUrl(spec.raw)}' is not in the cache and --offline forbids fetching it`);
      return commit;
    }
    const url = fetchUrl(spec);
    const git = await this.lib();
    let refs: ServerRef[];
    try {
      refs = (await git.listServerRefs({ http: this.http(spec), url: withoutUserinfo(url), headers: authFor(url), symrefs: true, peelTags: true, protocolVersion: 1 })) as ServerRef[];
    } catch (e) {
      throw fetchError(spec, e);
    }
    this.seen.set(url, refs);
    const commit = pickRef(refs, spec.ref);
    if (!commit) throw new KtsError('remote', `'${redactUrl(spec.raw)}': no branch or tag '${spec.ref || 'HEAD'}' in ${redactUrl(url)}`);
    this.cache.writeFile(file, JSON.stringify({ url: redactUrl(url), ref: spec.ref, commit }));
    return commit;
  }

  /** Folder holding the tree of `commit`, fetched when not cached yet. */
  async tree(spec: RepoSpec, commit: string): Promise<string> {
    const dest = this.cache.path('git', 'trees', commit);
    if (existsSync(dest)) return dest;
    if (this.offline) throw new KtsError('offline', `'${redactUrl(spec.raw)}' (commit ${commit}) is not in the cache and --offline forbids fetching it`);
    const url = fetchUrl(spec);
    const git = await this.lib();
    const work = this.cache.tempDir();
    try {
      const gitdir = join(work, 'git');
      await git.init({ fs, gitdir, bare: true });
      // fetch names its tracking refs after a configured remote.
      await git.addRemote({ fs, gitdir, remote: 'origin', url: withoutUserinfo(url) });
      const common = { fs, http: this.http(spec), gitdir, remote: 'origin', url: withoutUserinfo(url), headers: authFor(url), tags: false };
      try {
        const tip = await this.advertised(spec, commit);
        // A commit that no ref points at cannot be asked for shallowly over protocol v1: fetch everything.
        if (tip) await git.fetch({ ...common, ref: tip, singleBranch: true, depth: 1 });
        else await git.fetch({ ...common, singleBranch: false, tags: true });
      } catch (e) {
        throw fetchError(spec, e);
      }
      let tree: string;
      try {
        tree = (await git.readCommit({ fs, gitdir, oid: commit })).commit.tree;
      } catch {
        throw new KtsError('remote', `'${redactUrl(spec.raw)}': commit ${commit} is not in ${redactUrl(url)}`);
      }
      const out = join(work, 'tree');
      await writeTree(git, gitdir, tree, out);
      this.cache.publish(out, dest);
      return dest;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  /** A ref whose tip is `commit`, if the server advertises one. */
  private async advertised(spec: RepoSpec, commit: string): Promise<string | undefined> {
    const url = fetchUrl(spec);
    const git = await this.lib();
    const refs =
      this.seen.get(url) ??
      ((await git.listServerRefs({ http: this.http(spec), url: withoutUserinfo(url), headers: authFor(url), peelTags: true, protocolVersion: 1 })) as ServerRef[]);
    const hit = refs.find((r) => r.ref.startsWith('refs/heads/') && r.oid === commit) ?? refs.find((r) => r.ref.startsWith('refs/tags/') && (r.peeled ?? r.oid) === commit);
    return hit?.ref;
  }
}

/** git's rules for a short ref name: a tag wins over a branch; '' is the remote's HEAD. */
function pickRef(refs: ServerRef[], ref: string): string | undefined {
  const byName = new Map(refs.map((r) => [r.ref, r.peeled ?? r.oid]));
  const names = ref === '' ? ['HEAD'] : ref.startsWith('refs/') ? [ref] : [`refs/${ref}`, `refs/tags/${ref}`, `refs/heads/${ref}`];
  for (const n of names) {
    const oid = byName.get(n);
    if (oid) return oid;
  }
  return undefined;
}

function fetchError(spec: RepoSpec, e: unknown): KtsError {
  if (e instanceof KtsError) return e;
  const err = e as { code?: string; data?: { statusCode?: number; statusMessage?: string }; message?: string };
  const detail = err.data?.statusCode ? `HTTP ${err.data.statusCode} ${err.data.statusMessage ?? ''}`.trim() : (err.message ?? String(e));
  return new KtsError('remote', `fetching '${redactUrl(spec.raw)}' failed: ${redactUrl(detail.split('\n')[0])}`);
}

/** Writes a git tree out as files, keeping executable bits and symbolic links; submodules stay empty folders. */
async function writeTree(git: Git, gitdir: string, oid: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const { tree } = await git.readTree({ fs, gitdir, oid });
  for (const entry of tree) {
    if (entry.path.includes('/') || entry.path === '..' || entry.path === '.' || entry.path === '') continue;
    const path = join(dir, entry.path);
    if (entry.type === 'tree') await writeTree(git, gitdir, entry.oid, path);
    else if (entry.type === 'commit') mkdirSync(path);
    else {
      const { blob } = await git.readBlob({ fs, gitdir, oid: entry.oid });
      if (entry.mode === '120000') symlinkSync(Buffer.from(blob).toString('utf8'), path);
      else {
        writeFileSync(path, blob);
        if (entry.mode === '100755') chmodSync(path, 0o755);
      }
    }
  }
}
