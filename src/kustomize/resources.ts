import { KtsError } from '../errors.js';
import { idOf, kindOf, metadataOf, newObject, newResource, type Json, type JsonObject, type Resource } from './resource.js';
import { parseYamlDocuments, type ParseOptions } from './yaml/parse.js';
import { forgetPlainTexts } from './yaml/plainnull.js';

// Resource files as kustomize's resource factory reads them: every document must be an object
// with a kind and a name; `*List` objects with items are inlined (their items queued after the
// file's other documents, as kustomize does).

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** kustomize's check that an object has a kind and (unless a list) a name: on reading, and on the built resources. */
export function validate(doc: JsonObject, file: string | undefined): void {
  const kind = kindOf(doc);
  if (kind === '') throw new KtsError('resource', 'missing kind in object', { file });
  if (kind.endsWith('List')) return;
  if (idOf(doc).name === '') throw new KtsError('resource', `missing metadata.name in ${kind} object`, { file });
}

/** The objects of a YAML text, lists inlined, each checked for kind and name. */
export function parseObjects(text: string, file: string, opts: ParseOptions = {}): JsonObject[] {
  const queue: JsonObject[] = [];
  for (const doc of parseYamlDocuments(text, file, { resources: true, ...opts })) {
    // an empty list document holds no resource (kustomize skips it, as an empty map)
    if (Array.isArray(doc) && doc.length === 0) continue;
    if (!isObject(doc)) throw new KtsError('resource', 'expected a YAML map (a Kubernetes object)', { file });
    if (Object.keys(doc).length === 0) continue;
    validate(doc, file);
    queue.push(doc);
  }
  const out: JsonObject[] = [];
  for (let i = 0; i < queue.length; i++) {
    const doc = queue[i]!;
    const kind = kindOf(doc);
    if (!kind.endsWith('List') || !('items' in doc)) {
      // a list kind without items needs no metadata: kustomize's annotation bookkeeping leaves
      // `metadata: {}` where there was none, and fails on a scalar or list there
      const meta = doc.metadata;
      if (meta === undefined) doc.metadata = newObject();
      else if (meta !== null && !isObject(meta)) throw new KtsError('resource', `wrong node kind: expected MappingNode but got ${Array.isArray(meta) ? 'SequenceNode' : 'ScalarNode'}`, { file, field: 'metadata' });
      out.push(doc);
      continue;
    }
    const items = doc.items;
    if (items === null) continue;
    if (!Array.isArray(items)) throw new KtsError('resource', `expected array in ${kind}/items`, { file });
    for (const item of items) {
      if (!isObject(item)) throw new KtsError('resource', `expected objects in ${kind}/items`, { file });
      if (Object.keys(item).length === 0) continue;
      validate(item, file);
      // kustomize decodes a list's items through JSON, where `key:` is just null
      forgetPlainTexts(item);
      queue.push(item);
    }
  }
  return out;
}

/** kustomize keeps a generated resource's wish for a hash suffix in this annotation, and honours it on any input. */
const NEEDS_HASH = 'internal.config.kubernetes.io/needsHashSuffix';

/** Resources read from a YAML text. */
export function parseResources(text: string, file: string): Resource[] {
  return parseObjects(text, file).map((obj) => {
    const r = newResource(obj);
    const a = metadataOf(obj).annotations;
    if (isObject(a) && a[NEEDS_HASH] === 'enabled') r.generator = { behavior: 'create', hash: true };
    return r;
  });
}
