import { spawnSync } from 'node:child_process';
import { KtsError } from '../errors.js';
import type { EnvironmentConfig } from './config.js';
import { parseImageFlag, type KustomizeImage } from './images.js';
import { detectProvider, DOMAIN_VAR, nonEmpty, stripRefPrefix, type Provider, type ProviderId } from './providers.js';
import { branchSlug, slugRoom } from './slug.js';

// The build context (branch, commit, build number, domain, …) and where each value came from:
// flags win over CI variables, CI variables over the local git checkout and kts.yaml, and what is
// still missing gets a placeholder that `kts context` marks as such.

export type ContextField = 'branch' | 'commit' | 'build' | 'domain' | 'major' | 'tag';

/** Context values given explicitly (the `--branch --commit --build --tag --image --domain` flags). */
export interface ContextFlags {
  branch?: string;
  commit?: string;
  build?: string;
  tag?: string;
  image?: string[];
  domain?: string;
  /** Refuse placeholders for branch, commit and build; defaults to on when a CI system is detected. */
  strict?: boolean;
}

export interface BuildContext {
  provider?: ProviderId;
  providerTitle?: string;
  /** The branch name as the CI system knows it (remote prefixes stripped). */
  branch: string;
  /** DNS-1123 label for the branch, short enough for the environment's namespace prefix. */
  slug: string;
  commit: string;
  shortSha: string;
  build: string;
  major: string;
  domain: string;
  /** `--tag`: one tag for every image the environment lists. */
  tag?: string;
  /** `--image` overrides, already parsed. */
  images: KustomizeImage[];
  /** For each field, e.g. `flag --branch`, `env GITHUB_HEAD_REF (GitHub Actions)`, `git`, `kts.yaml`, `placeholder`. */
  sources: Partial<Record<ContextField, string>>;
  /** Fields that hold a placeholder because nothing provided them. */
  placeholders: ContextField[];
}

export interface GitInfo {
  branch?: string;
  commit?: string;
}
export type GitReader = (cwd: string) => GitInfo;

export const PLACEHOLDER = { branch: 'local', commit: '0000000000000000000000000000000000000000', build: '0', major: '0', domain: 'localhost' } as const;

/** The checkout's branch and commit, or nothing when git or the repository is missing. */
export const readGit: GitReader = (cwd) => {
  // one git process for both (each costs ~15 ms): the commit, then the branch ("HEAD" when detached)
  const r = spawnSync('git', ['rev-parse', 'HEAD', '--abbrev-ref', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  if (r.status !== 0) return {};
  const [commit, branch] = r.stdout.split('\n').map((line) => nonEmpty(line));
  return { commit, branch: branch === 'HEAD' ? undefined : branch };
};

export interface ResolveInput {
  flags: ContextFlags;
  environ: Record<string, string | undefined>;
  env: EnvironmentConfig;
  /** Working directory for the git fallback. */
  cwd: string;
  git?: GitReader;
}

const COMMIT = /^[0-9a-f]{7,64}$/i;
const DOMAIN = /^(?=.{1,200}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;
const BUILD = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
// Git refuses control characters in ref names; a newline would also forge lines of the deploy
// repository's commit message. A ref component is a file name: at most 255 bytes on most systems.
const BRANCH_BAD = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const BRANCH_MAX = 255;

/** A context value as an error line quotes it: escaped, and cut when long (CI variables can hold anything). */
function shown(value: string): string {
  const text = JSON.stringify(value.slice(0, 80)).slice(1, -1);
  return value.length > 80 ? `${text}… (${value.length} characters)` : text;
}

function fromProvider(provider: Provider | undefined, field: 'branch' | 'commit' | 'build', environ: Record<string, string | undefined>) {
  if (!provider) return undefined;
  for (const v of provider[field]) {
    const raw = nonEmpty(environ[v.name]);
    if (raw === undefined) continue;
    const value = nonEmpty(v.normalize ? v.normalize(raw) : raw);
    if (value !== undefined) return { value, source: `env ${v.name} (${provider.title}${v.note ? `, ${v.note}` : ''})` };
  }
  return undefined;
}

/** How to provide a context field: its flag, then the detected CI system's variables (or the domain variable). */
export function howToSet(field: ContextField, provider: Provider | undefined): string {
  if (field === 'domain') return `--domain or ${DOMAIN_VAR}`;
  if (field === 'major') return 'major in kts.yaml';
  if (field === 'tag') return '--tag';
  const vars = provider ? provider[field].map((v) => v.name) : [];
  return vars.length ? `--${field} or ${vars.join('/')}` : `--${field}`;
}

/** Strict mode (CI): a shared placeholder for branch, commit or build would make jobs overwrite each other's work. */
function refusePlaceholders(strict: boolean, provider: Provider | undefined, placeholders: ContextField[], explicit: boolean): void {
  const missing = placeholders.filter((f) => f === 'branch' || f === 'commit' || f === 'build');
  if (!strict || missing.length === 0) return;
  const why = explicit ? '--strict' : `${provider!.title} detected; --strict=false allows placeholders`;
  throw new KtsError('context', `no ${missing.join(', ')} in the CI context (${why}): set ${missing.map((f) => howToSet(f, provider)).join('; ')}`);
}

export function resolveContext(input: ResolveInput): BuildContext {
  const { flags, environ, env } = input;
  const provider = detectProvider(environ);
  let git: GitInfo | undefined;
  const gitInfo = () => (git ??= (input.git ?? readGit)(input.cwd));
  const sources: BuildContext['sources'] = {};
  const placeholders: ContextField[] = [];
  const configWhere = env.configFile ? 'kts.yaml' : undefined;

  const pick = (field: ContextField, candidates: (() => { value: string; source: string } | undefined)[], placeholder: string): string => {
    for (const c of candidates) {
      const got = c();
      if (got) {
        sources[field] = got.source;
        return got.value;
      }
    }
    sources[field] = 'placeholder';
    placeholders.push(field);
    return placeholder;
  };
  const flag = (name: keyof ContextFlags) => () => {
    const v = flags[name];
    if (typeof v !== 'string' || nonEmpty(v) === undefined) return undefined;
    // --branch refs/heads/x names branch x, as the CI variables do
    const value = name === 'branch' ? stripRefPrefix(v.trim()) : v.trim();
    return { value, source: value === v.trim() ? `flag --${name}` : `flag --${name} (ref prefix stripped)` };
  };

  const branch = pick(
    'branch',
    [flag('branch'), () => fromProvider(provider, 'branch', environ), () => (gitInfo().branch ? { value: gitInfo().branch!, source: 'git (local checkout)' } : undefined)],
    PLACEHOLDER.branch,
  );
  if (BRANCH_BAD.test(branch) || branch.length > BRANCH_MAX) {
    const why = BRANCH_BAD.test(branch) ? 'holds a control character' : `is longer than ${BRANCH_MAX} characters`;
    throw new KtsError('context', `branch '${shown(branch)}' ${why}; git branch names cannot`, { field: sources.branch });
  }
  const commit = pick(
    'commit',
    [flag('commit'), () => fromProvider(provider, 'commit', environ), () => (gitInfo().commit ? { value: gitInfo().commit!, source: 'git (local checkout)' } : undefined)],
    PLACEHOLDER.commit,
  ).toLowerCase();
  if (!COMMIT.test(commit)) {
    throw new KtsError('context', `commit '${shown(commit)}' is not a git hash (7 to 64 hex digits)`, { field: sources.commit });
  }
  const build = pick('build', [flag('build'), () => fromProvider(provider, 'build', environ)], PLACEHOLDER.build);
  if (!BUILD.test(build)) {
    throw new KtsError('context', `build '${shown(build)}' is not a valid build id (letters, digits, '_', '.', '-'; it goes into image tags)`, { field: sources.build });
  }
  const domain = pick(
    'domain',
    [
      flag('domain'),
      () => (nonEmpty(environ[DOMAIN_VAR]) ? { value: nonEmpty(environ[DOMAIN_VAR])!, source: `env ${DOMAIN_VAR}` } : undefined),
      () => (env.domain && configWhere ? { value: env.domain, source: `${configWhere} environments.${env.name}.domain` } : undefined),
    ],
    PLACEHOLDER.domain,
  ).toLowerCase();
  if (!DOMAIN.test(domain)) {
    throw new KtsError('context', `domain '${shown(domain)}' is not a valid domain name`, { field: sources.domain });
  }
  refusePlaceholders(flags.strict ?? provider !== undefined, provider, placeholders, flags.strict !== undefined);
  const major = pick('major', [() => (env.major !== undefined ? { value: env.major, source: `${configWhere ?? 'config'} major` } : undefined)], PLACEHOLDER.major);
  const tag = flags.tag !== undefined && nonEmpty(flags.tag) !== undefined ? flags.tag.trim() : undefined;
  if (tag !== undefined) sources.tag = 'flag --tag';
  return {
    provider: provider?.id,
    providerTitle: provider?.title,
    branch,
    slug: branchSlug(branch, slugRoom(env.namespacePrefix)),
    commit,
    shortSha: commit.slice(0, 7),
    build,
    major,
    domain,
    tag,
    images: (flags.image ?? []).map(parseImageFlag),
    sources,
    placeholders,
  };
}
