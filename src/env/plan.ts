import { basename, dirname, relative } from 'node:path';
import { KtsError } from '../errors.js';
import type { BuildContext } from './context.js';
import type { EnvironmentConfig } from './config.js';
import { checkRepository, checkTag, type KustomizeImage } from './images.js';
import { expand, type TemplateValues } from './template.js';

// A render as data: the kustomization layered over the overlay (so the engine's kustomize
// semantics do namespace, images, config and quota) and what kustomize cannot express
// (every Ingress host, ownership metadata on every object), applied afterwards.

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_APP = 'kts.dev/app';
export const LABEL_ENVIRONMENT = 'kts.dev/environment';
export const LABEL_BRANCH = 'kts.dev/branch';
export const ANNOTATION_COMMIT = 'kts.dev/commit';
export const ANNOTATION_BUILD = 'kts.dev/build';
export const ANNOTATION_BRANCH_NAME = 'kts.dev/branch-name';

export interface ImagePlan extends KustomizeImage {
  /** How the tag was chosen, for `kts context`. */
  source: string;
  /** Where the image was asked for (`kts.yaml images[0]`, `--image …`), for the error when it matches no container. */
  origin: string;
  /** A project image applied to a bare directory: fine when it matches nothing. */
  optional?: true;
}

export interface RenderPlan {
  envName: string;
  namespace?: string;
  /** The environment's host: the one template's value, or the first of a per-host map (the `{host}` placeholder). */
  host?: string;
  /** With a per-host map: each overlay host → the host it becomes. */
  hostMap?: Map<string, string>;
  /** kts.yaml and field of the host setting, for errors about Ingress rules. */
  hostWhere?: { file?: string; field: string };
  images: ImagePlan[];
  /** The in-memory kustomization, relative to `dir`. */
  kustomization: Record<string, unknown>;
  dir: string;
  /** Ownership on every object: they do not change from one build to the next. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** What this build is, recorded once per environment (its namespace or ApplySet parent), never per object. */
  record: Record<string, string>;
  /** Kinds the overlay must contain for the injections to land (quota needs a ResourceQuota). */
  requiredKinds: string[];
  /** Template placeholders the environment's templates use. */
  templateVars: string[];
}

function where(env: EnvironmentConfig, field: string) {
  return { file: env.configFile, field: `environments.${env.name}.${field}` };
}

function namespaceOf(env: EnvironmentConfig, ctx: BuildContext): string | undefined {
  if (env.namespace) return env.namespace;
  if (env.namespacePrefix) return `${env.namespacePrefix}-${ctx.slug}`;
  return undefined;
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;

function imagePlans(env: EnvironmentConfig, ctx: BuildContext, values: TemplateValues, used: Set<string>): ImagePlan[] {
  const out = new Map<string, ImagePlan>();
  env.images.forEach((img, i) => {
    const template = img.tagTemplate ?? env.tagTemplate;
    const newTag = ctx.tag ?? checkTag(expand(template, values, where(env, `images[${i}].tagTemplate`), used), `tag template ${template}`);
    const source = ctx.tag !== undefined ? 'flag --tag' : `template ${template}`;
    const origin = `${env.configFile ? basename(env.configFile) : 'kts.yaml'} images`;
    if (img.newName) checkRepository(img.newName, `${origin} (${img.name}).newName`);
    out.set(img.name, { name: img.name, ...(img.newName ? { newName: img.newName } : {}), newTag, source, origin, ...(env.adhoc ? { optional: true as const } : {}) });
  });
  for (const flag of ctx.images) {
    const listed = out.get(flag.name);
    out.set(flag.name, { ...flag, newName: flag.newName ?? listed?.newName, source: 'flag --image', origin: `--image ${flag.name}` });
  }
  return [...out.values()].map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as unknown as ImagePlan);
}

export function planRender(env: EnvironmentConfig, ctx: BuildContext): RenderPlan {
  const namespace = namespaceOf(env, ctx);
  const base: TemplateValues = {
    env: env.name,
    branch: ctx.branch,
    slug: ctx.slug,
    slugSnake: ctx.slug.replace(/-/g, '_'),
    commit: ctx.commit,
    shortSha: ctx.shortSha,
    build: ctx.build,
    major: ctx.major,
    domain: ctx.domain,
    ...(namespace ? { namespace } : {}),
    ...(ctx.tag ? { tag: ctx.tag } : {}),
  };
  const used = new Set<string>();
  const hostOf = (template: string, field: string) => {
    const host = expand(template, base, where(env, field), used).toLowerCase();
    if (!HOSTNAME.test(host)) throw new KtsError('config', `host '${host}' is not a valid DNS name`, where(env, field));
    return host;
  };
  const hostMap =
    env.host !== undefined && typeof env.host !== 'string' ? new Map(Object.entries(env.host).map(([from, template]) => [from, hostOf(template, `host.${from}`)])) : undefined;
  const host = typeof env.host === 'string' ? hostOf(env.host, 'host') : hostMap?.values().next().value;
  const values: TemplateValues = { ...base, ...(host ? { host } : {}) };
  const images = imagePlans(env, ctx, values, used);
  const dir = dirname(env.overlay);
  const rel = (p: string) => relative(dir, p) || '.';

  const k: Record<string, unknown> = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [rel(env.overlay)] };
  if (env.components.length) k.components = env.components.map(rel);
  if (namespace) k.namespace = namespace;
  if (images.length) k.images = images.map(({ source: _source, origin: _origin, optional: _optional, ...img }) => img);
  if (env.configMap) {
    const cm = env.configMap;
    const literals = Object.keys(cm.data)
      .sort()
      .map((key) => `${key}=${expand(cm.data[key]!, values, where(env, `configMap.data.${key}`), used)}`);
    k.configMapGenerator = [{ name: cm.name, behavior: 'merge', literals }];
  }
  const patches: unknown[] = [];
  const requiredKinds: string[] = [];
  if (env.quota) {
    patches.push({ target: { kind: 'ResourceQuota' }, patch: JSON.stringify([{ op: 'replace', path: '/spec/hard', value: env.quota.hard }]) });
    requiredKinds.push('ResourceQuota');
  }
  if (env.limits) {
    patches.push({ target: { kind: 'LimitRange' }, patch: JSON.stringify([{ op: 'replace', path: '/spec/limits', value: [{ type: 'Container', ...env.limits }] }]) });
    requiredKinds.push('LimitRange');
  }
  if (patches.length) k.patches = patches;

  return {
    envName: env.name,
    namespace,
    host,
    ...(hostMap ? { hostMap } : {}),
    ...(env.host !== undefined ? { hostWhere: where(env, 'host') } : {}),
    images,
    kustomization: k,
    dir,
    labels: { [MANAGED_BY]: 'kts', ...(env.app ? { [LABEL_APP]: env.app } : {}), [LABEL_ENVIRONMENT]: env.name, [LABEL_BRANCH]: ctx.slug },
    annotations: { [ANNOTATION_BRANCH_NAME]: ctx.branch },
    record: { [ANNOTATION_COMMIT]: ctx.commit, [ANNOTATION_BUILD]: ctx.build, [ANNOTATION_BRANCH_NAME]: ctx.branch },
    requiredKinds,
    templateVars: [...used].sort(),
  };
}
