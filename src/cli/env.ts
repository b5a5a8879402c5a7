import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { parseArgv } from './args.js';
import { KtsError, UsageError } from '../errors.js';
import { clusterFlagOptions, clusterFlagsHelp, connectOptionsFrom, durationFlag, positiveInt } from '../cluster/flags.js';
import { redactUrl } from '../net/redact.js';

const HELP = `usage: kts env up ENV [context flags] [flags]   create the preview namespace (or find it ours), apply the
                                                  render (with prune); branch, commit, build from the CI context
       kts env down ENV [context flags] [--timeout 5m]
                                                  run the environment's teardown, delete the branch's preview
                                                  namespace and wait until it is gone (same context as env up)
       kts env down --namespace NS [ENV]          the same for a namespace named explicitly
       kts env list [ENV] [--all-apps] [--json]    this app's previews: branch, commit, build, age, last deploy
       kts env gc [ENV] [--max-age 72h] [--max-envs N] [--keep BRANCH]... [--keep-from-git REMOTE] [--dry-run]
                                                  delete this app's previews whose branch is gone (only when
                                                  --keep or --keep-from-git says which exist), not deployed
                                                  within --max-age, or the oldest beyond --max-envs

Every command acts for one application, kts.yaml 'app' (or --app NAME), and only ever sees its
previews. A preview namespace is deleted only with proof that kts env up made it for this app:
its preview labels applied by field manager kts-env and our ApplySet parent inside it. env up
refuses a namespace of another app or branch, or of nobody we know; a namespace still
terminating is waited for (--timeout) and created afresh. kube-system and default are never touched.

env up flags: --wait, --atomic, --timeout DURATION, --force-conflicts, --recreate-immutable, --dry-run=server,
  --concurrency N, --json (see kts apply --help)
Context flags (up, down): --branch --commit --build --tag --image --domain --config (see kts render --help)
  --app NAME           the application (default: kts.yaml app)
${clusterFlagsHelp}`;

const common = {
  ...clusterFlagOptions,
  app: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

function parse(argv: string[], options: Options): { values: Record<string, unknown>; positionals: string[] } {
  try {
    return parseArgv(argv, options);
  } catch (e) {
    throw new UsageError(`env: ${(e as Error).message}`);
  }
}

function atMostOne(positionals: string[], what: string): string | undefined {
  if (positionals.length > 1) throw new UsageError(`env ${what}: expected at most one ENV, got ${positionals.join(' ')}`);
  return positionals[0];
}

async function tools(values: Record<string, unknown>) {
  const report = await import('../cluster/report.js');
  const { connect } = await import('../cluster/client.js');
  const progress = values.json ? report.quietProgress(process.stderr) : report.textProgress(process.stdout, process.stderr);
  const client = await connect({ ...connectOptionsFrom(values), onRetry: (what, retry, delay) => progress.warn(`${what}; retry ${retry} in ${delay} ms`) });
  return { report, progress, client };
}

async function up(argv: string[]): Promise<number> {
  const { contextFlagOptions } = await import('../env/flags.js');
  const { values, positionals } = parse(argv, {
    ...common,
    ...contextFlagOptions,
    wait: { type: 'boolean' },
    atomic: { type: 'boolean' },
    timeout: { type: 'string' },
    'force-conflicts': { type: 'boolean' },
    'recreate-immutable': { type: 'boolean' },
    'dry-run': { type: 'string' },
    concurrency: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('env up: expected exactly one ENV');
  const dryRun = values['dry-run'];
  if (dryRun !== undefined && dryRun !== 'server') throw new UsageError(`env up: --dry-run supports only 'server' (got '${String(dryRun)}')`);
  const timeoutMs = durationFlag(values.timeout, '--timeout', 5 * 60_000);
  const concurrency = positiveInt(values.concurrency, '--concurrency', 16);
  const { renderFromFlags } = await import('../env/flags.js');
  const rendered = await renderFromFlags(positionals[0]!, values);
  // The branch may come from the CI context like every other value, but a preview is never made for a placeholder.
  if (rendered.context.placeholders.includes('branch')) throw new UsageError('env up: no branch known: pass --branch BRANCH (or run in CI, or in a git checkout)');
  const { requireApp } = await import('../env/config.js');
  const app = requireApp(values.app as string | undefined, rendered.config.app, rendered.config.configFile);
  const { envUp } = await import('../cluster/envs.js');
  const { version } = await import('../version.js');
  const { report, progress, client } = await tools(values);
  const outcome = await envUp(client, {
    app,
    env: rendered.envName,
    namespace: rendered.namespace,
    perBranchNamespace: Boolean(rendered.config.namespacePrefix) && !rendered.config.namespace,
    labels: rendered.plan.labels,
    record: rendered.plan.record,
    resources: rendered.resources,
    dryRun: dryRun === 'server',
    force: Boolean(values['force-conflicts']),
    recreateImmutable: Boolean(values['recreate-immutable']),
    wait: Boolean(values.wait || values.atomic),
    atomic: Boolean(values.atomic),
    timeoutMs,
    concurrency,
    toolingVersion: version,
    progress,
  });
  return report.finishApply(outcome, Boolean(values.json), progress);
}

/** The teardown env down/gc run before deleting a namespace. */
async function teardownFor(client: Awaited<ReturnType<typeof tools>>['client'], app: string, values: Record<string, unknown>, timeoutMs: number, progress: Awaited<ReturnType<typeof tools>>['progress']) {
  const { renderedTeardown } = await import('../cluster/teardown.js');
  const { version } = await import('../version.js');
  return renderedTeardown(client, { app, configFile: values.config as string | undefined, timeoutMs, toolingVersion: version, progress });
}

async function down(argv: string[]): Promise<number> {
  const { contextFlagOptions } = await import('../env/flags.js');
  const { values, positionals } = parse(argv, { ...common, ...contextFlagOptions, namespace: { type: 'string', short: 'n' }, timeout: { type: 'string' } });
  const env = atMostOne(positionals, 'down');
  if (!env && !values.namespace) throw new UsageError('env down: give the ENV (the branch comes from the CI context or --branch) or --namespace NS');
  const timeoutMs = durationFlag(values.timeout, '--timeout', 5 * 60_000);
  const { projectApp, requireApp } = await import('../env/config.js');
  let namespace = values.namespace as string | undefined;
  let branch: string | undefined;
  let app: string;
  if (namespace) {
    app = projectApp({ cwd: process.cwd(), configFile: values.config as string | undefined, app: values.app as string | undefined });
  } else {
    // Exactly the context env up resolves, so `post { always { kts env down ci } }` finds the same namespace.
    const { contextFlagsFrom } = await import('../env/flags.js');
    const { resolveRender } = await import('../env/render.js');
    const { flags, configFile } = contextFlagsFrom(values);
    const resolved = resolveRender({ env: env!, flags, configFile });
    if (resolved.context.placeholders.includes('branch')) throw new UsageError('env down: no branch known: pass --branch BRANCH (or run in CI, or in a git checkout)');
    if (!resolved.plan.namespace || !resolved.config.namespacePrefix) throw new KtsError('env-not-preview', `environment '${resolved.envName}' has no per-branch namespace; env down is for previews`);
    app = requireApp(values.app as string | undefined, resolved.config.app, resolved.config.configFile);
    namespace = resolved.plan.namespace;
    branch = resolved.context.branch;
  }
  const { envDown } = await import('../cluster/envs.js');
  const { progress, client } = await tools(values);
  const teardown = await teardownFor(client, app, values, timeoutMs, progress);
  const gone = await envDown(client, { app, env, branch, namespace, timeoutMs, teardown, wait: true, progress });
  const what = branch ? `preview of ${env} for branch ${branch} (namespace ${namespace})` : `namespace ${namespace}`;
  const result = gone ? { deleted: gone } : { deleted: null, message: `there is no ${what}; nothing to delete` };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else progress.info(gone ? `namespace ${gone} deleted` : result.message!);
  return 0;
}

async function list(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...common, 'all-apps': { type: 'boolean' } });
  const env = atMostOne(positionals, 'list');
  const { projectApp } = await import('../env/config.js');
  const app = values['all-apps'] ? undefined : projectApp({ cwd: process.cwd(), configFile: values.config as string | undefined, app: values.app as string | undefined });
  const { listPreviews } = await import('../cluster/envs.js');
  const { previewTable } = await import('../cluster/previews.js');
  const { client } = await tools(values);
  const previews = await listPreviews(client, app, env);
  if (values.json) {
    const iso = (t: number) => new Date(t).toISOString();
    process.stdout.write(`${JSON.stringify(previews.map((p) => ({ ...p, created: iso(p.created), lastDeploy: iso(p.lastDeploy) })), null, 2)}\n`);
  } else if (previews.length === 0) {
    process.stdout.write(`no previews${env ? ` of ${env}` : ''}\n`);
  } else {
    process.stdout.write(previewTable(previews, Date.now()));
  }
  return 0;
}

async function gc(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...common,
    'max-age': { type: 'string' },
    'max-envs': { type: 'string' },
    keep: { type: 'string', multiple: true },
    'keep-from-git': { type: 'string' },
    'dry-run': { type: 'boolean' },
    timeout: { type: 'string' },
  });
  const env = atMostOne(positionals, 'gc');
  const timeoutMs = durationFlag(values.timeout, '--timeout', 5 * 60_000);
  const maxAgeMs = values['max-age'] === undefined ? undefined : durationFlag(values['max-age'], '--max-age', 0);
  const maxEnvs = values['max-envs'] === undefined ? undefined : Number(values['max-envs']);
  if (maxEnvs !== undefined && !(Number.isInteger(maxEnvs) && maxEnvs >= 0)) throw new UsageError(`--max-envs: expected a count, got '${String(values['max-envs'])}'`);
  const keep = (values.keep as string[] | undefined) ?? [];
  const remote = values['keep-from-git'] as string | undefined;
  if (maxAgeMs === undefined && maxEnvs === undefined && keep.length === 0 && remote === undefined) {
    throw new UsageError('env gc: nothing to collect by; give --max-age, --max-envs, --keep or --keep-from-git');
  }
  let liveBranches: Set<string> | undefined;
  if (keep.length || remote !== undefined) {
    liveBranches = new Set(keep);
    if (remote !== undefined) {
      const { remoteBranches } = await import('../cluster/git.js');
      const branches = await remoteBranches(remote);
      if (branches.size === 0) {
        throw new KtsError('git', `git remote ${redactUrl(remote)} has no branches; refusing to treat every preview as stale`, { field: '--keep-from-git' });
      }
      for (const b of branches) liveBranches.add(b);
    }
  }
  const { projectApp } = await import('../env/config.js');
  const app = projectApp({ cwd: process.cwd(), configFile: values.config as string | undefined, app: values.app as string | undefined });
  const { envGc } = await import('../cluster/envs.js');
  const { progress, client } = await tools(values);
  const teardown = await teardownFor(client, app, values, timeoutMs, progress);
  const result = await envGc(client, { app, env, maxAgeMs, maxEnvs, liveBranches, dryRun: Boolean(values['dry-run']), teardown, progress });
  if (values.json) {
    const out = { deleted: result.removed.map((d) => ({ namespace: d.preview.namespace, env: d.preview.env, branch: d.preview.branch, reason: d.reason })), kept: result.kept.map((p) => p.namespace) };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    progress.info(values['dry-run'] ? `${result.removed.length} previews would be deleted (dry run), ${result.kept.length} kept` : `${result.removed.length} previews deleted, ${result.kept.length} kept`);
  }
  return 0;
}

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = { up, down, list, gc };

export const command: Command = {
  summary: 'Preview namespaces: up, down, list, gc',
  async run(argv: string[]): Promise<number> {
    const [sub, ...rest] = argv;
    if (!sub || sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(HELP);
      return sub ? 0 : 2;
    }
    const run = SUBCOMMANDS[sub];
    if (!run) throw new UsageError(`env: unknown subcommand '${sub}' (up, down, list, gc)`);
    return run(rest);
  },
};
