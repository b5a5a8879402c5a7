// `kts promote`: certify a build by copying the image references (tags or digests) a validated
// environment published into another environment's folder, as one commit, so the target deploys
// exactly the images that passed. Only the images kts.yaml lists (the project's own) change;
// everything else in the target — a pinned third-party image too — stays byte for byte. A target
// that was never published is rendered with the promoted images and published in that commit.
import type { Json, JsonObject, Resource } from '../kustomize/resource.js';
import { newResource } from '../kustomize/resource.js';
import { parseYamlDocuments } from '../kustomize/yaml/parse.js';
import { KtsError } from '../errors.js';
import { containersOf, parseImageRef } from '../env/images.js';
import { serialize } from '../index.js';
import { formatMetadata, METADATA_FILE, parseMetadata, type PublishMetadata } from './metadata.js';
import type { FileSource } from './plan.js';
import { manifestFiles } from './publish.js';
import { transact, type GitOptions, type HeadView } from './transaction.js';
import { controllerEdit, type ControllerSettings } from './controllers.js';

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function repositoryOf(image: string, file: string): string {
  return parseImageRef(image, file).repository;
}

export interface ImagePromotion {
  repository: string;
  /** The reference the source folder runs. */
  image: string;
  /** Target files where it replaced another reference, with what it replaced. */
  replaced: { file: string; was: string }[];
}

export interface PromotionPlan {
  images: ImagePromotion[];
  /** Target files whose content changes (name → new content). */
  files: Map<string, string>;
}

/**
 * The images of `source` (file → text) whose repository is one of `repositories` (the images
 * kts.yaml lists), as the source runs them. Errors when the source runs none of them or two
 * references of one.
 */
export function sourceImages(source: Map<string, string>, repositories: ReadonlySet<string>, from: string): Map<string, string> {
  const images = new Map<string, { image: string; file: string }>();
  for (const [name, text] of source) {
    if (name === METADATA_FILE) continue;
    const file = `${from}/${name}`;
    for (const doc of parseYamlDocuments(text, file)) {
      for (const c of containersOf(doc)) {
        const image = c.image as string;
        const repository = repositoryOf(image, file);
        if (!repositories.has(repository)) continue;
        const seen = images.get(repository);
        if (seen && seen.image !== image) {
          throw new KtsError('promote', `${from} runs two versions of ${repository}: ${seen.image} (${seen.file}) and ${image} (${file}); promote needs one`);
        }
        images.set(repository, { image, file });
      }
    }
  }
  if (images.size === 0) {
    throw new KtsError('promote', `${from} in the deploy repository runs none of the images kts.yaml lists (${[...repositories].join(', ') || 'none'}): nothing to promote (was it published?)`);
  }
  return new Map([...images].map(([repository, { image }]) => [repository, image]));
}

/** The target files (file → text) rewritten to run the source's `images` (repository → reference); nothing else changes. */
export function planPromotion(images: Map<string, string>, target: Map<string, string>, where: { from: string; to: string }): PromotionPlan {
  const promotions = new Map<string, ImagePromotion>([...images].map(([repository, image]) => [repository, { repository, image, replaced: [] }]));
  const files = new Map<string, string>();
  let shared = false;
  for (const [name, text] of target) {
    if (name === METADATA_FILE) continue;
    const file = `${where.to}/${name}`;
    const docs = parseYamlDocuments(text, file);
    let changed = false;
    for (const doc of docs) {
      for (const c of containersOf(doc)) {
        const was = c.image as string;
        const p = promotions.get(repositoryOf(was, file));
        if (!p) continue;
        shared = true;
        if (was === p.image) continue;
        c.image = p.image;
        p.replaced.push({ file: name, was });
        changed = true;
      }
    }
    if (changed) files.set(name, serialize(docs.filter(isObject).map(newResource)));
  }
  if (!shared) {
    throw new KtsError('promote', `no image of ${where.from} (${[...images.keys()].join(', ')}) appears in ${where.to}; nothing to promote`);
  }
  return { images: [...promotions.values()].filter((p) => p.replaced.length > 0), files };
}

export function promoteMessage(from: string, to: string, source: PublishMetadata | undefined, images: ImagePromotion[], firstRender = false): string {
  const origin = source?.source.commit ? ` (${source.source.commit.slice(0, 12)}${source.build ? `, build ${source.build}` : ''})` : '';
  const lines = images.map((p) => `${p.repository}: ${firstRender ? '' : `${[...new Set(p.replaced.map((r) => r.was))].join(', ')} -> `}${p.image}`);
  const what = `${firstRender ? 'first render, ' : ''}${images.length} image${images.length === 1 ? '' : 's'}`;
  return `promote ${from} -> ${to}: ${what}${origin}\n\n${lines.join('\n')}\n`;
}

export interface PromoteReport {
  status: 'promoted' | 'unchanged';
  from: string;
  to: string;
  repository: string;
  ref: string;
  commit: string | null;
  parent: string | null;
  images: ImagePromotion[];
  /** The target was never published: it was rendered with the promoted images. */
  firstRender?: boolean;
  /** The source folder's render, from its metadata. */
  source?: { commit?: string; build?: string };
  attempts: number;
}

export interface PromoteOptions {
  /** Repositories of the images kts.yaml lists for the target (after newName): only these are promoted. */
  repositories: ReadonlySet<string>;
  /** Certify exactly this build/commit: refuse when the source folder holds another one. */
  expect?: { build?: string; commit?: string };
  /**
   * Renders the target environment running `images` (repository → reference) as built from the
   * source's commit and build; used when the target was never published.
   */
  renderTarget?: (images: Map<string, string>, source: PublishMetadata | undefined) => Promise<{ resources: Resource[]; metadata: PublishMetadata }>;
  /** kts.yaml `gitops:`: a target folder promoted into existence joins the controller objects. */
  controllers?: ControllerSettings;
}

async function readFolder(view: HeadView, folder: string): Promise<{ oids: Map<string, string>; texts: Map<string, string> }> {
  const oids = await view.listFolder(folder);
  const texts = new Map<string, string>();
  for (const [name, oid] of oids) texts.set(name, await view.readText(oid));
  return { oids, texts };
}

/** Refuses to certify a build other than the one that passed (the source folder moved on meanwhile). */
export function checkExpectedBuild(from: string, meta: PublishMetadata | undefined, expect: PromoteOptions['expect']): void {
  if (!expect || (expect.build === undefined && expect.commit === undefined)) return;
  const holds = `build ${meta?.build ?? '(unknown)'}, commit ${meta?.source.commit?.slice(0, 12) ?? '(unknown)'}`;
  const wanted = [expect.build !== undefined ? `build ${expect.build}` : '', expect.commit !== undefined ? `commit ${expect.commit.slice(0, 12)}` : ''].filter(Boolean).join(', ');
  const commit = meta?.source.commit?.toLowerCase();
  const want = expect.commit?.toLowerCase();
  if ((expect.build !== undefined && meta?.build !== expect.build) || (want !== undefined && !(commit && (commit.startsWith(want) || want.startsWith(commit))))) {
    throw new KtsError('promote-build', `${from} holds ${holds}, not ${wanted}: refusing to promote another build than the one that passed`);
  }
}

export async function promoteFolder(from: string, to: string, git: GitOptions, opts: PromoteOptions): Promise<PromoteReport> {
  let rendered: { key: string; files: Map<string, string>; metadata: PublishMetadata } | undefined;
  const tx = await transact(git, async (view) => {
    const source = (await readFolder(view, from)).texts;
    if (source.size === 0) throw new KtsError('promote', `nothing is published at ${from} in the deploy repository`);
    const sourceMeta = parseMetadata(source.get(METADATA_FILE));
    checkExpectedBuild(from, sourceMeta, opts.expect);
    const images = sourceImages(source, opts.repositories, from);
    const target = await readFolder(view, to);
    if (target.texts.size === 0) {
      if (!opts.renderTarget) throw new KtsError('promote', `nothing is published at ${to} in the deploy repository`);
      // Rendered once per set of images, not again when a retry only found the branch moved.
      const key = JSON.stringify([...images]);
      if (rendered?.key !== key) {
        const r = await opts.renderTarget(images, sourceMeta);
        rendered = { key, files: manifestFiles(r.resources), metadata: r.metadata };
      }
      const files = new Map<string, FileSource>([...rendered.files].map(([name, content]) => [name, { content }]));
      const promotedFrom = { folder: from, commit: sourceMeta?.source.commit, build: sourceMeta?.build, at: new Date().toISOString() };
      files.set(METADATA_FILE, { content: formatMetadata({ ...rendered.metadata, promotedFrom }) });
      const all = [...images].map(([repository, image]) => ({ repository, image, replaced: [] }));
      const { environment, namespace } = rendered.metadata;
      const published = { folder: to, environment, ...(namespace ? { namespace } : {}) };
      const ctl = opts.controllers ? await controllerEdit(view, opts.controllers, { url: git.remote.url, ref: git.remote.ref }, { published }) : null;
      return { edits: [{ path: to, files }, ...(ctl ? [ctl] : [])], message: promoteMessage(from, to, sourceMeta, all, true), result: { images: all, sourceMeta, firstRender: true } };
    }
    const plan = planPromotion(images, target.texts, { from, to });
    const result = { images: plan.images, sourceMeta, firstRender: false };
    if (plan.files.size === 0) return { edits: null, result };
    const files = new Map<string, FileSource>();
    for (const [name, oid] of target.oids) {
      const content = plan.files.get(name);
      files.set(name, content === undefined ? { oid } : { content });
    }
    const targetMeta = parseMetadata(target.texts.get(METADATA_FILE));
    if (targetMeta) {
      const promotedFrom = { folder: from, commit: sourceMeta?.source.commit, build: sourceMeta?.build, at: new Date().toISOString() };
      files.set(METADATA_FILE, { content: formatMetadata({ ...targetMeta, promotedFrom }) });
    }
    return { edits: [{ path: to, files }], message: promoteMessage(from, to, sourceMeta, plan.images), result };
  });
  const { images, sourceMeta, firstRender } = tx.result;
  return {
    status: tx.commit ? 'promoted' : 'unchanged',
    from,
    to,
    repository: tx.repository,
    ref: git.remote.ref,
    commit: tx.commit,
    parent: tx.parent,
    images,
    ...(firstRender ? { firstRender } : {}),
    ...(sourceMeta ? { source: { commit: sourceMeta.source.commit, build: sourceMeta.build } } : {}),
    attempts: tx.attempts,
  };
}
