import type { Command } from './command.js';
import { parseFlags } from './args.js';
import { KtsError, UsageError } from '../errors.js';
import { contextFlagOptions, contextFlagsFrom, contextFlagsHelp } from '../env/flags.js';
import { resolveRender } from '../env/render.js';
import { describeResolved, placeholderWarning } from '../env/describe.js';

const help = `usage: kts context ENV [flags]

Prints the build context kts render would use for environment ENV (branch, slug, commit, build,
domain, namespace, host, image tags) and where each value came from: a flag, a CI variable, the
local git checkout, kts.yaml, or a placeholder.

  --json               print as JSON
  --field KEY          print only the value of KEY (e.g. namespace, host, tag of 'image shop/web'),
                       for shell scripts: docker build -t "$(kts context ci --field 'image shop/web')"
${contextFlagsHelp}`;

export const command: Command = {
  summary: 'Show the resolved build context and where each value came from',
  async run(argv: string[]): Promise<number> {
    const parsed = parseFlags(argv, { ...contextFlagOptions, json: { type: 'boolean' }, field: { type: 'string' } }, help);
    if (!parsed) return 0;
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError(`expected exactly one ENV\n${help}`);
    const { flags, configFile } = contextFlagsFrom(values);
    const resolved = resolveRender({ env: positionals[0]!, flags, configFile });
    const rows = describeResolved(resolved);
    if (values.field !== undefined) {
      const row = rows.find((r) => r.key === values.field);
      if (!row) throw new KtsError('context', `no field '${values.field}' (fields: ${rows.map((r) => r.key).join(', ')})`);
      process.stdout.write(`${row.value}\n`);
    } else if (values.json) {
      process.stdout.write(`${JSON.stringify(Object.fromEntries(rows.map((r) => [r.key, { value: r.value, source: r.source }])), null, 2)}\n`);
    } else {
      const w = Math.max(...rows.map((r) => r.key.length));
      const v = Math.max(...rows.map((r) => r.value.length));
      process.stdout.write(rows.map((r) => `${r.key.padEnd(w)}  ${r.value.padEnd(v)}  ${r.source}`.trimEnd()).join('\n') + '\n');
    }
    const warning = placeholderWarning(resolved.context);
    if (warning) process.stderr.write(`kts: warning: ${warning}\n`);
    return 0;
  },
};
