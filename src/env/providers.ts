// Where each CI system keeps the build context. Pure data: which variable holds what, in order of
// preference; context.ts reads them. TeamCity has no branch variable of its own: pass
// `env.TEAMCITY_BUILD_BRANCH=%teamcity.build.branch%` as a build parameter.

export type ProviderId = 'github' | 'gitlab' | 'teamcity' | 'jenkins';

export interface EnvVar {
  name: string;
  /** Turns the raw value into the field's value (e.g. strips a remote prefix). */
  normalize?: (value: string) => string;
  note?: string;
}

export interface Provider {
  id: ProviderId;
  title: string;
  /** Variables whose presence identifies the provider (any of them). */
  markers: string[];
  branch: EnvVar[];
  commit: EnvVar[];
  build: EnvVar[];
}

/** `refs/heads/x`, `refs/remotes/origin/x` and `origin/x` all name branch `x`. */
export function stripRefPrefix(ref: string): string {
  return ref.replace(/^refs\/heads\//, '').replace(/^refs\/remotes\/[^/]+\//, '').replace(/^origin\//, '');
}

/** Jenkins multibranch job names end in the URL-encoded branch: `shop/feature%2Fpayments`. */
function lastJobSegment(job: string): string {
  const last = job.split('/').pop() ?? job;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

export const providers: Provider[] = [
  {
    id: 'github',
    title: 'GitHub Actions',
    markers: ['GITHUB_ACTIONS'],
    // GITHUB_HEAD_REF is the PR's source branch (empty outside pull requests); GITHUB_REF_NAME would be `123/merge` there.
    branch: [{ name: 'GITHUB_HEAD_REF' }, { name: 'GITHUB_REF_NAME' }],
    commit: [{ name: 'GITHUB_SHA' }],
    build: [{ name: 'GITHUB_RUN_NUMBER' }],
  },
  {
    id: 'gitlab',
    title: 'GitLab CI',
    markers: ['GITLAB_CI'],
    branch: [{ name: 'CI_COMMIT_REF_NAME' }],
    commit: [{ name: 'CI_COMMIT_SHA' }],
    build: [{ name: 'CI_PIPELINE_IID' }],
  },
  {
    id: 'teamcity',
    title: 'TeamCity',
    markers: ['TEAMCITY_VERSION', 'BUILD_VCS_NUMBER'],
    branch: [
      { name: 'TEAMCITY_BUILD_BRANCH', normalize: stripRefPrefix, note: 'set from %teamcity.build.branch%' },
      { name: 'teamcity.build.branch', normalize: stripRefPrefix },
    ],
    commit: [{ name: 'BUILD_VCS_NUMBER' }],
    build: [{ name: 'BUILD_NUMBER' }],
  },
  {
    id: 'jenkins',
    title: 'Jenkins',
    markers: ['JENKINS_URL', 'JENKINS_HOME', 'GIT_COMMIT', 'JOB_NAME'],
    branch: [
      { name: 'BRANCH_NAME' },
      { name: 'GIT_BRANCH', normalize: stripRefPrefix, note: 'remote prefix stripped' },
      { name: 'JOB_NAME', normalize: lastJobSegment, note: 'last segment of the job name' },
    ],
    commit: [{ name: 'GIT_COMMIT' }],
    build: [{ name: 'BUILD_NUMBER' }],
  },
];

/** The CI system this environment belongs to, by its marker variables; undefined outside CI. */
export function detectProvider(env: Record<string, string | undefined>): Provider | undefined {
  return providers.find((p) => p.markers.some((m) => nonEmpty(env[m]) !== undefined));
}

export function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

/** Domain under which previews get their host, for every provider. */
export const DOMAIN_VAR = 'DEVELOPMENT_SERVER_DOMAIN';
