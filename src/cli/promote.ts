import type { Command } from './command.js';
import { parseFlags } from './args.js';
import { UsageError } from '../errors.js';
import { contextFlagOptions, contextFlagsFrom } from '../env/flags.js';
import { dirname } from 'node:path';
import { readGit } from '../env/context.js';
import { renderEnvironment, resolveRender } from '../env/render.js';
import { gitopsOf } from '../env/config.js';
import { folderForRender } from '../gitops/files.js';
import { gitFlagOptions, gitFlagsHelp, gitSetup, sourceRepositoryFrom } from '../gitops/options.js';
import { promoteFolder, type PromoteReport } from '../gitops/promote.js';
import { version } from '../version.js';

const help = `usage: kts promote --from ENV --to ENV --repo URL [flags]

Certifies a build: copies the image references (tags or digests) that ENV --from published in the
deploy repository into the folder of ENV --to, as one commit, so --to deploys exactly the images
that passed. Only the images kts.yaml lists change; every other image of --to (a pinned third-party
image) keeps the target overlay's value. When --to was never published, it is rendered (from this
checkout, as of the source's commit and build) with the promoted images and published in that
commit. Folders are found as publish finds them (for example --from ci --branch master is ci/master,
--to production is production). Deploy the result with 'kts apply ENV --from-repo'.

  --from ENV           the validated environment
  --to ENV             the environment to promote to
  --branch NAME        branch whose folders are meant (default: CI variables, then the local checkout)
  --build N            certify exactly this build: refuse when --from's folder holds another one
  --commit SHA         certify exactly this source commit: refuse when --from's folder holds another one
  --domain DOMAIN      domain for --to's templates, when it is rendered
  --from-path P        folder template of --from, as given to publish
  --to-path P          folder template of --to, as given to publish
  --config FILE        kts.yaml to use (default: nearest kts.yaml above the current directory)
${gitFlagsHelp}`;

function describe(r: PromoteReport): string {
  if (r.status === 'unchanged') return `${r.to} already runs the images of ${r.from}: nothing to promote\n`;
  const lines = r.images.map((p) => `  ${p.repository} -> ${p.image}\n`).join('');
  const first = r.firstRender ? ' (first render of the target)' : '';
  return `promoted ${r.from} -> ${r.to}${first} in ${r.repository} (${r.ref}), commit ${r.commit!.slice(0, 12)}:\n${lines}`;
}

export const command: Command = {
  summary: 'Promote the images of a validated environment to another one in the deploy repository',
  async run(argv: string[]): Promise<number> {
    const parsed = parseFlags(argv, {
          ...gitFlagOptions,
          ...contextFlagOptions,
          from: { type: 'string' },
          to: { type: 'string' },
          'from-path': { type: 'string' },
          'to-path': { type: 'string' } }, help, false);
    if (!parsed) return 0;
    const { values } = parsed;
    if (!values.from || !values.to) throw new UsageError(`--from ENV and --to ENV are required\n${help}`);
    if (values.tag !== undefined || values.image !== undefined) throw new UsageError('promote copies the images --from runs: --tag and --image do not apply');
    const setup = gitSetup(values);
    const { flags, configFile } = contextFlagsFrom(values);
    // Only the branch and domain place folders; the build and commit given are what must be certified.
    // (placing folders never needs a commit or build, so no strict refusal of placeholders here)
    const where = { ...(flags.branch ? { branch: flags.branch } : {}), ...(flags.domain ? { domain: flags.domain } : {}), strict: false };
    const folderOf = (env: string, template: string | undefined) => {
      const resolved = resolveRender({ env, flags: where, configFile });
      return { resolved, folder: folderForRender(template, { ...resolved, namespace: resolved.plan.namespace }) };
    };
    const from = folderOf(values.from, values['from-path']).folder;
    const { resolved: target, folder: to } = folderOf(values.to, values['to-path']);
    if (from === to) throw new UsageError(`--from and --to are the same folder (${from})`);
    let report;
    try {
      report = await promoteFolder(from, to, setup.git, {
        repositories: new Set(target.plan.images.map((img) => img.newName ?? img.name)),
        expect: { build: flags.build, commit: flags.commit },
        renderTarget: async (images, source) => {
          const image = target.plan.images.flatMap((img) => {
            const ref = images.get(img.newName ?? img.name);
            return ref ? [`${img.name}=${ref}`] : [];
          });
          const context = { ...where, branch: source?.branch ?? flags.branch, commit: source?.source.commit ?? flags.commit, build: source?.build ?? flags.build };
          const rendered = await renderEnvironment({ env: values.to!, flags: { ...Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined)), image }, configFile });
          // The overlay comes from this checkout: say so when it is not the commit that was tested.
          const head = readGit(target.config.configFile ? dirname(target.config.configFile) : target.config.overlay).commit;
          if (head && source?.source.commit && head !== source.source.commit) {
            process.stderr.write(`kts: warning: ${to} is rendered from the checkout at ${head.slice(0, 12)}, not at the promoted commit ${source.source.commit.slice(0, 12)}\n`);
          }
          const metadata = {
            environment: rendered.envName,
            branch: rendered.context.branch,
            namespace: rendered.namespace,
            source: { repository: source?.source.repository ?? sourceRepositoryFrom(), commit: rendered.context.commit },
            build: rendered.context.build,
            renderedAt: new Date().toISOString(),
            tool: `kts ${version}`,
            resources: rendered.resources.length,
          };
          return { resources: rendered.resources, metadata };
        },
        controllers: gitopsOf(target.config.configFile),
      });
    } finally {
      setup.progress.done();
    }
    process.stdout.write(setup.json ? `${JSON.stringify(report, null, 2)}\n` : describe(report));
    return 0;
  },
};
