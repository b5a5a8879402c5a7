// The flags publish, promote and unpublish share (deploy repository, branch, identity, retries,
// cache, output) and how they become GitOptions. Flags win over environment variables.
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';
import { redactUrl } from '../net/redact.js';
import { credentialsFromEnv, identityFrom, splitUrlCredentials } from './auth.js';
import { defaultCacheRoot } from './cache.js';
import { progressReporter, type ProgressReporter } from './progress.js';
import type { GitOptions } from './transaction.js';

export const DEFAULT_RETRIES = 15;

export const gitFlagOptions = {
  repo: { type: 'string' },
  ref: { type: 'string' },
  author: { type: 'string' },
  retries: { type: 'string' },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean' },
  'create-ref': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const gitFlagsHelp = `Deploy repository flags:
  --repo URL           deploy repository, http(s) (default: KTS_DEPLOY_REPO)
  --ref BRANCH         its branch (default: main)
  --create-ref         start BRANCH when the repository does not have it yet
  --author 'N <e>'     commit author (default: KTS_GIT_AUTHOR_NAME/_EMAIL, GIT_AUTHOR_NAME/_EMAIL, kts <kts@localhost>)
  --retries N          how often to retry when another job pushed first (default: ${DEFAULT_RETRIES})
  --cache-dir DIR      reusable shallow clone (default: KTS_CACHE_DIR, else ~/.cache/kts)
  --no-cache           work in a throw-away clone
  --json               print a JSON summary on stdout
Authentication: KTS_GIT_TOKEN (or GIT_TOKEN) is sent as the HTTP basic-auth password, with user
KTS_GIT_USERNAME (or GIT_USERNAME, default kts); it is never printed.
`;

export interface GitCommandSetup {
  git: GitOptions;
  json: boolean;
  progress: ProgressReporter;
}

/** GitOptions from parsed flag values and the environment. */
export function gitSetup(values: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): GitCommandSetup {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const repo = str('repo') ?? env.KTS_DEPLOY_REPO;
  if (!repo) throw new UsageError('--repo URL is required (or set KTS_DEPLOY_REPO)');
  const { url, credentials: inUrl } = splitUrlCredentials(repo);
  const ref = str('ref') ?? 'main';
  if (!/^(?![-/]|.*\/\/|.*\.\.|.*@\{|.*\.lock$|.*[/.]$)[^\s~^:?*[\\]+$/.test(ref)) throw new UsageError(`--ref: '${ref}' is not a valid branch name`);
  const retriesText = str('retries');
  const retries = retriesText === undefined ? DEFAULT_RETRIES : Number(retriesText);
  if (!Number.isInteger(retries) || retries < 0 || retries > 100) throw new UsageError(`--retries: expected a whole number 0..100, got '${retriesText}'`);
  const json = values.json === true;
  const progress = progressReporter(process.stderr, !json, process.stderr.isTTY === true);
  return {
    json,
    progress,
    git: {
      remote: {
        url,
        ref,
        credentials: inUrl ?? credentialsFromEnv(env),
        cacheRoot: values['no-cache'] === true ? undefined : (str('cache-dir') ?? defaultCacheRoot(env)),
        createRef: values['create-ref'] === true,
        onProgress: progress.transfer,
      },
      author: identityFrom(str('author'), env),
      retries,
      onStep: (step, detail) => progress.step(stepMessage(step, redactUrl(url), ref, detail)),
    },
  };
}

function stepMessage(step: string, url: string, ref: string, detail?: string): string {
  switch (step) {
    case 'fetch':
      return `fetching ${ref} from ${url}`;
    case 'commit':
      return 'writing the commit';
    case 'push':
      return `pushing to ${ref}`;
    default:
      return detail ?? step;
  }
}

/** The source repository to record, from CI variables (never with credentials). */
export function sourceRepositoryFrom(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const github = env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}` : undefined;
  const found = env.KTS_SOURCE_REPO || github || env.CI_PROJECT_URL || env.GIT_URL || env.BUILD_VCS_URL;
  return found ? redactUrl(found) : undefined;
}
