import { writeFileSync } from 'node:fs';
import type { Command } from './command.js';
import { parseFlags } from './args.js';
import { KtsError, UsageError } from '../errors.js';
import { contextFlagOptions, contextFlagsHelp, renderFromFlags } from '../env/flags.js';
import { placeholderWarning } from '../env/describe.js';
import { writeStdout } from './stdout.js';


const help = `usage: kts render ENV [flags]

Builds environment ENV (an environment of kts.yaml, an overlay name under overlays/, or a
kustomization directory) and injects the build context: image tags, namespace, Ingress hosts,
config values and ownership labels/annotations. Prints the manifests (as kts build does).

  -o, --output FILE    write the manifests to FILE instead of stdout
${contextFlagsHelp}`;

export const command: Command = {
  summary: 'Render an environment (ci, branch, production, …) from the build context',
  async run(argv: string[]): Promise<number> {
    const parsed = parseFlags(argv, { ...contextFlagOptions, output: { type: 'string', short: 'o' } }, help);
    if (!parsed) return 0;
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError(`expected exactly one ENV\n${help}`);
    const rendered = await renderFromFlags(positionals[0]!, values);
    const warning = placeholderWarning(rendered.context);
    if (warning) process.stderr.write(`kts: warning: ${warning}\n`);
    const { serialize } = await import('../index.js');
    const text = serialize(rendered.resources);
    if (values.output) {
      try {
        writeFileSync(values.output, text);
      } catch (e) {
        throw new KtsError('io', `cannot write output: ${(e as Error).message}`, { file: values.output });
      }
    } else {
      writeStdout(text);
    }
    return 0;
  },
};
