// The three non-JSON-Patch ways the API server combines a request with the live object:
// the structured merge of server-side apply, RFC 7386 merge patch and (simplified) strategic
// merge patch. Lists are classified by field name (fieldset.ts), as without schemas.

import type { Json, JsonObject } from '../../src/kustomize/resource.js';
import { clone, deepEqual, isObject, keyElement, listKind } from './fieldset.js';

/** Server-side apply: `applied` merged into `live` (maps recursively, associative lists by key, the rest replaced). */
export function structuredMerge(live: Json | undefined, applied: Json): Json {
  return mergeInto(live === undefined ? undefined : clone(live), applied);
}

/** Merges into `live` in place (it must be a private copy); returns the result. */
function mergeInto(live: Json | undefined, applied: Json, field?: string): Json {
  if (isObject(applied)) {
    const out: JsonObject = isObject(live) ? live : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) continue;
      out[k] = mergeInto(out[k], v, k);
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const kind = listKind(field, [...live, ...applied]);
    if (kind.type === 'map') {
      const index = new Map(live.map((x, i) => [keyElement(x as JsonObject, kind.keys), i]));
      for (const item of applied as JsonObject[]) {
        const i = index.get(keyElement(item, kind.keys));
        if (i === undefined) live.push(clone(item));
        else live[i] = mergeInto(live[i], item);
      }
      return live;
    }
    if (kind.type === 'set') {
      for (const item of applied) if (!live.some((x) => deepEqual(x, item))) live.push(clone(item));
      return live;
    }
  }
  return clone(applied);
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * Strategic merge patch, simplified: like a merge patch, except that lists of containers, ports,
 * env, volumes… (the associative lists) merge by key, `$patch: delete|replace` directives on maps
 * and list items, and `$setElementOrder`/`$retainKeys`/`$deleteFromPrimitiveList` directives are honoured.
 */
export function strategicMergePatch(target: Json | undefined, patch: Json, field?: string): Json {
  if (Array.isArray(patch)) return mergeList(Array.isArray(target) ? target : [], patch, field);
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const rest = { ...patch };
    delete rest.$patch;
    return stripDirectives(rest);
  }
  if (patch.$patch === 'delete') return null;
  const out: JsonObject = isObject(target) ? clone(target) : {};
  const retain = patch.$retainKeys;
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k === '$patch') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const name = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[name];
      if (Array.isArray(cur) && Array.isArray(v)) out[name] = cur.filter((x) => !v.some((d) => deepEqual(d, x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const merged = strategicMergePatch(out[k], v, k);
    if (merged === null && isObject(v) && v.$patch === 'delete') delete out[k];
    else out[k] = merged;
  }
  if (Array.isArray(retain)) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  return out;
}

function mergeList(target: Json[], patch: Json[], field: string | undefined): Json[] {
  const items = patch.filter((p) => !(isObject(p) && p.$patch === 'replace' && Object.keys(p).length === 1));
  if (items.length !== patch.length) return items.map((x) => stripDirectives(x));
  const kind = listKind(field, [...target, ...items.filter((p) => !(isObject(p) && p.$patch === 'delete'))]);
  if (kind.type !== 'map') return items.map((x) => stripDirectives(x));
  const out = target.map((x) => clone(x));
  for (const item of items as JsonObject[]) {
    const key = keyElement(item, kind.keys);
    const i = out.findIndex((x) => isObject(x) && keyElement(x, kind.keys) === key);
    if (item.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMergePatch(out[i], item);
    else out.push(stripDirectives(item));
  }
  return out;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}
