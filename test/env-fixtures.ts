// The fixed build context of the golden files (test/golden/render-*.yaml).
import { join } from 'node:path';
import { repoRoot } from './helpers/paths.js';

export const GOLDEN_ENVS = ['ci', 'branch', 'production'] as const;

export const GOLDEN_FLAGS: Record<(typeof GOLDEN_ENVS)[number], { branch: string; commit: string; build: string }> = {
  ci: { branch: 'feature/JIRA-123_Add Payments', commit: '3f5e2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f', build: '128' },
  branch: { branch: 'feature/JIRA-123_Add Payments', commit: '3f5e2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f', build: '128' },
  production: { branch: 'main', commit: '9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d', build: '131' },
};

export function goldenArgs(env: (typeof GOLDEN_ENVS)[number]): string[] {
  const f = GOLDEN_FLAGS[env];
  return ['render', env, '--branch', f.branch, '--commit', f.commit, '--build', f.build];
}

export const goldenFile = (env: string) => join(repoRoot, 'test', 'golden', `render-${env}.yaml`);

/** An environment without any CI variable (PATH kept so that git/kubectl are found). */
export const noCiEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
