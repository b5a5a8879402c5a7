// JSON 6902 patches as kustomize v5.5.0 applies them (evanphx/json-patch v4 over the resource's
// JSON), on top of fast-json-patch.
//
// Exports:
//   parseJson6902(text, file): Json6902Operation[]
//     A patch file or inline patch: text starting with `[` is JSON, anything else YAML read as
//     kustomize reads it here (sigs.k8s.io/yaml, i.e. YAML 1.1 scalars: `yes` is true, `0644` is
//     octal). Anything but a list of operation maps is an error naming `file`.
//   applyJson6902(target, ops, where): JsonObject
//     Applies the operations in order to a copy of `target`. Like evanphx/json-patch v4: negative
//     array indexes count from the end, `replace` of a missing map key adds it, `copy` from a
//     missing map key copies null, `test` for null passes on a missing map key, `add`/`replace`
//     without a value set null, and a path without its leading `/` loses its first segment. A failing
//     operation throws a KtsError naming the patch file, the operation's index, op and path.
//     The resource's own annotations, kept as text, go through JSON as kustomize's do (jsonannotations.ts).

import { createRequire } from 'node:module';
import type { Operation } from 'fast-json-patch';
import { KtsError } from '../../errors.js';
import { cloneAsFloats, isMap, own } from '../json.js';
import { newObject } from '../resource.js';
import type { Json, JsonObject } from '../resource.js';
import { parseFirstDocument } from '../yaml/firstdoc.js';
import { annotationTexts, typeAnnotations } from './jsonannotations.js';

export interface Json6902Operation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

// Loaded on first use: most builds have no JSON patch, and start-up time counts.
let fjpLib: typeof import('fast-json-patch') | undefined;
const fjp = (): typeof import('fast-json-patch') => (fjpLib ??= createRequire(import.meta.url)('fast-json-patch') as typeof import('fast-json-patch'));

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

export function parseJson6902(text: string, file: string): Json6902Operation[] {
  let doc: Json;
  if (text.startsWith('[')) {
    try {
      doc = JSON.parse(text) as Json;
    } catch (e) {
      throw new KtsError('json6902', `invalid JSON patch: ${(e as Error).message}`, { file });
    }
  } else {
    // sigs.k8s.io/yaml reads a YAML patch: YAML 1.1 booleans (`y`, `on`), as for kustomization files.
    doc = parseFirstDocument(text, file, { goYamlV2: true });
  }
  if (doc === null) return [];
  if (!Array.isArray(doc)) {
    throw new KtsError('json6902', `a JSON 6902 patch must be a list of operations, got ${describe(doc)}`, { file });
  }
  return doc.map((op, i) => {
    if (typeof op !== 'object' || op === null || Array.isArray(op)) {
      throw new KtsError('json6902', `operation ${i} must be a map with op and path, got ${describe(op)}`, { file, field: `[${i}]` });
    }
    const out: Json6902Operation = { op: typeof op.op === 'string' ? op.op : '', path: typeof op.path === 'string' ? op.path : '' };
    if (typeof op.from === 'string') out.from = op.from;
    if (Object.hasOwn(op, 'value')) out.value = op.value!;
    return out;
  });
}


function describe(v: Json): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a map' : `${typeof v} ${JSON.stringify(v)}`;
}

const REASONS: Record<string, string> = {
  OPERATION_PATH_UNRESOLVABLE: 'the path does not exist',
  OPERATION_PATH_CANNOT_ADD: 'the parent of the path does not exist',
  OPERATION_FROM_UNRESOLVABLE: 'the from path does not exist',
  OPERATION_VALUE_OUT_OF_BOUNDS: 'the array index is out of range',
  OPERATION_PATH_ILLEGAL_ARRAY_INDEX: 'the path does not index an array with a number',
  OPERATION_PATH_INVALID: 'the path is not a JSON pointer',
  OPERATION_FROM_REQUIRED: 'the operation needs a from path',
  TEST_OPERATION_FAILED: 'the test failed',
};

export function applyJson6902(target: JsonObject, ops: Json6902Operation[], where: { file?: string } = {}): JsonObject {
  let doc: Json = cloneAsFloats(target);
  typeAnnotations(target, doc, where.file);
  // kustomize's resources always carry its internal annotations while patches run, so the map
  // exists for an `add` into it; it is dropped again when nothing else is left in it
  const meta = own(doc, 'metadata');
  const addedAnnotations = isMap(meta) && own(meta, 'annotations') === undefined ? (meta.annotations = newObject()) : undefined;
  ops.forEach((op, i) => {
    const fail = (reason: string) =>
      new KtsError('json6902', `operation ${i} (${op.op || '?'} ${op.path}): ${reason}`, { file: where.file, field: `[${i}]` });
    if (!OPS.has(op.op)) throw fail(`unknown op '${op.op}' (want add, remove, replace, move, copy or test)`);
    const path = evanphxPointer(op.path);
    if (path === undefined || (path === '' && op.op !== 'replace' && op.op !== 'test')) throw fail(REASONS.OPERATION_PATH_UNRESOLVABLE!);
    const operation: Json6902Operation = { ...op, path: withPositiveIndexes(doc, path, op.op === 'add') };
    if (op.value !== undefined) operation.value = cloneAsFloats(op.value);
    if (op.from !== undefined) {
      const from = evanphxPointer(op.from);
      if (from === undefined) throw fail(REASONS.OPERATION_FROM_UNRESOLVABLE!);
      operation.from = withPositiveIndexes(doc, from, false);
    }
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && op.value === undefined) operation.value = null;
    if (op.op === 'replace' && isMissingMapKey(doc, operation.path)) operation.op = 'add';
    if (op.op === 'test' && operation.value === null && isMissingMapKey(doc, operation.path)) return;
    if (op.op === 'copy' && isMissingMapKey(doc, operation.from!)) {
      operation.op = 'add';
      operation.value = null;
      delete operation.from;
    }
    if (op.op === 'move' && operation.path.startsWith(`${operation.from}/`)) throw fail('cannot move a value into itself');
    try {
      // `__proto__` and `constructor` are ordinary keys of the (prototype-less) maps here
      doc = fjp().applyOperation(doc, operation as Operation, true, true, false).newDocument;
    } catch (e) {
      if (e instanceof fjp().JsonPatchError) throw fail(REASONS[e.name] ?? e.message.split('\n')[0]!);
      throw fail((e as Error).message);
    }
  });
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new KtsError('json6902', `the patch left ${describe(doc)} instead of a resource`, { file: where.file });
  }
  const metaAfter = own(doc, 'metadata');
  if (addedAnnotations && isMap(metaAfter) && own(metaAfter, 'annotations') === addedAnnotations && Object.keys(addedAnnotations).length === 0) delete metaAfter.annotations;
  annotationTexts(doc);
  return doc;
}

// evanphx/json-patch splits a path on `/` and ignores what precedes the first one.
function evanphxPointer(path: string): string | undefined {
  if (path === '' || path.startsWith('/')) return path;
  const slash = path.indexOf('/');
  return slash < 0 ? undefined : path.slice(slash);
}

function isMissingMapKey(doc: Json, pointer: string): boolean {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const key = parts.pop();
  if (key === undefined) return false;
  let cur: Json | undefined = doc;
  for (const part of parts) cur = Array.isArray(cur) ? cur[Number(part)] : isMap(cur) ? own(cur, part) : undefined;
  return typeof cur === 'object' && cur !== null && !Array.isArray(cur) && !Object.hasOwn(cur, key);
}

// evanphx/json-patch resolves a negative index against the array it indexes: -1 is the last
// element, and for `add` (inserting) -1 is the end.
function withPositiveIndexes(doc: Json, pointer: string, inserting: boolean): string {
  if (!/\/-[0-9]/.test(pointer)) return pointer;
  const parts = pointer.split('/');
  let cur: Json | undefined = doc;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    if (Array.isArray(cur) && /^-[0-9]+$/.test(part)) {
      const last = i === parts.length - 1;
      const resolved = Number(part) + cur.length + (last && inserting ? 1 : 0);
      if (resolved >= 0) parts[i] = String(resolved);
    }
    const key = parts[i]!.replace(/~1/g, '/').replace(/~0/g, '~');
    cur = Array.isArray(cur) ? cur[Number(key)] : isMap(cur) ? own(cur, key) : undefined;
  }
  return parts.join('/');
}
