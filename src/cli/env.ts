import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { parseArgv } from './args.js';
import { UsageError } from '../errors.js';
import { clusterFlagOptions, clusterFlagsHelp, connectOptionsFrom, durationFlag, positiveInt } from '../cluster/flags.js';
import { redactUrl } from '../net/redact.js';

const HELP = `usage: kts env up ENV [--branch BRANCH] [flags]   create/label the preview namespace, apply the render (with prune);
                                                  the branch defaults to the CI context, as for kts render
       kts env down [ENV] (--branch BRANCH | --namespace NS) [--timeout 5m]
                                                  delete a preview namespace and wait until it is gone
       kts env list [ENV] [--json]                 every preview: branch, commit, build, age, last deploy
       kts env gc [ENV] [--max-age 72h] [--max-envs N] [--keep BRANCH]... [--keep-from-git REMOTE] [--dry-run]
                                                  delete previews whose branch is gone (only when --keep or
                                                  --keep-from-git says which exist), not deployed within
                                                  --max-age, or the oldest beyond --max-envs

Only namespaces labeled as kts previews (app.kubernetes.io/managed-by=kts, kts.dev/environment,
kts.dev/branch, kts.dev/preview=true) are ever touched; kube-system, default and unlabeled
namespaces are refused even when named explicitly.

env up flags: --wait, --timeout DURATION, --force-conflicts, --recreate-immutable, --dry-run=server,
  --concurrency N, --json (see kts apply --help)
${clusterFlagsHelp}`;

const common = {
  ...clusterFlagOptions,
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
  const { envUp } = await import('../cluster/envs.js');
  const { version } = await import('../version.js');
  const { report, progress, client } = await tools(values);
  const outcome = await envUp(client, {
    env: rendered.envName,
    namespace: rendered.namespace,
    perBranchNamespace: Boolean(rendered.config.namespacePrefix) && !rendered.config.namespace,
    labels: rendered.plan.labels,
    annotations: rendered.plan.annotations,
    resources: rendered.resources,
    dryRun: dryRun === 'server',
    force: Boolean(values['force-conflicts']),
    recreateImmutable: Boolean(values['recreate-immutable']),
    wait: Boolean(values.wait),
    timeoutMs,
    concurrency,
    toolingVersion: version,
    progress,
  });
  return report.finishApply(outcome, Boolean(values.json), progress);
}

async function down(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...common, branch: { type: 'string' }, namespace: { type: 'string', short: 'n' }, timeout: { type: 'string' } });
  const env = atMostOne(positionals, 'down');
  if (!values.branch === !values.namespace) throw new UsageError('env down: give either --branch BRANCH or --namespace NS');
  const timeoutMs = durationFlag(values.timeout, '--timeout', 5 * 60_000);
  const { envDown } = await import('../cluster/envs.js');
  const { progress, client } = await tools(values);
  const branch = values.branch as string | undefined;
  const namespace = values.namespace as string | undefined;
  const gone = await envDown(client, { env, branch, namespace, timeoutMs, progress });
  const what = namespace ? `namespace ${namespace}` : `preview${env ? ` of ${env}` : ''} for branch ${branch}`;
  const result = gone ? { deleted: gone } : { deleted: null, message: `there is no ${what}; nothing to delete` };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else progress.info(gone ? `namespace ${gone} deleted` : result.message!);
  return 0;
}

async function list(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, common);
  const env = atMostOne(positionals, 'list');
  const { listPreviews } = await import('../cluster/envs.js');
  const { previewTable } = await import('../cluster/previews.js');
  const { client } = await tools(values);
  const previews = await listPreviews(client, env);
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
  });
  const env = atMostOne(positionals, 'gc');
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
        const { KtsError } = await import('../errors.js');
        throw new KtsError('git', `git remote ${redactUrl(remote)} has no branches; refusing to treat every preview as stale`, { field: '--keep-from-git' });
      }
      for (const b of branches) liveBranches.add(b);
    }
  }
  const { envGc } = await import('../cluster/envs.js');
  const { progress, client } = await tools(values);
  const result = await envGc(client, { env, maxAgeMs, maxEnvs, liveBranches, dryRun: Boolean(values['dry-run']), progress });
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
