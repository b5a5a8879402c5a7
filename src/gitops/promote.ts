// `kts promote`: certify a build by copying the image references (tags or digests) a validated
// environment published into another environment's folder, as one commit, so the target deploys
// exactly the images that passed. Only container images whose repository appears in the source
// folder change; everything else in the target stays byte for byte.
import type { Json, JsonObject } from '../kustomize/resource.js';
import { newResource } from '../kustomize/resource.js';
import { parseYamlDocuments } from '../kustomize/yaml/parse.js';
import { KtsError } from '../errors.js';
import { containersOf, parseImageRef } from '../env/images.js';
import { serialize } from '../index.js';
import { formatMetadata, METADATA_FILE, parseMetadata, type PublishMetadata } from './metadata.js';
import type { FileSource } from './plan.js';
import { transact, type GitOptions, type HeadView } from './transaction.js';

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
 * The images of `source` (file → text) and the target files rewritten to use them. Errors when the
 * source has no images, runs two references of one repository, or shares no image with the target.
 */
export function planPromotion(source: Map<string, string>, target: Map<string, string>, where: { from: string; to: string }): PromotionPlan {
  const images = new Map<string, { image: string; file: string }>();
  for (const [name, text] of source) {
    if (name === METADATA_FILE) continue;
    const file = `${where.from}/${name}`;
    for (const doc of parseYamlDocuments(text, file)) {
      for (const c of containersOf(doc)) {
        const image = c.image as string;
        const repository = repositoryOf(image, file);
        const seen = images.get(repository);
        if (seen && seen.image !== image) {
          throw new KtsError('promote', `${where.from} runs two versions of ${repository}: ${seen.image} (${seen.file}) and ${image} (${file}); promote needs one`);
        }
        images.set(repository, { image, file });
      }
    }
  }
  if (images.size === 0) throw new KtsError('promote', `${where.from} in the deploy repository has no container images to promote (was it published?)`);

  const promotions = new Map<string, ImagePromotion>([...images].map(([repository, { image }]) => [repository, { repository, image, replaced: [] }]));
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

export function promoteMessage(from: string, to: string, source: PublishMetadata | undefined, images: ImagePromotion[]): string {
  const origin = source?.source.commit ? ` (${source.source.commit.slice(0, 12)}${source.build ? `, build ${source.build}` : ''})` : '';
  const lines = images.map((p) => `${p.repository}: ${[...new Set(p.replaced.map((r) => r.was))].join(', ')} -> ${p.image}`);
  return `promote ${from} -> ${to}: ${images.length} image${images.length === 1 ? '' : 's'}${origin}\n\n${lines.join('\n')}\n`;
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
  /** The source folder's render, from its metadata. */
  source?: { commit?: string; build?: string };
  attempts: number;
}

async function readFolder(view: HeadView, folder: string): Promise<{ oids: Map<string, string>; texts: Map<string, string> }> {
  const oids = await view.listFolder(folder);
  const texts = new Map<string, string>();
  for (const [name, oid] of oids) texts.set(name, await view.readText(oid));
  return { oids, texts };
}

export async function promoteFolder(from: string, to: string, git: GitOptions): Promise<PromoteReport> {
  const tx = await transact(git, async (view) => {
    const source = (await readFolder(view, from)).texts;
    if (source.size === 0) throw new KtsError('promote', `nothing is published at ${from} in the deploy repository`);
    const target = await readFolder(view, to);
    if (target.texts.size === 0) throw new KtsError('promote', `nothing is published at ${to} in the deploy repository; publish it once first`);
    const plan = planPromotion(source, target.texts, { from, to });
    const sourceMeta = parseMetadata(source.get(METADATA_FILE));
    const result = { images: plan.images, sourceMeta };
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
  const { images, sourceMeta } = tx.result;
  return {
    status: tx.commit ? 'promoted' : 'unchanged',
    from,
    to,
    repository: tx.repository,
    ref: git.remote.ref,
    commit: tx.commit,
    parent: tx.parent,
    images,
    ...(sourceMeta ? { source: { commit: sourceMeta.source.commit, build: sourceMeta.build } } : {}),
    attempts: tx.attempts,
  };
}
