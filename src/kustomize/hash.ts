import { crypto } from '../builtins.js';
import { cloneAsFloats } from './json.js';
import { metadataOf, type Json, type JsonObject, type Resource } from './resource.js';
import { storePreviousId } from './transformers/ids.js';
import { goJson } from './yaml/gojson.js';

// kustomize's content hash (api/hasher): sha256 of Go encoding/json of selected fields, the
// first ten hex digits with the vowel-like ones swapped so the result never spells words.

const SWAP: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };

/** kustomize's encoding of a sha256 hex digest into a name suffix. */
export function encodeHash(hex: string): string {
  return [...hex.slice(0, 10)].map((c) => SWAP[c] ?? c).join('');
}

function isMap(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// getNodeValues: a missing field counts as "", a map as itself, a scalar as its text.
function field(v: Json | undefined): Json {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return v;
  return String(v);
}

function encoded(obj: JsonObject): string {
  // kustomize looks the name up as the single field "metadata/name", which never exists, so
  // every name hashes as "" (measured against kustomize v5.5.0).
  const name = '';
  if (obj.kind === 'ConfigMap') {
    const m: JsonObject = { kind: 'ConfigMap', name, data: field(obj.data) };
    if (isMap(obj.binaryData)) m.binaryData = obj.binaryData;
    return goJson(m);
  }
  if (obj.kind === 'Secret') {
    const m: JsonObject = { kind: 'Secret', type: field(obj.type), name, data: field(obj.data) };
    if (isMap(obj.stringData)) m.stringData = obj.stringData;
    return goJson(m);
  }
  return goJson(obj);
}

/** The hash suffix kustomize appends to a generated resource's name. */
export function contentHash(obj: JsonObject): string {
  // kustomize hashes the resource as encoding/json decoded it: integers beyond 2^53 as float64
  return encodeHash(crypto().createHash('sha256').update(encoded(cloneAsFloats(obj)), 'utf8').digest('hex'));
}

/** kustomize's HashTransformer: appends the content hash to generated resources that want one. */
export function transformHashes(resources: Resource[]): Resource[] {
  for (const r of resources) {
    if (!r.generator?.hash) continue;
    const h = contentHash(r.obj);
    storePreviousId(r);
    const meta = metadataOf(r.obj);
    meta.name = `${String(meta.name ?? '')}-${h}`;
  }
  return resources;
}
