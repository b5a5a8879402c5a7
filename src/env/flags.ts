import type { ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';
import type { ContextFlags } from './context.js';
import { renderEnvironment, type RenderOptions, type Rendered } from './render.js';

// The context flags every command that renders an environment accepts (render, context, validate,
// publish, diff, apply), so they all resolve the context the same way.

export const contextFlagOptions = {
  branch: { type: 'string' },
  commit: { type: 'string' },
  build: { type: 'string' },
  tag: { type: 'string' },
  image: { type: 'string', multiple: true },
  domain: { type: 'string' },
  config: { type: 'string' },
  strict: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const contextFlagsHelp = `Context flags (override the CI variables):
  --branch NAME        branch name (default: CI variables, then the local git checkout)
  --commit SHA         commit hash
  --build N            build number
  --tag TAG            image tag for every image the environment lists
  --image NAME=REF     image override, e.g. shop/web=registry/web:1.2@sha256:… (repeatable)
  --domain DOMAIN      domain for preview hosts (default: DEVELOPMENT_SERVER_DOMAIN, then kts.yaml)
  --config FILE        kts.yaml to use (default: nearest kts.yaml above the current directory)
  --strict             refuse placeholders for branch, commit and build (on when a CI system is
                       detected; --strict=false turns it off)
`;

function str(values: Record<string, unknown>, key: string): string | undefined {
  const v = values[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`--${key} takes a value`);
  return v;
}

/** Picks the context flags out of a parseArgs `values` object (other keys are ignored). */
export function contextFlagsFrom(values: Record<string, unknown>): { flags: ContextFlags; configFile?: string } {
  const image = values.image;
  const images = image === undefined ? undefined : Array.isArray(image) ? image.map(String) : [String(image)];
  const flags: ContextFlags = {};
  for (const key of ['branch', 'commit', 'build', 'tag', 'domain'] as const) {
    const v = str(values, key);
    if (v !== undefined) flags[key] = v;
  }
  if (images) flags.image = images;
  if (typeof values.strict === 'boolean') flags.strict = values.strict;
  return { flags, configFile: str(values, 'config') };
}

/** Renders environment `env` from parsed context flags, exactly as `kts render` does. */
export function renderFromFlags(env: string, values: Record<string, unknown>, opts: Omit<RenderOptions, 'env' | 'flags' | 'configFile'> = {}): Promise<Rendered> {
  const { flags, configFile } = contextFlagsFrom(values);
  return renderEnvironment({ ...opts, env, flags, configFile });
}
