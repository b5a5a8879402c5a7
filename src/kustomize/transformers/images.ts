// ImageTagTransformer (kustomize plugin/builtin/imagetagtransformer, api/filters/imagetag,
// api/image): rewrites matching image references in every `containers`/`initContainers` list
// anywhere in a resource, then in the fields the specs reach. CRDs are left alone.

import { KtsError } from '../../errors.js';
import type { FieldSpec } from '../fieldspec/fieldspec.js';
import { applyFieldSpecs, expectScalar } from '../fieldspec/fieldspec.js';
import { own, setKey } from '../json.js';
import type { Json, JsonObject } from '../resource.js';
import type { ResMap } from '../resmap.js';

export interface ImageTag {
  /** The image name to match, without tag or digest. */
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  tagSuffix?: string;
}

/**
 * Whether `image` is `name` with an optional tag and/or sha256 digest (kustomize
 * image.IsImageMatched). kustomize puts the name into a Go regexp unescaped, so it is a pattern;
 * Go also accepts a repeated `^`, which makes a name like `*` match every image.
 */
export function isImageMatched(image: string, name: string): boolean {
  return patternOf(name).test(image);
}

/** Compiled once per name: a build applies each `images:` entry to every container. */
const patterns = new Map<string, RegExp>();

function patternOf(name: string): RegExp {
  const known = patterns.get(name);
  if (known) return known;
  const rest = '(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$';
  // `^*X` / `^?X` may repeat the anchor zero times: X anywhere; `^+X` is just `^X`
  const unanchored = /^[*?]/.test(name);
  const body = /^[*?+]/.test(name) ? name.slice(1) : name;
  let pattern: RegExp;
  try {
    pattern = new RegExp(`${unanchored ? '' : '^'}${body}${rest}`);
  } catch {
    throw new KtsError('images', `invalid image name '${name}': not a valid pattern`, { field: 'images' });
  }
  patterns.set(name, pattern);
  return pattern;
}

/** Splits `[host[:port]/]path[:tag][@digest]` into name, tag and digest (kustomize image.Split). */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  let slash = image.indexOf('/');
  let search = image;
  if (slash > 0) search = image.slice(slash);
  else slash = 0;
  let at = search.indexOf('@');
  let colon = search.indexOf(':');
  if (colon < 0 && at < 0) return { name: image, tag: '', digest: '' };
  if (at >= 0 && (at < colon || colon < 0)) {
    at += slash;
    return { name: image.slice(0, at), tag: '', digest: image.slice(at + 1) };
  }
  if (at >= 0 && colon >= 0) {
    at += slash;
    colon += slash;
    return { name: image.slice(0, colon), tag: image.slice(colon + 1, at), digest: image.slice(at + 1) };
  }
  colon += slash;
  return { name: image.slice(0, colon), tag: image.slice(colon + 1), digest: '' };
}

/** The new reference for `image`, or undefined when the image tag does not apply. */
export function updateImage(image: string, t: ImageTag): string | undefined {
  if (!isImageMatched(image, t.name)) return undefined;
  let { name, tag, digest } = splitImage(image);
  if (t.newName) name = t.newName;
  if (t.newTag && t.digest) {
    tag = t.newTag;
    digest = t.digest;
  } else if (t.newTag) {
    tag = t.newTag;
    digest = '';
  } else if (t.digest) {
    tag = '';
    digest = t.digest;
  } else if (t.tagSuffix) {
    tag += t.tagSuffix;
    digest = '';
  }
  if (tag) name += `:${tag}`;
  if (digest) name += `@${digest}`;
  return name;
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every element of any `containers`/`initContainers` list anywhere in a resource (kustomize LegacyFilter). */
function containersOf(node: Json, out: JsonObject[] = []): JsonObject[] {
  if (Array.isArray(node)) {
    for (const el of node) if (typeof el === 'object' && el !== null) containersOf(el, out);
    return out;
  }
  if (!isObject(node)) return out;
  for (const key in node) {
    const value = node[key]!;
    if (typeof value !== 'object' || value === null) continue;
    containersOf(value, out);
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
      for (const c of value) if (isObject(c)) out.push(c);
    }
  }
  return out;
}

/**
 * Applies image tags in place, in order, as kustomize's one ImageTagTransformer per `images:` entry
 * does: each tag rewrites the containers, then the fields the specs reach. A resource's changes do
 * not depend on other resources, so the tags go through one resource at a time: its containers and
 * fields are found once for all of them (a walk per entry and resource made large trees slow).
 * `blame(e, i)` names the entry an error came from.
 */
export function transformImageTags(
  rm: ResMap,
  tags: readonly ImageTag[],
  fieldSpecs: readonly FieldSpec[],
  blame: (e: unknown, i: number) => unknown = (e) => e,
): void {
  for (const res of rm.resources()) {
    if (res.obj.kind === 'CustomResourceDefinition') continue;
    const containers = containersOf(res.obj);
    // where the specs reach a string, found by the first tag's walk (tags change values, not shapes)
    const fields: Field[] = [];
    tags.forEach((tag, i) => {
      try {
        for (const c of containers) {
          if (typeof c.image !== 'string') continue;
          const next = updateImage(c.image, tag);
          if (next !== undefined) c.image = next;
        }
        if (i === 0) {
          applyFieldSpecs(res.obj, fieldSpecs, (value, at) => {
            expectScalar(value, 'image');
            if (typeof value !== 'string') return undefined;
            fields.push(holderAt(res.obj, at));
            return updateImage(value, tag);
          });
          return;
        }
        for (const { holder, key } of fields) {
          const value = own(holder, key);
          const next = typeof value === 'string' ? updateImage(value, tag) : undefined;
          if (next !== undefined) setKey(holder, key, next);
        }
      } catch (e) {
        throw blame(e, i);
      }
    });
  }
}

/** A field by the map holding it and its key there (a list and an index, read the same way). */
interface Field {
  holder: JsonObject;
  key: string;
}

/** The field at path `at` in `obj`. */
function holderAt(obj: JsonObject, at: readonly (string | number)[]): Field {
  let holder = obj;
  for (let i = 0; i < at.length - 1; i++) holder = own(holder, String(at[i])) as JsonObject;
  return { holder, key: String(at[at.length - 1]) };
}
