// The schema of the built-in kinds, read from @kubernetes/client-node's generated models (their
// attributeTypeMap lists every declared field with its JSON name and type). The server uses it
// as a real one does: an apply with a field the schema does not declare fails (HTTP 500 "field
// not declared in schema" on v1.26), other writes drop such fields (or refuse them with
// fieldValidation=Strict); and an immutable-field error prints the old value as Go does (%#v).

import * as models from '@kubernetes/client-node';
import type { Json, JsonObject } from '../../src/kustomize/resource.js';
import { isObject, listKind } from './fieldset.js';
import type { ResourceType } from './resources.js';

interface Attribute {
  baseName: string;
  type: string;
}

type Model = { getAttributeTypeMap(): Attribute[] };

const registry = models as unknown as Record<string, Model | undefined>;

function model(name: string): Attribute[] | undefined {
  const m = registry[name];
  return m && typeof m.getAttributeTypeMap === 'function' ? m.getAttributeTypeMap() : undefined;
}

/** The model name of a built-in kind (`V1Deployment`, `V2HorizontalPodAutoscaler`, `CoreV1Event`); undefined for custom resources. */
export function modelName(t: ResourceType): string | undefined {
  if (t.custom) return undefined;
  const version = t.version[0]!.toUpperCase() + t.version.slice(1);
  return [`${version}${t.kind}`, `Core${version}${t.kind}`].find((n) => model(n) !== undefined);
}

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;

/** Paths (`.spec.template.spec.containers[name="web"].foo`, as structured-merge-diff prints them) of fields `obj` has and the schema does not declare. */
export function undeclaredFields(t: ResourceType, obj: JsonObject): string[] {
  const name = modelName(t);
  const out: string[] = [];
  if (name) walk(obj, name, '', undefined, out);
  return out;
}

function walk(value: Json | undefined, type: string, path: string, field: string | undefined, out: string[]): void {
  if (value === null || value === undefined) return;
  const array = ARRAY.exec(type);
  if (array) {
    if (!Array.isArray(value)) return;
    const kind = listKind(field, value);
    value.forEach((item, i) => {
      const key =
        kind.type === 'map' && isObject(item)
          ? `[${kind.keys.keys.map((k) => `${k}=${JSON.stringify(item[k] ?? kind.keys.defaults?.[k] ?? null)}`).join(',')}]`
          : kind.type === 'set'
            ? `[=${JSON.stringify(item)}]`
            : `[${i}]`;
      walk(item, array[1]!, path + key, undefined, out);
    });
    return;
  }
  const map = MAP.exec(type);
  if (map) {
    if (isObject(value)) for (const [k, v] of Object.entries(value)) walk(v, map[1]!, `${path}.${k}`, k, out);
    return;
  }
  const attrs = model(type);
  if (!attrs || !isObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const attr = attrs.find((a) => a.baseName === k);
    if (!attr) out.push(`${path}.${k}`);
    else walk(v, attr.type, `${path}.${k}`, k, out);
  }
}

/** A copy of `obj` without the fields its schema does not declare (what a real server keeps of a non-apply write). */
export function withoutUndeclared(t: ResourceType, obj: JsonObject): JsonObject {
  const name = modelName(t);
  return name ? (prune(obj, name) as JsonObject) : obj;
}

function prune(value: Json, type: string): Json {
  if (value === null) return value;
  const array = ARRAY.exec(type);
  if (array) return Array.isArray(value) ? value.map((v) => prune(v, array[1]!)) : value;
  const map = MAP.exec(type);
  if (map) return isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, prune(v, map[1]!)])) : value;
  const attrs = model(type);
  if (!attrs || !isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const attr = attrs.find((a) => a.baseName === k);
    if (attr) out[k] = prune(v, attr.type);
  }
  return out;
}

/** Go's `%#v` of a value of model `type`, zero values included: what a real server quotes as an immutable field's value. */
export function goValue(value: Json | undefined, type: string): string {
  const array = ARRAY.exec(type);
  if (array) {
    const elem = goType(array[1]!);
    if (!Array.isArray(value)) return `[]${elem}(nil)`;
    return `[]${elem}{${value.map((v) => goValue(v, array[1]!)).join(', ')}}`;
  }
  const map = MAP.exec(type);
  if (map) {
    const t = `map[string]${goType(map[1]!)}`;
    if (!isObject(value)) return `${t}(nil)`;
    return `${t}{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${goValue(v, map[1]!)}`).join(', ')}}`;
  }
  const attrs = model(type);
  if (attrs) {
    // ObjectMeta is embedded by value (and named for its type); other nested structs may be nil pointers.
    if (!isObject(value) && type !== 'V1ObjectMeta') return `(*${goType(type)})(nil)`;
    const v = isObject(value) ? value : {};
    const field = (a: Attribute) => (a.type === 'V1ObjectMeta' ? 'ObjectMeta' : `${a.baseName[0]!.toUpperCase()}${a.baseName.slice(1)}`);
    return `${goType(type)}{${attrs.map((a) => `${field(a)}:${goValue(v[a.baseName], a.type)}`).join(', ')}}`;
  }
  if (type === 'string') return JSON.stringify(typeof value === 'string' ? value : '');
  if (type === 'number') return String(typeof value === 'number' ? value : 0);
  if (type === 'boolean') return String(value === true);
  return value === undefined ? '<nil>' : JSON.stringify(value);
}

function goType(type: string): string {
  if (type === 'number') return 'int32';
  if (type === 'boolean') return 'bool';
  if (type === 'string') return 'string';
  const m = /^V\d\w*?([A-Z]\w*)$/.exec(type);
  if (!m || !model(type)) return 'interface {}';
  return m[1] === 'ObjectMeta' ? 'v1.ObjectMeta' : `core.${m[1]}`;
}
