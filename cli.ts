#!/usr/bin/env node
// The `kts` command: a table of subcommands, each loaded only when it runs so that
// `kts build` never pays for git or cluster code. Each module parses its own flags.
import type { Command } from './src/cli/command.js';
import { EXIT_FAILURE, EXIT_USAGE, isKtsError, UsageError } from './src/errors.js';
import { suggest } from './src/cli/suggest.js';
import { canRetryOnLargeStack, isStackOverflow, runOnLargeStack } from './src/cli/largestack.js';


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
  init: () => import('./src/cli/init.js'),
  cluster: () => import('./src/cli/cluster.js'),
};

/** `kts version` and `kts help` answer from here; every other command is a module of its own. */
const builtins: Record<string, string> = {
  version: 'Print the kts version (also: kts --version)',
  help: "Show the help of kts or of a command: kts help [COMMAND]",
};

/** The top-level help: each command with its one-line summary (read from the command modules). */
async function usage(): Promise<string> {
  const summaries = await Promise.all(Object.entries(commands).map(async ([name, load]) => [name, (await load()).command.summary] as const));
  const rows = [...summaries, ...Object.entries(builtins)];
  const width = Math.max(...rows.map(([name]) => name.length));
  const list = rows.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`).join('\n');
  return `usage: kts <command> [flags]\n\ncommands:\n${list}\n\nRun 'kts help <command>' or 'kts <command> --help' for a command's flags.\nExit codes: 0 success, 1 failure (bad input, failed build/apply/publish, differences for diff), 2 usage error.\n`;
}

async function printVersion(): Promise<number> {
  const { version } = await import('./src/version.js');
  process.stdout.write(`${version}\n`);
  return 0;
}

function unknownCommand(name: string): UsageError {
  const near = suggest(name, [...Object.keys(commands), ...Object.keys(builtins)]);
  return new UsageError(`unknown command '${name}'${near ? ` (did you mean '${near}'?)` : ''}`);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(await usage());
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version' || name === 'version') return printVersion();
  if (name === 'help') {
    const topic = rest[0];
    if (!topic) {
      process.stdout.write(await usage());
      return 0;
    }
    if (topic === 'version' || topic === 'help') {
      process.stdout.write(`kts ${topic}: ${builtins[topic]}\n`);
      return 0;
    }
    if (!Object.hasOwn(commands, topic)) throw unknownCommand(topic);
    return (await commands[topic]!()).command.run(['--help']);
  }
  if (!Object.hasOwn(commands, name)) throw unknownCommand(name);
  const { command } = await commands[name]!();
  return command.run(rest);
}

// `kts build | head`, `kts context | head`: a reader that closes the pipe early is not a failure.
// The handler goes on process.stdout when a command first uses it: creating that stream loads
// Node.js's stream and socket modules, which `kts build` (src/cli/stdout.ts) does without.
const stdout = Object.getOwnPropertyDescriptor(process, 'stdout')!;
let watched = false;
Object.defineProperty(process, 'stdout', {
  ...stdout,
  get(): NodeJS.WriteStream {
    const stream = stdout.get!.call(process) as NodeJS.WriteStream;
    if (!watched) {
      watched = true;
      stream.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit(0);
        throw e;
      });
    }
    return stream;
  },
});

main(process.argv.slice(2))
  .catch((err: unknown) => {
    if (isStackOverflow(err) && canRetryOnLargeStack()) return runOnLargeStack(process.argv[1]!, process.argv.slice(2));
    throw err;
  })
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof UsageError) {
        // Commands attach their help to usage errors; the first line says what is wrong.
        const name = process.argv[2] && Object.hasOwn(commands, process.argv[2]) ? `kts ${process.argv[2]}` : 'kts';
        process.stderr.write(`kts: ${err.toLine().split('\n')[0]}\nRun '${name} --help' for usage.\n`);
        process.exitCode = err.exitCode;
      } else if (isStackOverflow(err)) {
        process.stderr.write('kts: input nested too deeply\n');
        process.exitCode = EXIT_FAILURE;
      } else if (isKtsError(err)) {
        process.stderr.write(`kts: ${err.toLine()}\n`);
        process.exitCode = err.exitCode;
      } else {
        process.stderr.write(`kts: internal error (please report): ${err instanceof Error ? err.stack : String(err)}\n`);
        process.exitCode = EXIT_FAILURE;
      }
    },
  );
