import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP = { help: { type: 'boolean', short: 'h' } } as const;
type Config<T extends Options> = { args: string[]; allowPositionals: boolean; options: T & typeof HELP };
type Parsed<T extends Options> = ReturnType<typeof parseArgs<Config<T>>>;

/**
 * Parses a command's flags (plus -h/--help). A bad flag is a usage error that shows the help;
 * after printing the help for --help it returns undefined, and the command exits 0.
 */
export function parseFlags<T extends Options>(argv: string[], options: T, help: string, allowPositionals = true): Parsed<T> | undefined {
  let parsed: Parsed<T>;
  try {
    parsed = parseArgs<Config<T>>({ args: argv, allowPositionals, options: { ...options, ...HELP } });
  } catch (e) {
    // node's messages go on to explain `--`; the first sentence is the point.
    throw new UsageError(`${(e as Error).message.split(/\. (?=[A-Z])/)[0]}\n${help}`);
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(help);
    return undefined;
  }
  return parsed;
}
