import type { Command } from './command.js';
import { parseFlags } from './args.js';
import { KtsError, UsageError } from '../errors.js';
import { resolveRender } from '../env/render.js';
import { DEFAULT_PATH_TEMPLATE, folderForRender, pathTemplate } from '../gitops/files.js';
import { gitFlagOptions, gitFlagsHelp, gitSetup } from '../gitops/options.js';
import { unpublishFolder } from '../gitops/unpublish.js';
import { gitopsOf } from '../env/config.js';

const help = `usage: kts unpublish ENV --branch NAME --repo URL [flags]

Removes the folder that 'kts publish ENV' wrote for branch NAME (typically when the branch was
deleted) from the deploy repository, as one commit. Nothing there: no commit, exit 0.

  --branch NAME        the deleted branch (required)
  --path TEMPLATE      folder template, as given to publish (default: ${DEFAULT_PATH_TEMPLATE}; environments
                       with a fixed namespace have one folder for all branches and cannot be unpublished)
  --config FILE        kts.yaml to use (default: nearest kts.yaml above the current directory)
${gitFlagsHelp}`;

export const command: Command = {
  summary: "Remove a branch's folder from the GitOps deploy repository",
  async run(argv: string[]): Promise<number> {
    const parsed = parseFlags(argv, { ...gitFlagOptions, branch: { type: 'string' }, path: { type: 'string' }, config: { type: 'string' } }, help);
    if (!parsed) return 0;
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError(`expected exactly one ENV\n${help}`);
    if (!values.branch) throw new UsageError(`--branch NAME is required\n${help}`);
    const setup = gitSetup(values);
    const resolved = resolveRender({ env: positionals[0]!, flags: { branch: values.branch, strict: false }, configFile: values.config });
    const template = pathTemplate(values.path, resolved.config);
    if (!template.includes('<branch-slug>')) {
      // The folder is the same for every branch (production): removing it is not "unpublish a branch".
      throw new KtsError('unpublish', `the folder of ${resolved.envName} (${template}) does not depend on the branch; refusing to remove it`);
    }
    const folder = folderForRender(template, { ...resolved, namespace: resolved.plan.namespace });
    let report;
    try {
      report = await unpublishFolder(folder, { app: resolved.config.app, environment: resolved.envName, branch: values.branch }, setup.git, gitopsOf(resolved.config.configFile));
    } finally {
      setup.progress.done();
    }
    if (setup.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else if (report.status === 'removed') {
      process.stdout.write(`removed ${folder} (${report.removed.length} files) from ${report.repository} (${report.ref}), commit ${report.commit!.slice(0, 12)}\n`);
    } else process.stdout.write(`${folder} is not in ${report.repository} (${report.ref}): nothing to remove\n`);
    return 0;
  },
};
