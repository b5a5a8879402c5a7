import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { KtsError } from '../errors.js';
import { build } from '../kustomize/build.js';
import type { Json, JsonObject, Resource } from '../kustomize/resource.js';
import { hasKustomization } from './config.js';
import { containersOf, parseImageRef } from './images.js';

// `kts init`: a kts.yaml proposed from what a repository already has. Each overlay under an
// `overlays/` folder becomes an environment; overlays named like a CI, a preview or a production
// environment get that role (namespace prefix and host templates for previews, the fixed namespace
// and hosts for production); the images the renders contain without a tag are the ones CI tags.
// Pure proposal: the command writes and validates it.

type Role = 'ci' | 'branch' | 'production';

/** Overlay names that say which environment an overlay is for. */
const ROLES: Record<Role, string[]> = {
  ci: ['ci', 'test', 'testing', 'integration', 'int', 'e2e'],
  branch: ['branch', 'preview', 'previews', 'review', 'feature', 'dev', 'development'],
  production: ['production', 'prod', 'prd', 'live'],
};

export interface InitOptions {
  /** The repository root: kts.yaml is written there and paths are relative to it. */
  root: string;
  domain?: string;
  registry?: string;
  major?: string;
}

export interface Proposal {
  config: JsonObject;
  /** What could not be inferred, one line each, for the user to review. */
  notes: string[];
}

const SKIP = new Set(['node_modules', '.git', 'dist']);

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `overlays/` folders at most two levels below the root, nearest first. */
function overlayFolders(root: string): string[] {
  const found: string[] = [];
  let level = [root];
  for (let depth = 0; depth < 3 && found.length === 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      if (isDir(join(dir, 'overlays'))) found.push(join(dir, 'overlays'));
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory() && !SKIP.has(entry.name) && !entry.name.startsWith('.')) next.push(join(dir, entry.name));
      }
    }
    level = next.sort();
  }
  return found;
}

/** Environments in the order a pipeline meets them. */
const ORDER = ['ci', 'branch', 'production', 'other'];

function roleOf(name: string): Role | undefined {
  const lower = name.toLowerCase();
  return (Object.keys(ROLES) as Role[]).find((role) => ROLES[role].includes(lower));
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The namespace most of the render's namespaced objects are in (the overlay's `namespace:`). */
function mainNamespace(resources: Resource[]): string | undefined {
  const counts = new Map<string, number>();
  for (const r of resources) {
    const ns = isObject(r.obj.metadata) ? r.obj.metadata.namespace : undefined;
    if (typeof ns === 'string' && ns) counts.set(ns, (counts.get(ns) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/** Every host of the render's Ingress rules and TLS entries, in order of appearance. */
function ingressHosts(resources: Resource[]): string[] {
  const hosts = new Set<string>();
  for (const r of resources) {
    if (r.obj.kind !== 'Ingress' || !isObject(r.obj.spec)) continue;
    const { rules, tls } = r.obj.spec;
    for (const rule of Array.isArray(rules) ? rules : []) if (isObject(rule) && typeof rule.host === 'string') hosts.add(rule.host);
    for (const t of Array.isArray(tls) ? tls : []) if (isObject(t) && Array.isArray(t.hosts)) for (const h of t.hosts) if (typeof h === 'string') hosts.add(h);
  }
  return [...hosts];
}

/**
 * Preview host templates: the first host that is no other's subdomain becomes `{slug}.{domain}`,
 * its subdomains keep their prefix, other hosts become `<first label>-{slug}.{domain}`.
 */
function previewHosts(hosts: string[]): JsonObject {
  const base = hosts.find((h) => !hosts.some((o) => h.endsWith(`.${o}`))) ?? hosts[0]!;
  const out: JsonObject = {};
  for (const h of hosts) {
    if (h === base) out[h] = '{slug}.{domain}';
    else if (h.endsWith(`.${base}`)) out[h] = `${h.slice(0, -base.length - 1)}.{slug}.{domain}`;
    else out[h] = `${h.split('.')[0]}-{slug}.{domain}`;
  }
  return out;
}

/** Images as the manifests write them: untagged ones are CI's to tag, pinned ones are left alone; returns every repository. */
function images(resources: Resource[], untagged: Set<string>, pinned: Set<string>): Set<string> {
  const repositories = new Set<string>();
  for (const c of containersOf(resources.map((r) => r.obj))) {
    const image = c.image as string;
    let ref;
    try {
      ref = parseImageRef(image, 'image');
    } catch {
      continue;
    }
    repositories.add(ref.repository);
    if (ref.tag === undefined && ref.digest === undefined) untagged.add(ref.repository);
    else pinned.add(image);
  }
  return repositories;
}

/** The kts.yaml kts init proposes for the repository at `opts.root`. */
export function proposeConfig(opts: InitOptions): Proposal {
  const folders = overlayFolders(opts.root);
  const overlays = folders.flatMap((folder) =>
    readdirSync(folder, { withFileTypes: true })
      .filter((e) => e.isDirectory() && hasKustomization(join(folder, e.name)))
      .map((e) => ({ name: e.name, dir: join(folder, e.name), rank: ORDER.indexOf(roleOf(e.name) ?? 'other') }))
      .sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name)),
  );
  if (overlays.length === 0) throw new KtsError('init', `no overlays found: kts init looks for folders with a kustomization under an overlays/ folder`, { file: opts.root });
  const notes: string[] = [];
  const environments: JsonObject = {};
  const untagged = new Set<string>();
  const pinned = new Set<string>();
  const renders = overlays.map((overlay) => {
    const resources = build(overlay.dir);
    return { overlay, resources, repositories: images(resources, untagged, pinned) };
  });
  // An overlay running none of the images CI builds (shared backends, operators) is not an
  // environment of the app: kts.yaml's images would match nothing in it.
  const apps = untagged.size ? renders.filter((r) => [...r.repositories].some((repo) => untagged.has(repo))) : renders;
  for (const { overlay } of renders.filter((r) => !apps.includes(r))) {
    notes.push(`overlay '${relative(opts.root, overlay.dir).split(sep).join('/')}' runs no image CI builds: left out (kts render/apply it as a directory)`);
  }
  for (const { overlay, resources } of apps) {
    const role = roleOf(overlay.name);
    const name = role && !(role in environments) ? role : overlay.name.toLowerCase().replace(/[^a-z0-9-]/g, '-');
    const env: JsonObject = { overlay: relative(opts.root, overlay.dir).split(sep).join('/') };
    const namespace = mainNamespace(resources);
    const hosts = ingressHosts(resources);
    if (role === 'ci' || role === 'branch') {
      env.namespacePrefix = namespace ?? name;
      if (hosts.length) env.host = previewHosts(hosts);
    } else {
      if (namespace) env.namespace = namespace;
      else notes.push(`environments.${name}: the overlay sets no namespace; add namespace or namespacePrefix`);
      if (hosts.length) env.host = Object.fromEntries(hosts.map((h) => [h, h]));
      if (!role) notes.push(`environments.${name}: overlay '${overlay.name}' has no CI, preview or production name; proposed with its own namespace and hosts`);
    }
    environments[name] = env;
  }
  const config: JsonObject = { apiVersion: 'kts.dev/v1alpha1', kind: 'Environments' };
  config.major = opts.major ?? '1';
  if (!opts.major) notes.push('major: "1" proposed (--major sets it; it is the {major} of image tags)');
  if (opts.domain) config.domain = opts.domain;
  else if (Object.values(environments).some((e) => isObject(e) && 'namespacePrefix' in e && 'host' in e)) {
    notes.push('domain: none (--domain sets it; else DEVELOPMENT_SERVER_DOMAIN or --domain at render time)');
  }
  config.images = [...untagged].sort().map((name): JsonObject => (opts.registry ? { name, newName: `${opts.registry.replace(/\/+$/, '')}/${name}` } : { name }));
  if (untagged.size === 0) notes.push('images: no untagged image in the renders; list the images CI builds under images:');
  if (pinned.size) notes.push(`images left as pinned in the manifests: ${[...pinned].sort().join(', ')}`);
  config.environments = environments;
  return { config, notes };
}
