import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Command } from './command.js';
import { parseFlags } from './args.js';
import { isKtsError, UsageError } from '../errors.js';
import type { Resource } from '../kustomize/resource.js';
import { contextFlagOptions, contextFlagsFrom, contextFlagsHelp } from '../env/flags.js';
import { buildResolved, resolveRender } from '../env/render.js';
import { schemaProblems, type Problem } from '../env/schema.js';
import { locateConfig, readConfigDocument } from '../env/config.js';
import { checkKustomizations, checkObjects } from '../env/validate.js';

const help = `usage: kts validate ENV|DIR [flags]

Checks the kustomization files (against schemas/kustomization.schema.json, following resources,
components and bases) and the built objects (apiVersion, kind and metadata.name present, names,
namespaces, label and annotation keys/values valid for Kubernetes, no duplicate ids). A directory
is built as it is; an environment (see kts render) is rendered with its build context, after
kts.yaml itself is checked. Lists every problem; exits 1 when there is any.

  --json               print {"ok", "files", "objects", "problems": [{"file", "field", "message"}]} on stdout
${contextFlagsHelp}`;

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function line(p: Problem): string {
  return [p.file, p.field, p.message].filter(Boolean).join(': ');
}

export const command: Command = {
  summary: 'Validate kustomization files, kts.yaml and the rendered objects',
  async run(argv: string[]): Promise<number> {
    const parsed = parseFlags(argv, { ...contextFlagOptions, json: { type: 'boolean' } }, help);
    if (!parsed) return 0;
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError(`expected exactly one ENV or DIR\n${help}`);
    const target = positionals[0]!;
    const cwd = process.cwd();
    const problems: Problem[] = [];
    let files = 0;
    let resources: Resource[] | undefined;
    // A user error while loading or building is one more problem, listed with the others.
    const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await fn();
      } catch (e) {
        if (!isKtsError(e)) throw e;
        problems.push({ file: e.file ?? what, field: e.field ?? '', message: e.message });
        return undefined;
      }
    };
    if (isDirectory(resolve(cwd, target))) {
      const dir = resolve(cwd, target);
      const checked = checkKustomizations(dir, cwd);
      problems.push(...checked.problems);
      files = checked.files;
      if (checked.problems.length === 0) {
        resources = await attempt(target, async () => {
          const { build } = await import('../index.js');
          return build(dir);
        });
      }
    } else {
      const { flags, configFile } = contextFlagsFrom(values);
      // All of kts.yaml's schema problems, not only the first one render would stop at.
      const config = locateConfig(target, { cwd, configFile });
      if (config) {
        const display = relative(cwd, config) || 'kts.yaml';
        const doc = await attempt(display, async () => readConfigDocument(config, display));
        if (doc !== undefined) problems.push(...schemaProblems('kts', doc, display));
      }
      const rendered = problems.length ? undefined : await attempt(target, async () => {
        const resolved = resolveRender({ env: target, flags, configFile });
        const seen = new Set<string>();
        for (const dir of [resolved.config.overlay, ...resolved.config.components]) {
          const checked = checkKustomizations(dir, cwd, seen);
          problems.push(...checked.problems);
          files += checked.files;
        }
        return problems.length === 0 ? buildResolved(resolved) : undefined;
      });
      resources = rendered?.resources;
    }
    if (resources) problems.push(...checkObjects(resources, `${target} (rendered)`));
    if (values.json) {
      const report = { ok: problems.length === 0, files, objects: resources?.length ?? 0, problems: problems.map((p) => ({ file: p.file, field: p.field, message: p.message })) };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return problems.length ? 1 : 0;
    }
    if (problems.length) {
      process.stderr.write(`${problems.map(line).join('\n')}\n${problems.length} problem${problems.length === 1 ? '' : 's'} found\n`);
      return 1;
    }
    process.stdout.write(`ok: ${files} kustomization file${files === 1 ? '' : 's'}, ${resources?.length ?? 0} objects\n`);
    return 0;
  },
};
