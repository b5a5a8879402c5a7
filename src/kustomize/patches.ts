import { KtsError } from '../errors.js';
import { own, setKey } from './json.js';
import type { Selector } from './kustomization.js';
import type { Loader, Referrer } from './loader.js';
import { applyJson6902, parseJson6902, type Json6902Operation } from './merge/json6902.js';
import type { MergeSchema } from './merge/schema.js';
import { applySmPatchToResource } from './merge/strategic.js';
import { currentId, matchKey, resIdString, type ResMap } from './resmap.js';
import { displayPath } from './loader.js';
import { idOf, newObject, valueText, type Json, type JsonObject, type Resource } from './resource.js';
import { parseObjects } from './resources.js';
import { selectResources } from './select.js';
import { storePreviousId } from './transformers/ids.js';
import { copyPlainTexts, plainNullKeys } from './yaml/plainnull.js';

// The patch plugins wired to the resource list (kustomize's PatchTransformer,
// PatchStrategicMergeTransformer and PatchJson6902Transformer): which resources a patch applies
// to, and what happens to ids. The merging itself lives in merge/.

export type Fail = (message: string) => never;

interface SmPatches {
  kind: 'sm';
  patches: JsonObject[];
  /** The file the patch came from (or the kustomization holding it inline), for messages. */
  file: string;
}

interface JsonPatch {
  kind: 'json';
  ops: Json6902Operation[];
  file: string;
  text: string;
}

export interface LoadedPatch {
  patch: SmPatches | JsonPatch;
  target?: Selector;
  allowNameChange: boolean;
  allowKindChange: boolean;
}

function trySm(text: string, file: string): JsonObject[] | KtsError {
  try {
    return parseObjects(text, file, { patch: true });
  } catch (e) {
    if (e instanceof KtsError) return e;
    throw e;
  }
}

function tryJson(text: string, file: string): Json6902Operation[] | undefined {
  if (text === '') return undefined;
  try {
    return parseJson6902(text, file);
  } catch {
    return undefined;
  }
}

/** Reads a PatchTransformer config: an inline patch or a patch file, strategic-merge or JSON 6902. */
export function loadPatchTransformer(
  cfg: { path: string; patch: string; target?: Selector; options: { allowNameChange?: boolean; allowKindChange?: boolean } },
  ldr: Loader,
  fail: Fail,
  ref: Referrer,
): LoadedPatch {
  let text = cfg.patch.trim();
  if (text === '' && cfg.path === '') fail('must specify one of patch and path');
  if (text !== '' && cfg.path !== '') fail("patch and path can't be set at the same time");
  let file = ref.file;
  if (cfg.path !== '') {
    text = ldr.load(cfg.path, ref);
    file = displayPath(ldr.abs(cfg.path));
  }
  // the patch text is never quoted in a message: it may hold a Secret's data
  const parsed = trySm(text, file);
  const sm = Array.isArray(parsed) ? parsed : undefined;
  const json = tryJson(text, file);
  if (sm && json) fail('illegally qualifies as both an SM and JSON patch');
  if (!sm && !json) fail(`unable to parse SM or JSON patch: ${parsed instanceof KtsError ? parsed.toLine() : 'not a resource or a list of operations'}`);
  const allow = { allowNameChange: !!cfg.options.allowNameChange, allowKindChange: !!cfg.options.allowKindChange };
  return { patch: sm ? { kind: 'sm', patches: sm, file } : { kind: 'json', ops: json!, file, text }, target: cfg.target, ...allow };
}

/** The one resource any of whose ids equals the patch's id (kustomize resWrangler.GetById). */
function targetOf(rm: ResMap, patch: JsonObject, file: string): Resource {
  const id = idOf(patch);
  const found = rm.getByAnyId(id);
  if (found.length === 1) return found[0]!;
  const what = found.length === 0 ? 'no matches' : 'multiple matches';
  throw new KtsError('patch', `${what} for Id ${resIdString(id)}; failed to find unique target for patch ${resIdString(id)}`, { file });
}

/**
 * A strategic merge gives the scalars a replacement created (untyped: `9090` reads as a number)
 * the string type, so a later replacement into them writes "9090" (measured with kubectl).
 */
function typeUntypedScalars(r: Resource): void {
  for (const { parent, key } of r.untypedScalars ?? []) {
    const v = Array.isArray(parent) ? parent[key as number] : own(parent, String(key));
    if (typeof v !== 'number' && typeof v !== 'bigint' && typeof v !== 'boolean') continue;
    if (Array.isArray(parent)) parent[key as number] = String(v);
    else setKey(parent, String(key), String(v));
  }
  delete r.untypedScalars;
}

/** kustomize resWrangler.ApplySmPatch: patches each selected resource; a patch may delete it. */
function applySm(rm: ResMap, selected: Resource[], patch: JsonObject, opts: { allowNameChange: boolean; allowKindChange: boolean; file: string; schema?: MergeSchema }): void {
  if (selected.length === 0) return;
  let removed = false;
  for (const r of selected) {
    if (opts.allowNameChange || opts.allowKindChange) storePreviousId(r);
    typeUntypedScalars(r);
    const merged = applySmPatchToResource(r.obj, patch, opts);
    if (merged === null) {
      removed = true;
      r.obj = {};
    } else r.obj = merged;
  }
  // A strategic-merge patch keeps name, namespace and kind unless told otherwise: ids only move then.
  if (removed) rm.filter((r) => Object.keys(r.obj).length > 0);
  else if (opts.allowNameChange || opts.allowKindChange) rm.invalidate();
}

// The YAML reader keeps the text of plain scalars in an object's own annotations (kustomize prints
// annotations from their text), so a patch's `key: null` or `key: ~` there reads as "null" or "~";
// the reader marks those keys. In a strategic-merge patch that null deletes the annotation, as in
// kustomize; a quoted "null" sets it.
function withAnnotationDeletions(patch: JsonObject): JsonObject {
  const meta = patch.metadata;
  if (!isMap(meta) || !isMap(meta.annotations)) return patch;
  const annotations = meta.annotations;
  const nulls = new Set(plainNullKeys(annotations));
  if (nulls.size === 0) return patch;
  const fixed = newObject();
  for (const [k, v] of Object.entries(annotations)) fixed[k] = nulls.has(k) ? null : v;
  copyPlainTexts(annotations, fixed);
  const metaCopy = { ...meta, annotations: fixed };
  const patchCopy = { ...patch, metadata: metaCopy };
  copyPlainTexts(meta, metaCopy);
  copyPlainTexts(patch, patchCopy);
  return patchCopy;
}

/**
 * patchesStrategicMerge copies a patch's labels and annotations through string maps, as
 * kustomize's CopyMergeMetaDataFieldsFrom does there: each value is its text (a null `null`, `~`
 * or "" for nothing, a map or list ""), so a null sets that text instead of deleting. A scalar in
 * their place is no map; a list is read as key, value, key, value (kustomize panics on an odd one).
 * Checked with kubectl (a `patches:` entry deletes with the same nulls).
 */
function withStringMaps(patch: JsonObject, file: string): JsonObject {
  const meta = patch.metadata;
  if (!isMap(meta)) return patch;
  const metaCopy = { ...meta };
  copyPlainTexts(meta, metaCopy);
  for (const field of ['labels', 'annotations']) {
    if (!Object.hasOwn(meta, field)) continue;
    const map = meta[field]!;
    const strings = newObject();
    if (isMap(map)) for (const [k, v] of Object.entries(map)) strings[k] = valueText(v, map, k);
    else if (Array.isArray(map)) {
      if (map.length % 2 === 1) throw new KtsError('patch', `metadata.${field} is a list of odd length: kustomize v5.5.0 fails on it (index out of range)`, { file, field: `metadata.${field}` });
      for (let i = 0; i < map.length; i += 2) strings[valueText(map[i]!)] = valueText(map[i + 1]!);
    }
    if (Object.keys(strings).length > 0) metaCopy[field] = strings;
    else delete metaCopy[field];
  }
  const patchCopy = { ...patch, metadata: metaCopy };
  copyPlainTexts(patch, patchCopy);
  return patchCopy;
}

function isMap(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Applies a loaded PatchTransformer to the resource map. */
export function applyPatchTransformer(rm: ResMap, p: LoadedPatch, schema?: MergeSchema): void {
  const { patch } = p;
  if (patch.kind === 'json') {
    if (!p.target) throw new KtsError('patch', `must specify a target for JSON patch ${patch.text}`, { file: patch.file });
    applyJsonOps(rm, selectResources(rm, p.target), patch.ops, patch.file, true);
    return;
  }
  const opts = { allowNameChange: p.allowNameChange, allowKindChange: p.allowKindChange, file: patch.file, schema };
  if (p.target) {
    if (patch.patches.length > 1) {
      throw new KtsError('patch', 'Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field', {
        file: patch.file,
      });
    }
    for (const sm of patch.patches) applySm(rm, selectResources(rm, p.target), withAnnotationDeletions(sm), opts);
    return;
  }
  patch.patches.forEach((sm, i) => {
    const before = rm.size;
    applySm(rm, [targetOf(rm, sm, patch.file)], withAnnotationDeletions(sm), opts);
    if (rm.size < before && i < patch.patches.length - 1) {
      // kustomize v5.5.0 crashes (nil pointer) on the next document of such an entry.
      throw new KtsError('patch', 'a `patches` entry whose strategic-merge patch deletes a resource may not hold further patches (kustomize v5.5.0 fails on it): use one entry per patch', {
        file: patch.file,
      });
    }
  });
}

function applyJsonOps(rm: ResMap, selected: Resource[], ops: Json6902Operation[], file: string, storeIds: boolean): void {
  // The map's indexes survive unless an id moved (most patches change specs, not names).
  let moved = false;
  for (const r of selected) {
    const before = matchKey(currentId(r));
    if (storeIds) storePreviousId(r);
    r.obj = applyJson6902(r.obj, ops, { file });
    // kustomize rebuilds the resource from JSON: no field shares a node or lacks a type any more
    delete r.sharedEntries;
    delete r.untypedScalars;
    if (matchKey(currentId(r)) !== before) moved = true;
  }
  if (moved) rm.invalidate();
}

/**
 * kustomize's PatchStrategicMergeTransformer: each path is first read as inline patch text; what
 * reads (objects, or nothing at all, as an empty or comment-only entry) is used, the rest is a file.
 */
export function strategicMergeTransformer(paths: string[], inline: string, ldr: Loader, fail: Fail, ref: Referrer): (rm: ResMap, schema?: MergeSchema) => void {
  const loaded: { patch: JsonObject; file: string }[] = [];
  for (const path of paths) {
    const asText = trySm(path, ref.file);
    if (Array.isArray(asText)) {
      for (const patch of asText) loaded.push({ patch: withStringMaps(patch, ref.file), file: ref.file });
      continue;
    }
    const file = displayPath(ldr.abs(path));
    for (const patch of parseObjects(ldr.load(path, ref), file, { patch: true })) loaded.push({ patch: withStringMaps(patch, file), file });
  }
  if (inline !== '') for (const patch of parseObjects(inline, ref.file, { patch: true })) loaded.push({ patch: withStringMaps(patch, ref.file), file: ref.file });
  if (loaded.length === 0) fail(`patch appears to be empty; files=[${paths.join(' ')}], Patch=${inline}`);
  return (rm, schema) => {
    for (const { patch, file } of loaded) {
      applySm(rm, [targetOf(rm, patch, file)], patch, { allowNameChange: false, allowKindChange: false, file, schema });
    }
  };
}

/** kustomize's PatchJson6902Transformer: one JSON patch (inline `jsonOp` or a file) on the target's resources. */
export function json6902Transformer(cfg: { target?: Selector; path: string; jsonOp: string }, ldr: Loader, fail: Fail, ref: Referrer): (rm: ResMap) => void {
  if (!cfg.target) fail('must specify a target');
  if (!cfg.target!.name) fail('must specify the target name');
  if (cfg.path === '' && cfg.jsonOp === '') fail('empty file path and empty jsonOp');
  if (cfg.path !== '' && cfg.jsonOp !== '') fail('must specify a file path or jsonOp, not both');
  let text = cfg.jsonOp;
  let file = ref.file;
  if (cfg.path !== '') {
    text = ldr.load(cfg.path, ref);
    file = displayPath(ldr.abs(cfg.path));
    if (text === '') fail(`patch file '${cfg.path}' empty seems to be empty`);
  }
  let ops: Json6902Operation[];
  try {
    ops = parseJson6902(text, file);
  } catch (e) {
    return fail(`decoding the patch: ${(e as Error).message}`);
  }
  const target = cfg.target!;
  return (rm) => applyJsonOps(rm, selectResources(rm, target), ops, file, false);
}
