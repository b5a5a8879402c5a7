import type { Command } from './command.js';
import { parseFlags } from './args.js';
import { KtsError, UsageError } from '../errors.js';
import { contextFlagOptions, contextFlagsHelp, renderFromFlags } from '../env/flags.js';
import { computeChanges, hasDifferences } from '../diff/changes.js';
import { formatJson, formatMarkdown, formatTerminal } from '../diff/format.js';
import { withoutBuildAnnotations } from '../diff/normalize.js';
import type { ApplyProblem } from '../diff/cluster.js';
import { formatId } from '../kustomize/resource.js';

const help = `usage: kts diff ENV --against repo|cluster [flags]

Renders ENV as 'kts render' does and shows what a deploy would change:
  --against repo       compared with the environment's folder in the deploy repository
                       (same --repo/--ref/--path as 'kts publish')
  --against cluster    compared with the live objects: each object is applied as a server-side dry
                       run, as 'kts apply' would, and compared with the live one, server-managed
                       fields ignored; members of the environment's ApplySet that 'kts apply --prune'
                       would delete show as removed. What apply would fail on is listed on stderr,
                       one line per object: field-manager conflicts (each field with the manager,
                       and subresource, that owns it) and the server's refusals
  --force-conflicts    dry-run as 'kts apply --force-conflicts' (conflicted fields are taken over)
  --from-repo          with --against cluster: preview 'kts apply ENV --from-repo', the environment's
                       folder as the deploy repository holds it instead of a render of the checkout
  --output text|markdown|json   terminal report (default), pull-request comment, or structured changes
  --color auto|always|never     color the text report (default: auto, when stdout is a terminal)
  --limit N            markdown size cap in characters (default: 65536, a PR comment's limit)
  --with-build-annotations   also compare kts.dev/commit and kts.dev/build (ignored by default: they
                       change on every object with every build)
Secret values are never shown: changed values appear as '*** (before)' / '*** (after)'.
Exit codes (as kubectl diff): 0 no differences, 1 differences found, 2 an error (also when
apply would fail on an object: a conflict or a refusal; the report still shows everything else).

Deploy repository flags: --repo URL (or KTS_DEPLOY_REPO), --ref BRANCH (default main), --path TEMPLATE,
  --cache-dir DIR, --no-cache; KTS_GIT_TOKEN authenticates.
Cluster flags: --context NAME, --kubeconfig FILE, --reservation NAME|FILE (a cluster reserved with
  'kts cluster reserve'), --namespace NS (the environment's namespace for the ApplySet)
${contextFlagsHelp}`;

const EXIT_DIFF_ERROR = 2;

async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(argv, {
        ...contextFlagOptions,
        against: { type: 'string' },
        output: { type: 'string', short: 'o' },
        color: { type: 'string' },
        limit: { type: 'string' },
        repo: { type: 'string' },
        ref: { type: 'string' },
        path: { type: 'string' },
        'cache-dir': { type: 'string' },
        'no-cache': { type: 'boolean' },
        context: { type: 'string' },
        kubeconfig: { type: 'string' },
        reservation: { type: 'string' },
        namespace: { type: 'string', short: 'n' },
        'force-conflicts': { type: 'boolean' },
        'with-build-annotations': { type: 'boolean' },
        'from-repo': { type: 'boolean' } }, help);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`expected exactly one ENV\n${help}`);
  const against = values.against;
  if (against !== 'repo' && against !== 'cluster') throw new UsageError(`--against must be 'repo' or 'cluster'\n${help}`);
  const output = values.output ?? 'text';
  if (!['text', 'markdown', 'json'].includes(output)) throw new UsageError(`--output must be text, markdown or json`);
  const color = values.color ?? 'auto';
  if (!['auto', 'always', 'never'].includes(color)) throw new UsageError(`--color must be auto, always or never`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1000)) throw new UsageError(`--limit: expected a whole number of at least 1000`);

  if (values['from-repo'] && against !== 'cluster') throw new UsageError(`--from-repo previews a deploy of the repository's folder: use it with --against cluster`);
  const rendered = values['from-repo'] ? await (await import('./from-repo.js')).resourcesFromRepo(positionals[0]!, values) : await renderFromFlags(positionals[0]!, values);
  let problems: ApplyProblem[] = [];
  let before;
  let after = rendered.resources.map((r) => r.obj);
  let target: string;
  if (against === 'repo' && 'context' in rendered) {
    const [{ gitSetup }, { folderForRender }, { readPublished }] = await Promise.all([
      import('../gitops/options.js'),
      import('../gitops/files.js'),
      import('../gitops/published.js'),
    ]);
    const setup = gitSetup({ ...values, json: true });
    const folder = folderForRender(values.path, rendered);
    before = (await readPublished(setup.git.remote, folder)).objects;
    target = `${folder} in the deploy repository`;
  } else {
    const [{ connect }, { connectOptionsFrom }, { clusterSides }] = await Promise.all([
      import('../cluster/client.js'),
      import('../cluster/flags.js'),
      import('../diff/cluster.js'),
    ]);
    const { projectApp, requireApp } = await import('../env/config.js');
    const app = 'config' in rendered ? requireApp(undefined, rendered.config.app, rendered.config.configFile) : projectApp({ cwd: process.cwd(), configFile: values.config });
    const client = await connect(connectOptionsFrom(values));
    const sides = await clusterSides(client, app, rendered.envName, rendered.resources, { namespace: values.namespace ?? rendered.namespace, force: values['force-conflicts'] });
    before = sides.before;
    after = sides.after;
    problems = sides.problems;
    target = `the cluster (${client.server})`;
  }
  const changes = values['with-build-annotations'] ? computeChanges(before, after) : computeChanges(before.map(withoutBuildAnnotations), after.map(withoutBuildAnnotations));
  const title = `kts diff: ${rendered.envName} against ${target}`;
  if (output === 'json') process.stdout.write(formatJson(changes, problems));
  else if (output === 'markdown') process.stdout.write(formatMarkdown(changes, { title, limit, problems }));
  else process.stdout.write(formatTerminal(changes, { title, color: color === 'always' || (color === 'auto' && process.stdout.isTTY === true) }));
  for (const p of problems) process.stderr.write(`kts: ${formatId(p.id)}: ${p.message}\n`);
  if (problems.length) return EXIT_DIFF_ERROR;
  return hasDifferences(changes) ? 1 : 0;
}

export const command: Command = {
  summary: 'Show what deploying an environment would change (against the deploy repo or the cluster)',
  async run(argv: string[]): Promise<number> {
    try {
      return await run(argv);
    } catch (e) {
      // Exit 1 means "differences found" here, so failures exit with 2 like kubectl diff.
      if (e instanceof KtsError && e.exitCode === 1) throw new KtsError(e.code, e.message, { file: e.file, field: e.field, line: e.line }, EXIT_DIFF_ERROR);
      throw e;
    }
  },
};
