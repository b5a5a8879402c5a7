import { relative } from 'node:path';
import { howToSet, type ContextField, type BuildContext } from './context.js';
import { providers } from './providers.js';
import type { Resolved } from './render.js';

// The resolved context as rows of (what, value, where from), for `kts context` and its JSON.

export interface ContextRow {
  key: string;
  value: string;
  source: string;
}

/** One line naming the placeholder fields and how to provide them (flags and CI variables), or undefined when there are none. */
export function placeholderWarning(ctx: BuildContext): string | undefined {
  if (ctx.placeholders.length === 0) return undefined;
  const provider = providers.find((p) => p.id === ctx.provider);
  return `no CI context for ${ctx.placeholders.join(', ')}: using placeholders (set ${ctx.placeholders.map((f) => howToSet(f, provider)).join('; ')})`;
}

export function describeResolved({ config, context: ctx, plan }: Resolved): ContextRow[] {
  const cfg = config.configFile ? relative(process.cwd(), config.configFile) || 'kts.yaml' : undefined;
  const src = (f: ContextField) =>
    ctx.sources[f] !== 'placeholder' ? (ctx.sources[f] ?? '') : ctx.placeholders.includes(f) ? 'PLACEHOLDER (nothing provided it)' : 'placeholder (not used by this environment)';
  const rows: ContextRow[] = [
    { key: 'environment', value: config.name, source: cfg ? `${cfg} (overlay ${relative(process.cwd(), config.overlay) || '.'})` : `directory ${config.overlay}` },
    { key: 'provider', value: ctx.providerTitle ?? 'none', source: ctx.provider ? 'detected from CI variables' : 'no CI variables found' },
    { key: 'branch', value: ctx.branch, source: src('branch') },
    { key: 'slug', value: ctx.slug, source: ctx.slug === ctx.branch ? 'branch name (already a DNS label)' : 'derived from branch (DNS-1123 label with hash)' },
    { key: 'commit', value: ctx.commit, source: src('commit') },
    { key: 'build', value: ctx.build, source: src('build') },
    { key: 'major', value: ctx.major, source: src('major') },
    { key: 'domain', value: ctx.domain, source: src('domain') },
  ];
  if (plan.namespace) {
    rows.push({ key: 'namespace', value: plan.namespace, source: config.namespace ? `${cfg} environments.${config.name}.namespace` : `${cfg} environments.${config.name}.namespacePrefix + slug` });
  }
  if (plan.host) rows.push({ key: 'host', value: plan.host, source: `${cfg} environments.${config.name}.host` });
  for (const img of plan.images) {
    const ref = `${img.newName ?? img.name}${img.newTag ? `:${img.newTag}` : ''}${img.digest ? `@${img.digest}` : ''}`;
    rows.push({ key: `image ${img.name}`, value: ref, source: img.source });
  }
  return rows;
}
