import { dirname } from 'node:path';
import { KtsError } from '../errors.js';
import type { Resource } from '../kustomize/resource.js';
import { resolveEnvironment, type EnvironmentConfig } from './config.js';
import { resolveContext, type BuildContext, type ContextFlags, type GitReader } from './context.js';
import { addOwnership } from './ownership.js';
import { setIngressHosts } from './ingress.js';
import { checkImagesUsed } from './used-images.js';
import { planRender, type RenderPlan } from './plan.js';

// `kts render ENV`: resolve the environment and the build context, plan the injections, build the
// overlay with them, then apply what kustomize cannot express. publish/diff/apply call this too.

/** Builds an in-memory kustomization as if it were the kustomization file in `dir`. */
export type Builder = (kustomization: object, dir: string) => Resource[] | Promise<Resource[]>;

export interface RenderOptions {
  /** Environment name from kts.yaml, overlay name under overlays/, or a kustomization directory. */
  env: string;
  flags?: ContextFlags;
  /** kts.yaml to use instead of searching upwards from `cwd`. */
  configFile?: string;
  cwd?: string;
  /** Variables to read the CI context from (default: process.env). */
  environ?: Record<string, string | undefined>;
  git?: GitReader;
  /** Build engine (default: buildKustomization from the library). */
  builder?: Builder;
}

export interface Resolved {
  envName: string;
  config: EnvironmentConfig;
  context: BuildContext;
  plan: RenderPlan;
}

export interface Rendered extends Resolved {
  namespace?: string;
  host?: string;
  resources: Resource[];
}

/** Everything but the build: what `kts context` shows. */
export function resolveRender(opts: RenderOptions): Resolved {
  const cwd = opts.cwd ?? process.cwd();
  const config = resolveEnvironment(opts.env, { cwd, configFile: opts.configFile });
  // The git fallback reads the checkout the environment lives in, wherever kts runs from.
  const checkout = config.configFile ? dirname(config.configFile) : config.overlay;
  const context = resolveContext({ flags: opts.flags ?? {}, environ: opts.environ ?? process.env, env: config, cwd: checkout, git: opts.git });
  const plan = planRender(config, context);
  // Domain and major only matter when a template uses them (production has a fixed host).
  const placeholders = context.placeholders.filter((f) => (f !== 'domain' && f !== 'major') || plan.templateVars.includes(f));
  return { envName: config.name, config, context: { ...context, placeholders }, plan };
}

// The engine is loaded lazily so that `kts context` never pays for it; remote references are
// fetched (or pinned by a lock file) as for `kts build`.
const engineBuilder: Builder = async (kustomization, dir) => {
  const [{ buildKustomization }, { buildRemote }] = await Promise.all([import('../index.js'), import('../remote/source.js')]);
  return buildRemote(dir, {}, (remote) => buildKustomization(kustomization, dir, { remote }));
};

/** Resources after the build, with what kustomize cannot express applied. */
export function finishRender(plan: RenderPlan, built: Resource[]): Resource[] {
  const kinds = new Set(built.map((r) => r.obj.kind));
  for (const kind of plan.requiredKinds) {
    if (!kinds.has(kind)) {
      throw new KtsError('render', `environment '${plan.envName}' configures a ${kind} but its overlay contains none to set`);
    }
  }
  checkImagesUsed(plan.images, built, plan.envName);
  const hosts = plan.hostMap ?? plan.host;
  const hosted = hosts !== undefined && plan.hostWhere ? setIngressHosts(built, hosts, plan.hostWhere) : built;
  return addOwnership(hosted, plan.labels, plan.annotations);
}

/** Builds an already resolved environment. */
export async function buildResolved(resolved: Resolved, builder: Builder = engineBuilder): Promise<Rendered> {
  const built = await builder(resolved.plan.kustomization, resolved.plan.dir);
  return { ...resolved, namespace: resolved.plan.namespace, host: resolved.plan.host, resources: finishRender(resolved.plan, built) };
}

export function renderEnvironment(opts: RenderOptions): Promise<Rendered> {
  return buildResolved(resolveRender(opts), opts.builder);
}

/**
 * The environment's teardown (kts.yaml `teardown`) rendered for a build context like the
 * environment itself (same namespace, config values and images), or undefined when it has none.
 */
export async function renderTeardown(opts: RenderOptions): Promise<Rendered | undefined> {
  const resolved = resolveRender(opts);
  const { teardown } = resolved.config;
  if (!teardown) return undefined;
  // Images are applied where the teardown uses them (it rarely runs the app's own).
  const config: EnvironmentConfig = { ...resolved.config, overlay: teardown, components: [], quota: undefined, limits: undefined, teardown: undefined, adhoc: true };
  return buildResolved({ ...resolved, config, plan: planRender(config, resolved.context) }, opts.builder);
}
