import type { Command } from './command.js';
import { parseFlags } from './args.js';
import { UsageError } from '../errors.js';
import { resolveRender } from '../env/render.js';
import { folderForRender } from '../gitops/files.js';
import { gitFlagOptions, gitFlagsHelp, gitSetup } from '../gitops/options.js';
import { promoteFolder, type PromoteReport } from '../gitops/promote.js';

const help = `usage: kts promote --from ENV --to ENV --repo URL [flags]

Certifies a build: copies the image references (tags or digests) that ENV --from published in the
deploy repository into the folder of ENV --to, as one commit, so --to deploys exactly the images
that passed. Only images whose repository --from runs change. Folders are found as publish finds
them (for example --from ci --branch master is ci/master, --to production is production).

  --from ENV           the validated environment
  --to ENV             the environment to promote to (it must have been published once)
  --branch NAME        branch whose folders are meant (default: CI variables, then the local checkout)
  --from-path P        folder template of --from, as given to publish
  --to-path P          folder template of --to, as given to publish
  --config FILE        kts.yaml to use (default: nearest kts.yaml above the current directory)
${gitFlagsHelp}`;

function describe(r: PromoteReport): string {
  if (r.status === 'unchanged') return `${r.to} already runs the images of ${r.from}: nothing to promote\n`;
  const lines = r.images.map((p) => `  ${p.repository} -> ${p.image}\n`).join('');
  return `promoted ${r.from} -> ${r.to} in ${r.repository} (${r.ref}), commit ${r.commit!.slice(0, 12)}:\n${lines}`;
}

export const command: Command = {
  summary: 'Promote the images of a validated environment to another one in the deploy repository',
  async run(argv: string[]): Promise<number> {
    const parsed = parseFlags(argv, {
          ...gitFlagOptions,
          from: { type: 'string' },
          to: { type: 'string' },
          branch: { type: 'string' },
          'from-path': { type: 'string' },
          'to-path': { type: 'string' },
          config: { type: 'string' } }, help, false);
    if (!parsed) return 0;
    const { values } = parsed;
    if (!values.from || !values.to) throw new UsageError(`--from ENV and --to ENV are required\n${help}`);
    const setup = gitSetup(values);
    const folderOf = (env: string, template: string | undefined) => {
      const resolved = resolveRender({ env, flags: values.branch ? { branch: values.branch } : {}, configFile: values.config });
      return folderForRender(template, { ...resolved, namespace: resolved.plan.namespace });
    };
    const from = folderOf(values.from, values['from-path']);
    const to = folderOf(values.to, values['to-path']);
    if (from === to) throw new UsageError(`--from and --to are the same folder (${from})`);
    let report;
    try {
      report = await promoteFolder(from, to, setup.git);
    } finally {
      setup.progress.done();
    }
    process.stdout.write(setup.json ? `${JSON.stringify(report, null, 2)}\n` : describe(report));
    return 0;
  },
};
