// The environment's teardown (kts.yaml `teardown`), run by env down/gc before a preview's
// namespace is deleted: rendered for the branch, commit and build the namespace recorded, applied
// into that namespace and waited for (its Jobs drop what the preview made outside it, e.g. its
// database in a shared server). A failed teardown keeps the namespace, so a re-run retries it.
import { relative } from 'node:path';
import { KtsError } from '../errors.js';
import { CONFIG_FILE, loadConfig, locateConfig } from '../env/config.js';
import { renderTeardown } from '../env/render.js';
import { applyEnvironment } from './apply.js';
import type { KubeClient } from './client.js';
import type { Teardown } from './envs.js';
import type { Progress } from './report.js';

export interface TeardownOptions {
  app: string;
  configFile?: string;
  timeoutMs: number;
  toolingVersion: string;
  progress: Progress;
}

export function renderedTeardown(client: KubeClient, opts: TeardownOptions): Teardown {
  const cwd = process.cwd();
  const file = locateConfig('.', { cwd, configFile: opts.configFile });
  const project = file ? loadConfig(file, relative(cwd, file) || CONFIG_FILE) : undefined;
  return async (preview) => {
    if (!project || !Object.hasOwn(project.environments, preview.env)) {
      opts.progress.warn(`${preview.namespace}: environment '${preview.env}' is not in ${project?.display ?? 'kts.yaml'}; no teardown run`);
      return;
    }
    if (project.environments[preview.env]!.teardown === undefined) return;
    const flags = { branch: preview.branch, ...(preview.commit ? { commit: preview.commit } : {}), ...(preview.build ? { build: preview.build } : {}) };
    const rendered = await renderTeardown({ env: preview.env, flags, configFile: file, environ: {} });
    if (!rendered) return;
    if (rendered.namespace !== preview.namespace) {
      throw new KtsError('env-teardown', `the teardown of ${preview.env} for branch ${preview.branch} renders into namespace ${rendered.namespace}, not ${preview.namespace}; refusing`);
    }
    opts.progress.info(`${preview.namespace}: running the teardown of ${preview.env}`);
    const { error } = await applyEnvironment(client, {
      app: opts.app,
      env: `${preview.env}-teardown`,
      resources: rendered.resources,
      namespace: preview.namespace,
      // Inside a namespace proven ours and about to be deleted; the teardown may reuse its objects (credentials).
      adopt: true,
      wait: true,
      timeoutMs: opts.timeoutMs,
      toolingVersion: opts.toolingVersion,
      progress: opts.progress,
    });
    if (error) throw new KtsError('env-teardown', `teardown of ${preview.namespace} failed, the namespace is kept (re-run to retry): ${error.message}`);
  };
}
