import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import type { Command } from './command.js';
import { parseFlags } from './args.js';
import { KtsError, UsageError } from '../errors.js';
import { build, type BuildOptions } from '../kustomize/build.js';
import { serializeTo, writeDirectory } from '../kustomize/output.js';
import type { Resource } from '../kustomize/resource.js';
import { LOCK_FILE } from '../remote/lock.js';
import { writeStdoutBytes } from './stdout.js';

const HELP = `usage: kts build [DIR] [flags]

Builds the kustomization in DIR (default: the current directory) exactly as \`kustomize build\` and
\`kubectl kustomize\` do, with their flags and flag syntax (-o=FILE, --flag=false, --load_restrictor).

flags:
  -o, --output PATH              write to PATH instead of stdout; an existing directory gets one file per resource
  --load-restrictor VALUE        LoadRestrictionsRootOnly (default) or LoadRestrictionsNone
  --reorder VALUE                legacy (default) or none; a kustomization's sortOptions wins
  --enable-managedby-label       add app.kubernetes.io/managed-by to every resource
  --enable-helm                  render helmCharts by running \`helm template\` (as kustomize does)
  --helm-command CMD             the helm to run (default: helm)
  --helm-api-versions V          Capabilities.APIVersions for charts that set none (repeatable)
  --helm-kube-version V          Capabilities.KubeVersion for charts that set none
  --helm-debug                   pass --debug to helm
  --stack-trace                  print the stack of an error after its one-line message
  --offline                      build remote references from the cache only (KTS_CACHE_DIR), never the network
  --update-lock                  resolve remote references afresh and write ${LOCK_FILE} beside the kustomization
Refused (kts does not run plugins): --enable-alpha-plugins, --enable-exec, --network, --network-name,
  --mount, -e/--env, --as-current-user.
`;

const RESTRICTORS = ['LoadRestrictionsRootOnly', 'LoadRestrictionsNone'] as const;
const REORDERS = ['legacy', 'none'] as const;

/** kustomize's flags for exec and container (KRM function) plugins: kts runs no plugins. */
const PLUGIN_FLAGS = {
  'enable-alpha-plugins': { type: 'boolean' },
  'enable-exec': { type: 'boolean' },
  network: { type: 'boolean' },
  'network-name': { type: 'string' },
  mount: { type: 'string', multiple: true },
  env: { type: 'string', short: 'e', multiple: true },
  'as-current-user': { type: 'boolean' },
} as const;

const FLAGS = {
  output: { type: 'string', short: 'o' },
  'load-restrictor': { type: 'string' },
  reorder: { type: 'string' },
  'enable-managedby-label': { type: 'boolean' },
  'enable-helm': { type: 'boolean' },
  'helm-command': { type: 'string' },
  'helm-api-versions': { type: 'string', multiple: true },
  'helm-kube-version': { type: 'string' },
  'helm-debug': { type: 'boolean' },
  'stack-trace': { type: 'boolean' },
  offline: { type: 'boolean' },
  'update-lock': { type: 'boolean' },
  ...PLUGIN_FLAGS,
} as const;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function oneOf<T extends string>(flag: string, value: string | undefined, legal: readonly T[]): T | undefined {
  if (value !== undefined && !(legal as readonly string[]).includes(value)) throw new UsageError(`illegal flag value --${flag} ${value}; legal values: ${legal.join(', ')}`);
  return value as T | undefined;
}

interface BuildArgs {
  dir: string;
  output?: string;
  stackTrace: boolean;
  options: BuildOptions;
  offline: boolean;
  updateLock: boolean;
}

function parse(argv: string[]): BuildArgs | undefined {
  const parsed = parseFlags(argv, FLAGS, HELP);
  if (!parsed) return undefined;
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`build takes one directory, got ${positionals.length}: ${positionals.join(' ')}`);
  for (const flag of Object.keys(PLUGIN_FLAGS)) {
    if (values[flag as keyof typeof PLUGIN_FLAGS] !== undefined) throw new UsageError(`--${flag} refused: kts does not run kustomize plugins (exec, container or Go)`);
  }
  if (values.offline && values['update-lock']) throw new UsageError('--update-lock resolves references on the network; it cannot be combined with --offline');
  return {
    dir: positionals[0] ?? '.',
    output: values.output,
    stackTrace: values['stack-trace'] ?? false,
    offline: values.offline ?? false,
    updateLock: values['update-lock'] ?? false,
    options: {
      loadRestrictor: oneOf('load-restrictor', values['load-restrictor'], RESTRICTORS),
      reorder: oneOf('reorder', values.reorder, REORDERS),
      enableManagedByLabel: values['enable-managedby-label'] ?? false,
      helm: values['enable-helm']
        ? { command: values['helm-command'] || 'helm', apiVersions: values['helm-api-versions'], kubeVersion: values['helm-kube-version'], debug: values['helm-debug'] }
        : undefined,
    },
  };
}

/** Writes to `-o PATH`; a path that cannot be written (missing parent, no permission) is a user error. */
function writeOutput(path: string, resources: Resource[]): void {
  try {
    if (isDirectory(path)) writeDirectory(path, resources);
    else {
      const fd = openSync(path, 'w');
      try {
        serializeTo(resources, (bytes) => {
          for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
        });
      } finally {
        closeSync(fd);
      }
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (!err.code) throw e;
    throw new KtsError('output', `cannot write the build output: ${err.message}`, { file: path, field: '--output' });
  }
}

export const command: Command = {
  summary: 'Build a kustomization directory (kustomize build compatible)',
  async run(argv: string[]): Promise<number> {
    const args = parse(argv);
    if (!args) return 0;
    let resources: Resource[];
    try {
      // isomorphic-git itself loads only when a repository has to be fetched.
      const { buildRemote } = await import('../remote/source.js');
      resources = await buildRemote(args.dir, args, (remote) => build(args.dir, { ...args.options, remote }));
    } catch (e) {
      if (args.stackTrace && e instanceof Error) process.stderr.write(`${e.stack}\n`);
      throw e;
    }
    if (args.output === undefined) serializeTo(resources, writeStdoutBytes);
    else writeOutput(args.output, resources);
    return 0;
  },
};
