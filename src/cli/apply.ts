import type { Command } from './command.js';
import { parseFlags } from './args.js';
import { UsageError } from '../errors.js';
import type { Resource } from '../kustomize/resource.js';
import { fromRepoFlagOptions, fromRepoFlagsHelp } from './from-repo-flags.js';
import { clusterFlagOptions, clusterFlagsHelp, connectOptionsFrom, durationFlag, positiveInt } from '../cluster/flags.js';

const HELP = `usage: kts apply ENV [flags]

Server-side applies the rendered environment ENV (field manager "kts") in dependency order:
namespaces and CRDs, RBAC/quotas/limits, configuration, services, workloads, the rest. Membership is recorded as
a KEP-3659 ApplySet (parent: Secret kts-applyset.APP.ENV in the environment's namespace, which also records
the build's commit and number). An existing object that is not a member of the set is never taken over
unless --adopt; a member Job whose template changed (a new build) is deleted and recreated.

Flags:
  -f, --file PATH        apply these rendered manifests instead of rendering ENV: a file, '-' for
                         stdin, or a directory of .yaml/.yml/.json files (not recursive)
  -n, --namespace NS     namespace of the ApplySet parent and of objects without one (default: the
                         environment's namespace, the render's only namespace, the context's)
  --dry-run=server       let the server validate everything, change nothing
  --app NAME             the application (default: kts.yaml app; required)
  --adopt                take over existing objects of the render that this ApplySet did not create
  --force-conflicts      take over fields another field manager owns
  --recreate-immutable   delete and recreate members whose changed fields cannot be updated (a Job's
                         template on a new build, a StatefulSet's volumeClaimTemplates)
  --prune                delete members of the set that the render no longer contains
  --allow-empty          allow --prune with an empty render (deletes the whole set)
  --wait                 wait for Deployments, StatefulSets, DaemonSets and Jobs to finish rolling out
  --timeout DURATION     limit for --wait (default 5m)
  --atomic               implies --wait; when the rollout fails, re-apply the set's last good revision
                         (kept in the ApplySet parent's Secret + "-revision"), wait for it, and exit 1 naming
                         what failed and that it was rolled back
  --concurrency N        parallel requests within a stage (default 16)
  --json                 print a JSON report instead of progress lines

Transient API errors (429 honouring Retry-After, 5xx, dropped connections, no response within
--request-timeout) are retried with backoff. A failed apply stops before the next stage and can
simply be re-run.

${clusterFlagsHelp}`;

export const command: Command = {
  summary: 'Server-side apply an environment to a cluster, prune and wait',
  async run(argv: string[]): Promise<number> {
    const { contextFlagOptions, contextFlagsHelp } = await import('../env/flags.js');
    const parsed = parseFlags(
      argv,
      {
        ...contextFlagOptions,
        ...clusterFlagOptions,
        file: { type: 'string', short: 'f' },
        namespace: { type: 'string', short: 'n' },
        'dry-run': { type: 'string' },
        'force-conflicts': { type: 'boolean' },
        app: { type: 'string' },
        adopt: { type: 'boolean' },
        'recreate-immutable': { type: 'boolean' },
        prune: { type: 'boolean' },
        'allow-empty': { type: 'boolean' },
        wait: { type: 'boolean' },
        atomic: { type: 'boolean' },
        timeout: { type: 'string' },
        concurrency: { type: 'string' },
        json: { type: 'boolean' },
        ...fromRepoFlagOptions,
      },
      `${HELP}${fromRepoFlagsHelp}\n${contextFlagsHelp}`,
    );
    if (!parsed) return 0;
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError('apply: expected exactly one ENV argument (see kts apply --help)');
    let env = positionals[0]!;
    const dryRun = values['dry-run'];
    if (dryRun !== undefined && dryRun !== 'server') throw new UsageError(`apply: --dry-run supports only 'server' (got '${dryRun}')`);
    const timeoutMs = durationFlag(values.timeout, '--timeout', 5 * 60_000);
    const concurrency = positiveInt(values.concurrency, '--concurrency', 16);

    let resources: Resource[];
    let namespace = values.namespace;
    let app: string | undefined;
    let record: Record<string, string> | undefined;
    let source: string | undefined;
    if (values.file !== undefined && values['from-repo']) throw new UsageError('apply: -f and --from-repo are alternatives');
    if (values.file !== undefined) {
      const { readManifests } = await import('../cluster/manifests.js');
      resources = readManifests(values.file);
    } else if (values['from-repo']) {
      const { resourcesFromRepo } = await import('./from-repo.js');
      const published = await resourcesFromRepo(env, values);
      resources = published.resources;
      namespace ??= published.namespace;
      source = published.description;
      record = published.record;
    } else {
      const { renderFromFlags } = await import('../env/flags.js');
      const { requireApp } = await import('../env/config.js');
      const rendered = await renderFromFlags(env, values);
      resources = rendered.resources;
      namespace ??= rendered.namespace;
      app = requireApp(values.app, rendered.config.app, rendered.config.configFile);
      // The environment's name, not the argument (`overlays/ci` is the environment ci).
      env = rendered.envName;
      record = rendered.plan.record;
    }

    if (app === undefined) {
      const { projectApp } = await import('../env/config.js');
      app = projectApp({ cwd: process.cwd(), configFile: values.config, app: values.app });
    }

    const { applyEnvironment, checkEmptyRender } = await import('../cluster/apply.js');
    const { applyAtomically } = await import('../cluster/atomic.js');
    checkEmptyRender(resources.length, values.prune ?? false, values['allow-empty'] ?? false, env);
    const { connect } = await import('../cluster/client.js');
    const report = await import('../cluster/report.js');
    const { version } = await import('../version.js');
    const progress = values.json ? report.quietProgress(process.stderr) : report.textProgress(process.stdout, process.stderr);
    const client = await connect({
      ...connectOptionsFrom(values),
      onRetry: (what, retry, delay) => progress.warn(`${what}; retry ${retry} in ${delay} ms`),
    });
    const outcome = await (values.atomic ? applyAtomically : applyEnvironment)(client, {
      app,
      env,
      record,
      adopt: values.adopt,
      resources,
      namespace,
      source,
      dryRun: dryRun === 'server',
      force: values['force-conflicts'],
      recreateImmutable: values['recreate-immutable'],
      prune: values.prune,
      allowEmpty: values['allow-empty'],
      wait: values.wait || values.atomic,
      timeoutMs,
      concurrency,
      toolingVersion: version,
      progress,
    });
    return report.finishApply(outcome, Boolean(values.json), progress);
  },
};
