// A real git smart-HTTP server for tests: `git http-backend` (the CGI shipped with git) behind a
// small Node HTTP server on 127.0.0.1 with basic auth, serving bare repositories from a temp folder.
// Tests verify the repositories afterwards with the real git CLI (`gitIn`).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GitServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`; a repository is at `${base}/NAME.git`. */
  base: string;
  /** Folder holding the bare repositories. */
  root: string;
  username: string;
  password: string;
  /** URL of repository NAME (created with createRepo). */
  repoUrl(name: string): string;
  /** Creates bare repository NAME.git; with `files`, seeds `branch` with one commit holding them. */
  createRepo(name: string, opts?: { branch?: string; files?: Record<string, string> }): string;
  /** Called before each push reaches http-backend, with the repository's path; the push waits for it. */
  beforeReceivePack?: (repoPath: string) => void | Promise<void>;
  /** Number of receive-pack POSTs (push attempts) seen so far. */
  pushAttempts: number;
  /** Number of upload-pack POSTs (clones and fetches) seen so far. */
  fetches: number;
  close(): Promise<void>;
}

const identity = {
  GIT_AUTHOR_NAME: 'Test Seeder',
  GIT_AUTHOR_EMAIL: 'seed@example.test',
  GIT_COMMITTER_NAME: 'Test Seeder',
  GIT_COMMITTER_EMAIL: 'seed@example.test',
};

/** Runs the real git CLI in `dir` and returns its stdout (throws with stderr on failure). */
export function gitIn(dir: string, args: string[], input?: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, {
    cwd: dir,
    input,
    encoding: 'utf8',
    env: { ...process.env, ...identity, GIT_CONFIG_NOSYSTEM: '1', HOME: dir, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Adds a commit on `branch` that changes nothing but the history (the remote "moved"). */
export function advanceRef(repoPath: string, branch: string, message: string): string {
  const head = gitIn(repoPath, ['rev-parse', `refs/heads/${branch}`]).trim();
  const commit = gitIn(repoPath, ['commit-tree', `${head}^{tree}`, '-p', head, '-m', message]).trim();
  gitIn(repoPath, ['update-ref', `refs/heads/${branch}`, commit, head]);
  return commit;
}

/** Commits one file on `branch` directly in the bare repository (another writer, as far as we know). */
export function commitFile(repoPath: string, branch: string, path: string, content: string, message: string): string {
  const head = gitIn(repoPath, ['rev-parse', `refs/heads/${branch}`]).trim();
  const index = { GIT_INDEX_FILE: join(repoPath, `kts-test-index-${process.pid}`) };
  try {
    gitIn(repoPath, ['read-tree', head], undefined, index);
    const blob = gitIn(repoPath, ['hash-object', '-w', '--stdin'], content).trim();
    gitIn(repoPath, ['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], undefined, index);
    const tree = gitIn(repoPath, ['write-tree'], undefined, index).trim();
    const commit = gitIn(repoPath, ['commit-tree', tree, '-p', head, '-m', message]).trim();
    gitIn(repoPath, ['update-ref', `refs/heads/${branch}`, commit, head]);
    return commit;
  } finally {
    rmSync(index.GIT_INDEX_FILE, { force: true });
  }
}

function seed(repoPath: string, branch: string, files: Record<string, string>): void {
  // Build the tree with plumbing so no working tree is needed; nested paths become subtrees.
  const writeTree = (entries: [string, string][]): string => {
    const blobs: string[] = [];
    const dirs = new Map<string, [string, string][]>();
    for (const [path, content] of entries) {
      const slash = path.indexOf('/');
      if (slash < 0) {
        const oid = gitIn(repoPath, ['hash-object', '-w', '--stdin'], content).trim();
        blobs.push(`100644 blob ${oid}\t${path}`);
      } else {
        const dir = path.slice(0, slash);
        dirs.set(dir, [...(dirs.get(dir) ?? []), [path.slice(slash + 1), content]]);
      }
    }
    for (const [dir, sub] of dirs) blobs.push(`040000 tree ${writeTree(sub)}\t${dir}`);
    return gitIn(repoPath, ['mktree'], blobs.join('\n') + '\n').trim();
  };
  const tree = writeTree(Object.entries(files));
  const commit = gitIn(repoPath, ['commit-tree', tree, '-m', 'initial commit']).trim();
  gitIn(repoPath, ['update-ref', `refs/heads/${branch}`, commit]);
}

export async function startGitServer(opts: { username?: string; password?: string } = {}): Promise<GitServer> {
  const root = mkdtempSync(join(tmpdir(), 'kts-git-server-'));
  const username = opts.username ?? 'ci-bot';
  const password = opts.password ?? 's3cr3t-token';
  const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.headers.authorization !== expected) {
      req.resume();
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="kts test git"', 'Content-Type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname.endsWith('/git-upload-pack')) server.fetches++;
    if (req.method === 'POST' && url.pathname.endsWith('/git-receive-pack')) {
      server.pushAttempts++;
      const repo = join(root, decodeURIComponent(url.pathname.slice(0, -'/git-receive-pack'.length)));
      // The request body stays buffered in the paused stream meanwhile.
      Promise.resolve(server.beforeReceivePack?.(repo)).then(
        () => runCgi(req, res, url),
        (e: unknown) => {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(`test hook failed: ${String(e)}\n`);
        },
      );
      return;
    }
    runCgi(req, res, url);
  };

  const runCgi = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: root,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
        REMOTE_USER: username,
        REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    cgi.stderr.resume();
    cgi.on('close', () => {
      if (!headersDone) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end();
    });
  };

  const http = createServer(handle);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const server: GitServer = {
    base,
    root,
    username,
    password,
    pushAttempts: 0,
    fetches: 0,
    repoUrl: (name) => `${base}/${name}.git`,
    createRepo(name, { branch = 'main', files } = {}) {
      const path = join(root, `${name}.git`);
      execFileSync('git', ['init', '--quiet', '--bare', `--initial-branch=${branch}`, path]);
      // Prove from the server side that we never force-push and never send broken objects.
      gitIn(path, ['config', 'receive.denyNonFastForwards', 'true']);
      gitIn(path, ['config', 'receive.denyDeletes', 'true']);
      gitIn(path, ['config', 'receive.fsckObjects', 'true']);
      if (files) seed(path, branch, files);
      return path;
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => {
          rmSync(root, { recursive: true, force: true });
          resolve();
        });
      }),
  };
  return server;
}
