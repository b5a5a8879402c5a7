import { KtsError } from '../errors.js';
import type { Resource } from '../kustomize/resource.js';
import { containersOf, parseImageRef, type ImageRef } from './images.js';
import type { ImagePlan } from './plan.js';

// An image of kts.yaml or --image that no container ends up running is a mistake (a typo, an image
// renamed in the manifests): CI would push one tag while the cluster runs another. Checked after the
// build, on what kustomize actually wrote.

function parsed(image: string): ImageRef {
  try {
    return parseImageRef(image, image);
  } catch {
    return { repository: image };
  }
}

/** Whether a container runs what `img` asked for (kustomize keeps the manifest's tag when only a digest is set). */
function runs(ref: ImageRef, img: ImagePlan): boolean {
  return ref.repository === (img.newName ?? img.name) && (img.newTag === undefined || ref.tag === img.newTag) && (img.digest === undefined || ref.digest === img.digest);
}

/** Fails naming the first planned image that matches no container, and the images the render does contain. */
export function checkImagesUsed(images: ImagePlan[], resources: Resource[], envName: string): void {
  const running: ImageRef[] = [];
  for (const r of resources) for (const c of containersOf(r.obj)) running.push(parsed(c.image as string));
  const missing = images.find((img) => !img.optional && !running.some((ref) => runs(ref, img)));
  if (!missing) return;
  // Named as the manifests write them, which is what kts.yaml and --image NAME= refer to.
  const asWritten = (ref: ImageRef) => images.find((img) => img !== missing && runs(ref, img))?.name ?? ref.repository;
  const repositories = [...new Set(running.map(asWritten))].sort();
  throw new KtsError(
    'image',
    `image '${missing.name}' matches no container of the render of '${envName}' (images in the render: ${repositories.join(', ') || 'none'})`,
    { field: missing.origin },
  );
}
