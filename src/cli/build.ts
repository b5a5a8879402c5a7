import { statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { KtsError, UsageError } from '../errors.js';
import { build, type BuildOptions } from '../kustomize/build.js';
import { serialize, writeDirectory } from '../kustomize/output.js';
import type { Resource } from '../kustomize/resource.js';

const HELP = `usage: kts build [DIR] [flags]

Builds the kustomization in DIR (default: the current directory) exactly as \`kustomize build\` does.

flags:
  -o, --output PATH              write to PATH instead of stdout; an existing directory gets one file per resource
  --load-restrictor VALUE        LoadRestrictionsRootOnly (default) or LoadRestrictionsNone
  --reorder VALUE                legacy (default) or none; a kustomization's sortOptions wins
  --enable-managedby-label       add app.kubernetes.io/managed-by to every resource
`;

const RESTRICTORS = ['LoadRestrictionsRootOnly', 'LoadRestrictionsNone'] as const;
const REORDERS = ['legacy', 'none'] as const;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function parse(argv: string[]): { dir: string; output?: string; options: BuildOptions } | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o' },
        'load-restrictor': { type: 'string' },
        reorder: { type: 'string' },
        'enable-managedby-label': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  if (positionals.length > 1) throw new UsageError(`build takes one directory, got ${positionals.length}: ${positionals.join(' ')}`);
  const restrictor = values['load-restrictor'];
  if (restrictor !== undefined && !(RESTRICTORS as readonly string[]).includes(restrictor)) {
    throw new UsageError(`--load-restrictor must be one of ${RESTRICTORS.join(', ')}, got '${restrictor}'`);
  }
  const reorder = values.reorder;
  if (reorder !== undefined && !(REORDERS as readonly string[]).includes(reorder)) {
    throw new UsageError(`--reorder must be one of ${REORDERS.join(', ')}, got '${reorder}'`);
  }
  return {
    dir: positionals[0] ?? '.',
    output: values.output,
    options: {
      loadRestrictor: restrictor as BuildOptions['loadRestrictor'],
      reorder: reorder as BuildOptions['reorder'],
      enableManagedByLabel: values['enable-managedby-label'] ?? false,
    },
  };
}

/** Writes to `-o PATH`; a path that cannot be written (missing parent, no permission) is a user error. */
function writeOutput(path: string, resources: Resource[]): void {
  try {
    if (isDirectory(path)) writeDirectory(path, resources);
    else writeFileSync(path, serialize(resources));
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
    if (!args) {
      process.stdout.write(HELP);
      return 0;
    }
    const resources = build(args.dir, args.options);
    // `kts build | head` closes the pipe early: that is not a failure.
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
    if (args.output === undefined) process.stdout.write(serialize(resources));
    else writeOutput(args.output, resources);
    return 0;
  },
};
