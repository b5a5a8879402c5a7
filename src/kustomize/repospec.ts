// kustomize's grammar for remote references (api/internal/git/repospec.go, v5.5.0): which strings
// name a git repository, where the repository ends and the kustomization root inside it begins, and
// the query options. Pure parsing: fetching is the injected RemoteSource's business (loader.ts).

export interface RepoSpec {
  /** The reference as written; kustomize detects repository cycles on it. */
  raw: string;
  /** Scheme, user and host up to the path separator, e.g. `https://github.com/`, `git@github.com:`. */
  host: string;
  /** Path of the repository on the host, e.g. `org/repo` or `org/repo.git`. */
  repoPath: string;
  /** Directory of the kustomization inside the repository ('' for its root). */
  kustRootPath: string;
  /** Branch, tag or commit from `?ref=` (or `?version=`); '' for the remote's default branch. */
  ref: string;
  /** `?submodules=` (default true). */
  submodules: boolean;
  /** `?timeout=` in milliseconds (default 27 s). */
  timeoutMs: number;
}

const DEFAULT_TIMEOUT_MS = 27_000;
const GIT_ROOT_DELIMITER = '_git/';
const GIT_SUFFIX = '.git';
const SCHEMES = ['ssh://', 'https://', 'http://', 'file://'] as const;

/** What `git clone` would be given: host plus repository path. */
export function cloneUrl(spec: RepoSpec): string {
  return spec.host + spec.repoPath;
}

/** kustomize's NewRepoSpecFromURL: a RepoSpec, or a reason the string is not a remote repository. */
export function parseRepoSpec(n: string): RepoSpec | { error: string } {
  const raw = n;
  if (n.startsWith('/')) return { error: `uri looks like abs path: ${n}` };
  const q = n.indexOf('?');
  const query = q < 0 ? '' : n.slice(q + 1);
  if (q >= 0) n = n.slice(0, q);
  const { ref, timeoutMs, submodules } = parseQuery(query);
  const host = extractHost(n);
  if ('error' in host) return host;
  const parts = parsePathParts(host.rest, host.host.startsWith('file://') ? Infinity : 2);
  if ('error' in parts) return parts;
  return { raw, host: host.host, repoPath: parts.repoPath, kustRootPath: parts.kustRootPath, ref, submodules, timeoutMs };
}

/** Whether kustomize would try to clone `path` (its loader's first question for every directory). */
export function isRepoSpec(path: string): boolean {
  return !('error' in parseRepoSpec(path));
}

/** kustomize's IsRemoteFile: a URL with an http or https scheme, fetched with a GET. */
export function isRemoteFile(path: string): boolean {
  return /^https?:\/\/[^\s/?#]/i.test(path);
}

function parsePathParts(n: string, segments: number): { repoPath: string; kustRootPath: string } | { error: string } {
  let split = explicitMarkerSplit(n);
  if (!split) {
    const parts = n.split('/');
    if (segments === Infinity) split = [n, ''];
    else if (parts.length >= segments) split = [parts.slice(0, segments).join('/'), parts.slice(segments).join('/')];
  }
  if (!split || split[0] === '') return { error: 'failed to parse repo path segment' };
  const cleaned = cleanPath(split[1].replace(/^\/+/, ''));
  if (cleaned.split('/')[0] === '..') return { error: `url path exits repo: ${n}` };
  return { repoPath: split[0], kustRootPath: split[1].startsWith('/') ? split[1].slice(1) : split[1] };
}

function explicitMarkerSplit(n: string): [string, string] | undefined {
  const gitRoot = n.indexOf(GIT_ROOT_DELIMITER);
  if (gitRoot >= 0) {
    // Azure DevOps: .../_git/REPO/path — the repository is the element after `_git`.
    const [repo, ...rest] = n.slice(gitRoot + GIT_ROOT_DELIMITER.length).split('/');
    return [n.slice(0, gitRoot + GIT_ROOT_DELIMITER.length) + repo, rest.join('/')];
  }
  const slashes = n.indexOf('//');
  if (slashes >= 0) return [n.slice(0, slashes), n.slice(slashes + 2)];
  const suffix = n.indexOf(GIT_SUFFIX);
  if (suffix >= 0) return [n.slice(0, suffix + GIT_SUFFIX.length), n.slice(suffix + GIT_SUFFIX.length)];
  return undefined;
}

/** Go's filepath.Clean for a relative slash path. */
export function cleanPath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return out.join('/') || '.';
}

function extractHost(n: string): { host: string; rest: string } | { error: string } {
  if (n.slice(0, 5).toLowerCase() === 'git::') n = n.slice(5);
  let scheme = '';
  for (const s of SCHEMES) {
    if (n.slice(0, s.length).toLowerCase() === s) {
      scheme = s;
      n = n.slice(s.length);
      break;
    }
  }
  let username = '';
  const user = /^([a-zA-Z][a-zA-Z0-9-]*)@/.exec(n);
  if (user) {
    username = `${user[1]}@`;
    n = n.slice(username.length);
  }
  const lower = n.toLowerCase();
  const github = lower.startsWith('github.com/') || lower.startsWith('github.com:');
  const scp = scheme === '' && (username !== '' || github);
  if (scheme === '' && !scp) return { error: 'failed to parse scheme' };
  if (scheme === 'file://') return { host: scheme, rest: username + n };
  let host = n;
  let rest = '';
  let sep = n.indexOf('/');
  if (scp) {
    const colon = n.indexOf(':');
    if (sep === -1 || (colon > 0 && colon < sep)) sep = colon;
  }
  if (sep >= 0) {
    host = n.slice(0, sep + 1);
    rest = n.slice(sep + 1);
  }
  if (github) {
    // kustomize normalises GitHub to https, or to scp-style ssh when ssh or a user was given.
    if (scheme === 'ssh://' || username !== '') [scheme, host] = ['', 'github.com:'];
    else [scheme, username, host] = ['https://', '', 'github.com/'];
  }
  if (host === '') return { error: 'failed to parse host segment' };
  return { host: scheme + username + host, rest };
}

function parseQuery(query: string): { ref: string; timeoutMs: number; submodules: boolean } {
  const defaults = { ref: '', timeoutMs: DEFAULT_TIMEOUT_MS, submodules: true };
  const values = goParseQuery(query);
  if (!values) return defaults;
  const get = (k: string): string => values.get(k)?.[0] ?? '';
  const ref = get('ref') || get('version');
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  const timeout = get('timeout');
  if (timeout) {
    const seconds = /^[+-]?\d+$/.test(timeout) ? Number(timeout) : NaN;
    if (seconds > 0) timeoutMs = seconds * 1000;
    else {
      const d = goDurationMs(timeout);
      if (d !== undefined && d > 0) timeoutMs = d;
    }
  }
  let submodules = true;
  const sub = get('submodules');
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(sub)) submodules = true;
  else if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(sub)) submodules = false;
  return { ref, timeoutMs, submodules };
}

/** Go's url.ParseQuery; undefined where Go reports an error (kustomize then uses the defaults). */
function goParseQuery(query: string): Map<string, string[]> | undefined {
  const values = new Map<string, string[]>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    if (pair.includes(';')) return undefined;
    const eq = pair.indexOf('=');
    const key = unescapeQuery(eq < 0 ? pair : pair.slice(0, eq));
    const value = unescapeQuery(eq < 0 ? '' : pair.slice(eq + 1));
    if (key === undefined || value === undefined) return undefined;
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  return values;
}

function unescapeQuery(s: string): string | undefined {
  if (/%(?![0-9a-fA-F]{2})/.test(s)) return undefined;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return Buffer.from(s.replace(/\+/g, ' ').replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  }
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds. */
function goDurationMs(s: string): number | undefined {
  const m = /^([+-]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(s);
  if (!m) return s === '0' ? 0 : undefined;
  let total = 0;
  for (const [, num, unit] of m[2].matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(num) * UNITS[unit];
  return m[1] === '-' ? -total : total;
}
