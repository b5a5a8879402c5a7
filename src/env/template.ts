import { KtsError } from '../errors.js';

// `{name}` placeholders over the build context, as used by kts.yaml (tagTemplate, host, configMap).

export const TEMPLATE_VARS = ['env', 'branch', 'slug', 'slugSnake', 'commit', 'shortSha', 'build', 'major', 'domain', 'host', 'namespace', 'tag'] as const;
export type TemplateVar = (typeof TEMPLATE_VARS)[number];
export type TemplateValues = Partial<Record<TemplateVar, string>>;

/** Expands `{name}` placeholders; names used are added to `used` when given. */
export function expand(template: string, values: TemplateValues, where: { file?: string; field: string }, used?: Set<string>): string {
  return template.replace(/\{([^{}]*)\}/g, (_, name: string) => {
    used?.add(name);
    // Own properties only: `{constructor}` names no value, not Object.prototype's.
    const v = Object.hasOwn(values, name) ? (values as Record<string, string | undefined>)[name] : undefined;
    if (v === undefined) {
      const why = (TEMPLATE_VARS as readonly string[]).includes(name) ? 'is not available here' : `is unknown (known: ${TEMPLATE_VARS.join(', ')})`;
      throw new KtsError('template', `placeholder {${name}} ${why}`, where);
    }
    return v;
  });
}
