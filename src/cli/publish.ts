import type { Command } from './command.js';
import { parseFlags } from './args.js';
import { UsageError } from '../errors.js';
import { contextFlagOptions, contextFlagsHelp, renderFromFlags } from '../env/flags.js';
import { placeholderWarning } from '../env/describe.js';
import { gitopsOf } from '../env/config.js';
import { DEFAULT_PATH_TEMPLATE, folderForRender, pathTemplate } from '../gitops/files.js';
import { gitFlagOptions, gitFlagsHelp, gitSetup, sourceRepositoryFrom } from '../gitops/options.js';
import { publishResources, type PublishReport } from '../gitops/publish.js';

const help = `usage: kts publish ENV --repo URL [flags]

Renders ENV exactly as 'kts render' does and commits the result to a GitOps deploy repository:
the environment's folder is replaced by one file per resource (<kind>-<name>.yaml) plus a
.kts-publish metadata file, as one commit naming the source commit and the change (+added
~changed -removed), pushed without force. When another job pushed first, the folder is rebuilt on
top of the new head and the push retried with a jittered backoff. Nothing changed: no commit.
A folder already holding a newer render (higher build number, else later render time) is left alone
unless --allow-older is given.

  --path TEMPLATE      folder for the render (default: ${DEFAULT_PATH_TEMPLATE}, or <env> for an environment
                       with a fixed namespace such as production); placeholders <app> <env> <branch-slug> <namespace>
  --source-repo URL    source repository for the metadata (default: CI variables)
  --allow-older        publish even when the folder holds a newer render: roll back by re-running an
                       older build's publish (by default the newer render wins)
${gitFlagsHelp}${contextFlagsHelp}`;

function describe(r: PublishReport): string {
  const where = `${r.folder} in ${r.repository} (${r.ref})`;
  switch (r.status) {
    case 'published':
      return `published ${where}: ${r.summary}, commit ${r.commit!.slice(0, 12)}${r.attempts > 1 ? ` after ${r.attempts} attempts` : ''}\n`;
    case 'unchanged':
      return `${where} is up to date: nothing to publish\n`;
    case 'superseded':
      return `${where} already holds a newer render (${r.newer?.build ? `build ${r.newer.build}, ` : ''}rendered ${r.newer?.renderedAt}): nothing published\n`;
  }
}

export const command: Command = {
  summary: 'Render an environment and commit it to a GitOps deploy repository',
  async run(argv: string[]): Promise<number> {
    const parsed = parseFlags(argv, { ...contextFlagOptions, ...gitFlagOptions, path: { type: 'string' }, 'source-repo': { type: 'string' }, 'allow-older': { type: 'boolean' } }, help);
    if (!parsed) return 0;
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError(`expected exactly one ENV\n${help}`);
    const setup = gitSetup(values);
    const rendered = await renderFromFlags(positionals[0]!, values);
    const warning = placeholderWarning(rendered.context);
    if (warning) process.stderr.write(`kts: warning: ${warning}\n`);
    const folder = folderForRender(values.path, rendered);
    let report;
    try {
      report = await publishResources(
        rendered.resources,
        {
          app: rendered.config.app,
          env: rendered.envName,
          folder,
          perBranch: pathTemplate(values.path, rendered.config).includes('<branch-slug>'),
          branch: rendered.context.branch,
          commit: rendered.context.commit,
          build: rendered.context.build,
          sourceRepository: values['source-repo'] ?? sourceRepositoryFrom(),
          allowOlder: values['allow-older'],
          namespace: rendered.namespace,
          controllers: gitopsOf(rendered.config.configFile),
        },
        setup.git,
      );
    } finally {
      setup.progress.done();
    }
    process.stdout.write(setup.json ? `${JSON.stringify(report, null, 2)}\n` : describe(report));
    return 0;
  },
};
