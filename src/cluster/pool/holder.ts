// Who holds a reservation: the CI job that reserved the cluster, the same in every step of that
// job (provider, job and build), so later steps can renew and release what the first one reserved.

import { hostname, userInfo } from 'node:os';
import { providers } from '../../env/providers.js';

export function holderIdentity(env: NodeJS.ProcessEnv = process.env, override?: string): string {
  const given = override ?? env.KTS_HOLDER;
  if (given) return given;
  const v = (name: string) => env[name] ?? '';
  switch (providers.find((p) => p.markers.some((m) => env[m]))?.id) {
    case 'jenkins':
      return `jenkins:${v('JOB_NAME') || 'job'}#${v('BUILD_NUMBER')}`;
    case 'teamcity':
      return `teamcity:${v('TEAMCITY_BUILDCONF_NAME') || v('TEAMCITY_PROJECT_NAME') || 'build'}#${v('BUILD_NUMBER')}`;
    case 'github':
      return `github:${v('GITHUB_REPOSITORY')}/${v('GITHUB_WORKFLOW')}#${v('GITHUB_RUN_ID')}.${v('GITHUB_RUN_ATTEMPT') || '1'}`;
    case 'gitlab':
      return `gitlab:${v('CI_PROJECT_PATH')}#${v('CI_PIPELINE_ID')}`;
    default: {
      let user = 'user';
      try {
        user = userInfo().username;
      } catch {
        // no passwd entry (containers): keep the placeholder
      }
      return `local:${user}@${hostname()}`;
    }
  }
}
