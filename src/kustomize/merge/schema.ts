// The patch-merge metadata a strategic merge consults: for a resource type, which lists merge
// by which key. kustomize reads it from the Kubernetes OpenAPI document built into kyaml
// (v1.21.2), optionally extended by the kustomization's `openapi:` document; we keep the facts it
// uses in schemas/patch-meta.json and model positions in the schema exactly as kyaml's
// openapi.ResourceSchema does (swagger definitions, `$ref`, `items`, `additionalProperties`,
// `x-kubernetes-patch-strategy`, `x-kubernetes-patch-merge-key`, `x-kubernetes-list-map-keys`).
//
// Exports:
//   builtinMergeSchema(): MergeSchema          the built-in kinds (loaded once, lazily)
//   withOpenApiDocument(base, doc, file)       + a custom OpenAPI (swagger) document's definitions
//   withCrds(base, crds, file)                 + CRD openAPIV3Schemas (one root per served version)
//   schemaForOpenApiField(field, text, file, {builtinLoaded}?)   kustomize's `openapi:` field
//   isBuiltinKind(apiVersion, kind)            whether the builtin schema knows a kind
//   rootSchema / fieldSchema / elementSchema / patchStrategyAndKeys: walking the schema

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KtsError } from '../../errors.js';
import type { Json, JsonObject } from '../resource.js';
import { parseYamlDocuments } from '../yaml/parse.js';

/** One node of a swagger/OpenAPI v2 schema, reduced to what merging reads. */
export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-map-keys'?: string[];
}

export interface MergeSchema {
  /** Definitions by name, as `#/definitions/<name>` refers to them. */
  readonly definitions: ReadonlyMap<string, SchemaNode>;
  /** `apiVersion|kind` -> definition name. */
  readonly roots: ReadonlyMap<string, string>;
}

/** The only builtin schema version kustomize v5.5.0 ships (`openapi: {version: ...}`). */
export const BUILTIN_OPENAPI_VERSION = 'v1.21.2';

const TABLE_FILE = 'schemas/patch-meta.json';

interface PatchMetaTable {
  version: string;
  kinds: Record<string, Record<string, string>>;
  /** field -> object definition, or [element definition | '', strategy?, mergeKey?, listMapKeys?]. */
  types: Record<string, Record<string, string | [string, string?, string?, string[]?]>>;
}

let builtin: MergeSchema | undefined;

/** The merge schema of the built-in Kubernetes kinds, from schemas/patch-meta.json. */
export function builtinMergeSchema(): MergeSchema {
  builtin ??= fromTable(JSON.parse(readFileSync(findTable(), 'utf8')) as PatchMetaTable);
  return builtin;
}

// The table ships beside the package root; this module runs from src/ (tsx) or dist/src/ (tsc).
function findTable(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, TABLE_FILE);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error(`${TABLE_FILE} not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

function fromTable(table: PatchMetaTable): MergeSchema {
  const definitions = new Map<string, SchemaNode>();
  for (const [name, fields] of Object.entries(table.types)) {
    const properties: Record<string, SchemaNode> = {};
    for (const [field, spec] of Object.entries(fields)) {
      if (typeof spec === 'string') {
        properties[field] = { $ref: `#/definitions/${spec}` };
        continue;
      }
      const [element, strategy, mergeKey, mapKeys] = spec;
      const node: SchemaNode = { type: 'array', items: element ? { $ref: `#/definitions/${element}` } : {} };
      if (strategy) node['x-kubernetes-patch-strategy'] = strategy;
      if (mergeKey) node['x-kubernetes-patch-merge-key'] = mergeKey;
      if (mapKeys) node['x-kubernetes-list-map-keys'] = mapKeys;
      properties[field] = node;
    }
    definitions.set(name, { type: 'object', properties });
  }
  const roots = new Map<string, string>();
  for (const [apiVersion, kinds] of Object.entries(table.kinds)) {
    for (const [kind, def] of Object.entries(kinds)) roots.set(rootKey(apiVersion, kind), def);
  }
  return { definitions, roots };
}

function rootKey(apiVersion: string, kind: string): string {
  return `${apiVersion}|${kind}`;
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Adds a custom OpenAPI (swagger 2.0) document, as kustomize's `openapi: {path: ...}` does: every
 * entry of `definitions` is added, replacing a builtin definition of the same name, and every
 * definition carrying `x-kubernetes-group-version-kind` becomes the root of those kinds.
 */
export function withOpenApiDocument(base: MergeSchema, doc: Json, file: string): MergeSchema {
  if (!isObject(doc)) throw new KtsError('openapi', 'an OpenAPI document must be a map', { file });
  // kustomize accepts a document without definitions (e.g. OpenAPI v3) and merges as before.
  if (!isObject(doc.definitions)) return base;
  const definitions = new Map(base.definitions);
  const roots = new Map(base.roots);
  for (const [name, def] of Object.entries(doc.definitions)) {
    if (!isObject(def)) continue;
    definitions.set(name, def as SchemaNode);
    const gvks = def['x-kubernetes-group-version-kind'];
    if (!Array.isArray(gvks)) continue;
    for (const gvk of gvks) {
      if (!isObject(gvk) || typeof gvk.kind !== 'string' || typeof gvk.version !== 'string') continue;
      const group = typeof gvk.group === 'string' ? gvk.group : '';
      roots.set(rootKey(group ? `${group}/${gvk.version}` : gvk.version, gvk.kind), name);
    }
  }
  return { definitions, roots };
}

/**
 * Adds the openAPIV3Schema of CustomResourceDefinitions (apiextensions v1 `spec.versions[].schema`,
 * v1beta1 `spec.validation` or per-version `schema`) as the root of `<group>/<version> <kind>`, so
 * their `x-kubernetes-patch-*` extensions steer merges. kustomize v5.5.0 does not do this for its
 * `crds:` field (it only reads name references there); this is for callers that opt in.
 */
export function withCrds(base: MergeSchema, crds: JsonObject[], file: string): MergeSchema {
  const definitions = new Map(base.definitions);
  const roots = new Map(base.roots);
  for (const crd of crds) {
    const spec = crd.spec;
    if (!isObject(spec) || typeof spec.group !== 'string' || !isObject(spec.names) || typeof spec.names.kind !== 'string') {
      throw new KtsError('crd', 'CustomResourceDefinition needs spec.group and spec.names.kind', { file });
    }
    const { group } = spec;
    const kind = spec.names.kind;
    const shared = isObject(spec.validation) ? spec.validation.openAPIV3Schema : undefined;
    const versions: { name: string; schema: Json | undefined }[] = [];
    if (Array.isArray(spec.versions)) {
      for (const v of spec.versions) {
        if (!isObject(v) || typeof v.name !== 'string') continue;
        versions.push({ name: v.name, schema: isObject(v.schema) ? v.schema.openAPIV3Schema : shared });
      }
    }
    if (versions.length === 0 && typeof spec.version === 'string') versions.push({ name: spec.version, schema: shared });
    for (const { name, schema } of versions) {
      if (!isObject(schema)) continue;
      const defName = `${group}.${name}.${kind}`;
      definitions.set(defName, schema as SchemaNode);
      roots.set(rootKey(`${group}/${name}`, kind), defName);
    }
  }
  return { definitions, roots };
}

const NO_SCHEMA: MergeSchema = { definitions: new Map(), roots: new Map() };

/**
 * kustomize's `openapi:` kustomization field. `{path}`: `documentText` is that file's content (JSON
 * or YAML). `{version}`: only the builtin version is accepted. Both at once is an error, as in
 * kustomize.
 *
 * kyaml adds a custom document to the definitions it has loaded so far, and loads the builtin ones
 * lazily, on the first namespace-scope question about a kind it does not know by heart. So the
 * builtin definitions stay in force only when a resource of a non-builtin kind (isBuiltinKind) was
 * loaded before the kustomization with the `openapi:` field; otherwise (always for the top-level
 * kustomization) only the custom document counts, and e.g. Deployment containers are then
 * replaced, not merged. Pass `builtinLoaded` accordingly (default true).
 */
export function schemaForOpenApiField(field: JsonObject, documentText: string | undefined, file: string, options: { builtinLoaded?: boolean } = {}): MergeSchema {
  const { path, version } = field;
  if (path !== undefined && version !== undefined) {
    throw new KtsError('openapi', 'builtin version and custom schema provided, cannot use both', { file, field: 'openapi' });
  }
  if (version !== undefined) {
    if (version !== BUILTIN_OPENAPI_VERSION) {
      throw new KtsError('openapi', `the specified OpenAPI version ${String(version)} is not built in (only ${BUILTIN_OPENAPI_VERSION})`, { file, field: 'openapi.version' });
    }
    return builtinMergeSchema();
  }
  if (typeof path !== 'string' || documentText === undefined) return builtinMergeSchema();
  const docs = parseYamlDocuments(documentText, path);
  return withOpenApiDocument(options.builtinLoaded === false ? NO_SCHEMA : builtinMergeSchema(), docs[0] ?? null, path);
}

/** Whether the builtin schema has this kind (kyaml answers scope questions about it without loading the schema). */
export function isBuiltinKind(apiVersion: string, kind: string): boolean {
  return builtinMergeSchema().roots.has(rootKey(apiVersion, kind));
}

/** The schema of a resource type, or undefined when the kind is unknown (lists are then replaced). */
export function rootSchema(schema: MergeSchema, apiVersion: string, kind: string): SchemaNode | undefined {
  const def = schema.roots.get(rootKey(apiVersion, kind));
  return def === undefined ? undefined : schema.definitions.get(def);
}

const REF_PREFIX = '#/definitions/';
// Resolved `$ref`s per schema (the same node may resolve differently under another document).
const resolved = new WeakMap<MergeSchema, WeakMap<SchemaNode, SchemaNode | null>>();

function resolve(schema: MergeSchema, node: SchemaNode | undefined): SchemaNode | undefined {
  if (node?.$ref === undefined) return node;
  let cache = resolved.get(schema);
  if (!cache) resolved.set(schema, (cache = new WeakMap()));
  const hit = cache.get(node);
  if (hit !== undefined) return hit ?? undefined;
  let n: SchemaNode | undefined = node;
  for (let hops = 0; n?.$ref !== undefined; hops++) {
    if (hops > 64 || !n.$ref.startsWith(REF_PREFIX)) {
      n = undefined;
      break;
    }
    n = schema.definitions.get(n.$ref.slice(REF_PREFIX.length));
  }
  cache.set(node, n ?? null);
  return n;
}

/** The schema of a map field; for a map type (`additionalProperties`) every key has the value schema. */
export function fieldSchema(schema: MergeSchema, node: SchemaNode, name: string): SchemaNode | undefined {
  const s = resolve(schema, node);
  if (!s) return undefined;
  const additional = s.additionalProperties;
  if (typeof additional === 'object') return resolve(schema, additional);
  const prop = s.properties && Object.hasOwn(s.properties, name) ? s.properties[name] : undefined;
  return prop === undefined ? undefined : resolve(schema, prop);
}

/** The schema of a list's elements; only for nodes whose type is exactly `array`, as kyaml requires. */
export function elementSchema(schema: MergeSchema, node: SchemaNode): SchemaNode | undefined {
  const s = resolve(schema, node);
  if (!s) return undefined;
  const type = Array.isArray(s.type) ? (s.type.length === 1 ? s.type[0] : undefined) : s.type;
  if (type !== 'array' || !s.items) return undefined;
  return resolve(schema, s.items);
}

/**
 * The patch strategy and merge keys of a list: `x-kubernetes-list-map-keys` when present, else the
 * single `x-kubernetes-patch-merge-key`; keys only count when a strategy is given.
 */
export function patchStrategyAndKeys(node: SchemaNode): { strategy: string; keys: string[] } {
  const strategy = node['x-kubernetes-patch-strategy'];
  if (typeof strategy !== 'string') return { strategy: '', keys: [] };
  const mapKeys = node['x-kubernetes-list-map-keys'];
  if (Array.isArray(mapKeys)) return { strategy, keys: mapKeys.map(String) };
  const key = node['x-kubernetes-patch-merge-key'];
  return { strategy, keys: typeof key === 'string' ? [key] : [] };
}
