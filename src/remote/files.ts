// Files named by http(s) URLs, fetched with one GET as kustomize does and kept in the cache by
// SHA-256, with an index from URL to digest so that offline and locked builds need no request.
import { existsSync, readFileSync } from 'node:fs';
import { KtsError } from '../errors.js';
import { isRepoSpec } from '../kustomize/repospec.js';
import { redactUrl } from '../net/redact.js';
import { sha256, type Cache } from './cache.js';
import { authFor } from './credentials.js';

/** The body of a URL, or the error kustomize would report for it. */
export type FileResult = { bytes: Buffer; digest: string } | { error: KtsError; repository: boolean };

interface IndexEntry {
  url: string;
  sha256?: string;
  /** The URL answered with an error status and names a git repository. */
  repository?: boolean;
}

const TIMEOUT_MS = 60_000;

export class FileFetcher {
  constructor(
    private readonly cache: Cache,
    private readonly offline: boolean,
  ) {}

  private indexFile(url: string): string {
    return this.cache.path('files', 'urls', `${sha256(redactUrl(url))}.json`);
  }

  private blob(digest: string): Buffer | undefined {
    const path = this.cache.path('files', 'sha256', digest);
    return existsSync(path) ? readFileSync(path) : undefined;
  }

  /** A URL known to name a repository: kts does not ask it for a file again. */
  knownRepository(url: string): boolean {
    return this.cache.readJson<IndexEntry>(this.indexFile(url))?.repository === true;
  }

  /** Fetches `url` (with `locked`, only content of that digest is accepted and a cached copy is used as is). */
  async fetch(url: string, locked?: string): Promise<FileResult> {
    const shown = redactUrl(url);
    if (locked) {
      const bytes = this.blob(locked);
      if (bytes) return { bytes, digest: locked };
    }
    if (this.offline) {
      const entry = this.cache.readJson<IndexEntry>(this.indexFile(url));
      const bytes = entry?.sha256 && !locked ? this.blob(entry.sha256) : undefined;
      if (bytes && entry?.sha256) return { bytes, digest: entry.sha256 };
      if (entry?.repository) return repositoryResult();
      return { error: new KtsError('offline', `'${shown}' is not in the cache and --offline forbids fetching it`), repository: false };
    }
    // The HTTP(S) client (and TLS) loads only when a file has to be fetched.
    const [{ readBody, request }, { STATUS_CODES }] = await Promise.all([import('../net/http.js'), import('node:http')]);
    let status: number;
    let bytes: Buffer;
    try {
      const res = await request({ url, headers: authFor(url), timeoutMs: TIMEOUT_MS });
      status = res.statusCode;
      bytes = await readBody(res);
    } catch (e) {
      return { error: new KtsError('remote', `fetching '${shown}' failed: ${redactUrl((e as Error).message)}`), repository: false };
    }
    if (status < 200 || status > 299) {
      if (isRepoSpec(url)) {
        this.cache.writeFile(this.indexFile(url), JSON.stringify({ url: shown, repository: true }));
        return repositoryResult();
      }
      return { error: new KtsError('remote', `fetching '${shown}' failed: status code ${status} (${STATUS_CODES[status] ?? 'unknown'})`), repository: false };
    }
    const digest = sha256(bytes);
    if (locked && digest !== locked) {
      return {
        error: new KtsError('lock-mismatch', `'${shown}' has content sha256 ${digest}, but the lock file records ${locked}; run 'kts build --update-lock' to accept the new content`),
        repository: false,
      };
    }
    const blobPath = this.cache.path('files', 'sha256', digest);
    if (!existsSync(blobPath)) this.cache.writeFile(blobPath, bytes);
    this.cache.writeFile(this.indexFile(url), JSON.stringify({ url: shown, sha256: digest }));
    return { bytes, digest };
  }
}

function repositoryResult(): FileResult {
  return { error: new KtsError('remote', 'URL is a git repository'), repository: true };
}
