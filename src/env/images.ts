import { KtsError } from '../errors.js';
import type { Json, JsonObject } from '../kustomize/resource.js';

/** One entry of a kustomization's `images:` list. */
export interface KustomizeImage {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

export interface ImageRef {
  repository: string;
  tag?: string;
  digest?: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
// The distribution reference grammar (github.com/distribution/reference): path components are
// lowercase; the first component is a registry when it has a '.' or ':' or is localhost.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;

/** Checks an image repository (`[registry/]path`) against the reference grammar container runtimes use. */
export function checkRepository(repository: string, field: string): string {
  const parts = repository.split('/');
  const first = parts[0]!;
  const hasDomain = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const why =
    repository.length > 255
      ? 'longer than 255 characters'
      : hasDomain && !DOMAIN.test(first)
        ? `registry '${first}' is not a host name with an optional port`
        : parts.slice(hasDomain ? 1 : 0).find((p) => !PATH_COMPONENT.test(p)) !== undefined
          ? 'repository path components must be lowercase letters and digits, separated by one of . _ __ -'
          : undefined;
  if (why) throw new KtsError('image', `invalid image repository '${repository}': ${why}`, { field });
  return repository;
}

/** Splits `repo[:tag][@sha256:…]` (a registry port `host:5000/x` is not a tag). */
export function parseImageRef(ref: string, field: string): ImageRef {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const rest = at >= 0 ? ref.slice(0, at) : ref;
  const colon = rest.lastIndexOf(':');
  const hasTag = colon > rest.lastIndexOf('/');
  const repository = hasTag ? rest.slice(0, colon) : rest;
  const tag = hasTag ? rest.slice(colon + 1) : undefined;
  if (!repository) throw new KtsError('image', `invalid image reference '${ref}'`, { field });
  checkRepository(repository, field);
  if (tag !== undefined) checkTag(tag, field);
  if (digest !== undefined && !DIGEST.test(digest)) {
    throw new KtsError('image', `invalid digest '${digest}' in '${ref}' (expected sha256:<64 hex digits>)`, { field });
  }
  return { repository, tag, digest };
}

export function checkTag(tag: string, field: string): string {
  if (!TAG.test(tag)) {
    throw new KtsError('image', `invalid image tag '${tag}' (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-')`, { field });
  }
  return tag;
}

/**
 * `--image NAME=REF` retargets the image NAME (as written in the manifests) to REF; a bare
 * `--image REF` retags the image of the same repository. A digest pins the image (kustomize writes
 * `repo:tag@digest`, or `repo@digest` without a tag).
 */
export function parseImageFlag(flag: string): KustomizeImage {
  const field = `--image ${flag}`;
  const eq = flag.indexOf('=');
  if (eq === 0) throw new KtsError('image', `missing image name before '='`, { field });
  const ref = parseImageRef(eq > 0 ? flag.slice(eq + 1) : flag, field);
  const name = eq > 0 ? flag.slice(0, eq) : ref.repository;
  if (ref.tag === undefined && ref.digest === undefined) {
    throw new KtsError('image', `no tag or digest given (expected NAME=REPO:TAG or NAME=REPO@sha256:…)`, { field });
  }
  const out: KustomizeImage = { name };
  if (ref.repository !== name) out.newName = ref.repository;
  if (ref.tag !== undefined) out.newTag = ref.tag;
  if (ref.digest !== undefined) out.digest = ref.digest;
  return out;
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every container (an object with a string `image`) anywhere in a manifest: pods, templates, job templates. */
export function containersOf(value: Json, out: JsonObject[] = []): JsonObject[] {
  if (Array.isArray(value)) {
    for (const v of value) containersOf(v, out);
  } else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (CONTAINER_LISTS.has(key) && Array.isArray(v)) {
        for (const c of v) if (isObject(c) && typeof c.image === 'string') out.push(c);
      } else {
        containersOf(v, out);
      }
    }
  }
  return out;
}
