import { existsSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { Command } from './command.js';
import { parseFlags } from './args.js';
import { isKtsError, KtsError, UsageError } from '../errors.js';
import { CONFIG_FILE } from '../env/config.js';
import { proposeConfig } from '../env/init.js';
import { buildResolved, resolveRender } from '../env/render.js';
import { schemaProblems, type Problem } from '../env/schema.js';

const help = `usage: kts init [DIR] [flags]

Writes DIR/kts.yaml (DIR: the repository root, default .) for the overlays DIR already has, asking
nothing: each folder with a kustomization under an overlays/ folder becomes an environment; ci-,
preview- and production-like names (ci/test, branch/preview/review/dev, production/prod) get that
role: a namespace prefix and {slug}.{domain} hosts for previews, the overlay's namespace and hosts
for production. The images the renders contain without a tag are listed as the images CI tags.
Then every environment is rendered from the new file; problems are listed and exit 1.

  --domain DOMAIN      domain of preview hosts
  --registry REGISTRY  registry the CI pushes to: images get newName REGISTRY/NAME
  --major N            the {major} of image tags (default 1)
  --force              replace an existing kts.yaml
  --print              print the proposal instead of writing it
`;

const HEADER = `# Written by kts init: review it, then see README "Environments" for configMap, quota and limits.
# Template placeholders: {env} {branch} {slug} {slugSnake} {commit} {shortSha} {build} {major} {domain}
# {host} {namespace} {tag}.
`;

/** Renders every environment of the written file as a CI job would (fixed context), collecting problems. */
async function check(file: string, config: Record<string, unknown>): Promise<Problem[]> {
  const display = relative(process.cwd(), file) || CONFIG_FILE;
  const problems = schemaProblems('kts', config, display);
  if (problems.length) return problems;
  const flags = { branch: 'main', commit: '0000000', build: '1', strict: false };
  for (const env of Object.keys(config.environments as object)) {
    try {
      await buildResolved(resolveRender({ env, flags, configFile: file }));
    } catch (e) {
      if (!isKtsError(e)) throw e;
      problems.push({ file: e.file ?? display, field: e.field ?? `environments.${env}`, message: e.message });
    }
  }
  return problems;
}

export const command: Command = {
  summary: 'Write a kts.yaml for a repository that has overlays',
  async run(argv: string[]): Promise<number> {
    const parsed = parseFlags(
      argv,
      { domain: { type: 'string' }, registry: { type: 'string' }, major: { type: 'string' }, force: { type: 'boolean' }, print: { type: 'boolean' } },
      help,
    );
    if (!parsed) return 0;
    const { values, positionals } = parsed;
    if (positionals.length > 1) throw new UsageError(`expected at most one DIR\n${help}`);
    const root = resolve(positionals[0] ?? '.');
    const { config, notes } = proposeConfig({ root, domain: values.domain, registry: values.registry, major: values.major });
    const text = HEADER + stringify(config, { lineWidth: 0 });
    if (values.print) {
      process.stdout.write(text);
      return 0;
    }
    const file = join(root, CONFIG_FILE);
    if (existsSync(file) && !values.force) throw new KtsError('init', `${CONFIG_FILE} exists (--force replaces it, --print shows the proposal)`, { file: relative(process.cwd(), file) || CONFIG_FILE });
    writeFileSync(file, text);
    const envs = Object.keys(config.environments as object);
    const images = (config.images as { name: string }[]).map((i) => i.name);
    process.stdout.write(`wrote ${relative(process.cwd(), file) || CONFIG_FILE}: environments ${envs.join(', ')}; images ${images.join(', ') || '(none)'}\n`);
    for (const note of notes) process.stderr.write(`kts: note: ${note}\n`);
    const problems = await check(file, config);
    if (problems.length) {
      process.stderr.write(`${problems.map((p) => [p.file, p.field, p.message].filter(Boolean).join(': ')).join('\n')}\n${problems.length} problem${problems.length === 1 ? '' : 's'} in the written file\n`);
      return 1;
    }
    process.stdout.write(`ok: every environment renders\n`);
    return 0;
  },
};
