import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';
import { suggest } from './suggest.js';

// Every command parses its flags here, with the syntax scripts written for kustomize and kubectl
// use (Go's pflag): `-o=FILE` and `-oFILE`, `--flag=true|false` for booleans, `_` for `-` in flag
// names (kubectl's normalizer). An unknown flag is a usage error that suggests the nearest one.

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP = { help: { type: 'boolean', short: 'h' } } as const;
type Config<T extends Options> = { args: string[]; allowPositionals: boolean; options: T & typeof HELP };
type Parsed<T extends Options> = ReturnType<typeof parseArgs<Config<T>>>;

/** Go's strconv.ParseBool. */
const BOOLS: Record<string, boolean> = { 1: true, t: true, T: true, TRUE: true, true: true, True: true, 0: false, f: false, F: false, FALSE: false, false: false, False: false };

/**
 * Rewrites pflag syntax into what node's parseArgs reads, and checks every flag is known. Returns
 * the arguments and the booleans given as `--flag=false`, which parseArgs cannot express.
 */
export function normalizeFlags(argv: string[], options: Options): { args: string[]; falses: string[] } {
  const shorts = new Map<string, string>();
  for (const [name, o] of Object.entries(options)) if (o.short) shorts.set(o.short, name);
  const args: string[] = [];
  const falses: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      args.push(...argv.slice(i));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq).replaceAll('_', '-');
      const option = Object.hasOwn(options, name) ? options[name] : undefined;
      if (!option) throw new UsageError(`unknown flag --${name}${didYouMean(name, Object.keys(options), '--')}`);
      const value = eq < 0 ? undefined : arg.slice(eq + 1);
      if (option.type === 'boolean' && value !== undefined) {
        if (!Object.hasOwn(BOOLS, value)) throw new UsageError(`invalid value '${value}' for --${name}: expected true or false`);
        if (BOOLS[value]) args.push(`--${name}`);
        else falses.push(name);
        continue;
      }
      // a value is always attached, so parseArgs takes `--branch -x` as a value, as pflag does
      if (option.type === 'string' && value === undefined && i + 1 < argv.length) args.push(`--${name}=${argv[++i]!}`);
      else args.push(value === undefined ? `--${name}` : `--${name}=${value}`);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      const name = shorts.get(arg[1]!);
      if (!name) throw new UsageError(`unknown flag -${arg[1]}${didYouMean(arg[1]!, [...shorts.keys()], '-')}`);
      if (options[name]!.type === 'string') {
        // pflag reads -o=FILE as FILE
        const rest = arg.slice(2).replace(/^=/, '');
        if (rest) args.push(`--${name}=${rest}`);
        else if (i + 1 < argv.length) args.push(`--${name}=${argv[++i]!}`);
        else args.push(arg);
        continue;
      }
    }
    args.push(arg);
  }
  return { args, falses };
}

function didYouMean(name: string, candidates: string[], dash: string): string {
  const near = suggest(name, candidates);
  return near ? ` (did you mean ${dash}${near}?)` : '';
}

/** node's parseArgs over pflag syntax (see normalizeFlags); errors are thrown as they come. */
export function parseArgv<T extends Options>(argv: string[], options: T, allowPositionals = true): ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: boolean; options: T }>> {
  const { args, falses } = normalizeFlags(argv, options);
  const parsed = parseArgs({ args, allowPositionals, options });
  const values = parsed.values as Record<string, unknown>;
  for (const name of falses) if (!Object.hasOwn(values, name)) values[name] = false;
  return parsed;
}

/**
 * Parses a command's flags (plus -h/--help). A bad flag is a usage error that shows the help;
 * after printing the help for --help it returns undefined, and the command exits 0.
 */
export function parseFlags<T extends Options>(argv: string[], options: T, help: string, allowPositionals = true): Parsed<T> | undefined {
  let parsed: Parsed<T>;
  try {
    parsed = parseArgv(argv, { ...options, ...HELP }, allowPositionals) as Parsed<T>;
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
