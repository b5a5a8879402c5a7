#!/usr/bin/env node
// The `kts` command: a table of subcommands, each loaded only when it runs so that
// `kts build` never pays for git or cluster code. Each module parses its own flags.
import type { Command } from './src/cli/command.js';
import { EXIT_FAILURE, EXIT_USAGE, isKtsError, UsageError } from './src/errors.js';


const commands: Record<string, () => Promise<{ command: Command }>> = {
  build: () => import('./src/cli/build.js'),
  render: () => import('./src/cli/render.js'),
  context: () => import('./src/cli/context.js'),
  validate: () => import('./src/cli/validate.js'),
  publish: () => import('./src/cli/publish.js'),
  promote: () => import('./src/cli/promote.js'),
  unpublish: () => import('./src/cli/unpublish.js'),
  apply: () => import('./src/cli/apply.js'),
  env: () => import('./src/cli/env.js'),
  diff: () => import('./src/cli/diff.js'),
};

function usage(): string {
  return `usage: kts <command> [flags]\n\ncommands: ${Object.keys(commands).join(', ')}\nRun 'kts <command> --help' for a command's flags.\nExit codes: 0 success, 1 failure (bad input, failed build/apply/publish, differences for diff), 2 usage error.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version') {
    const { version } = await import('./src/version.js');
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`kts: unknown command '${name}'\n${usage()}`);
    return EXIT_USAGE;
  }
  const { command } = await load();
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      // Commands attach their help to usage errors; the first line says what is wrong.
      const name = process.argv[2] && process.argv[2] in commands ? `kts ${process.argv[2]}` : 'kts';
      process.stderr.write(`kts: ${err.toLine().split('\n')[0]}\nRun '${name} --help' for usage.\n`);
      process.exitCode = err.exitCode;
    } else if (isKtsError(err)) {
      process.stderr.write(`kts: ${err.toLine()}\n`);
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(`kts: internal error (please report): ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = EXIT_FAILURE;
    }
  },
);
