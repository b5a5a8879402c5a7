// kustomize's ValueAddTransformer (plugin/builtin/valueaddtransformer, api/filters/valueadd): writes
// one value into a field of the selected resources, creating the field, or inserts it into a
// file path held by the field. `metadata/namespace` targets go through the namespace transformer.
//
// API
//   parseValueAdd(config, ctx)     the plugin config (and its targetFilePath file), validated.
//   applyValueAdd(resources, cfg)  edits the selected resources in place; returns the list.

import { KtsError } from '../../errors.js';
import type { Selector } from '../kustomization.js';
import { type Json, type Resource } from '../resource.js';
import { selectResources } from '../select.js';
import { parseYamlDocuments } from '../yaml/parse.js';
import { resolvePlainV3 } from '../yaml/resolve.js';
import { at, decodeInt, decodeList, decodeString, fail, structFields, type DecodeContext } from '../refs/decode.js';
import { FieldPathError, isObject, lookupCreate, pathSplitter, scalarText, setSlot, slotValue } from '../refs/path.js';
import { transformNamespace } from './namespace.js';

export interface ValueAddTarget {
  /** Absent: every resource. */
  selector?: Selector;
  /** Slash-separated; `\/` is a literal slash. */
  fieldPath: string;
  /** 1-based position in the field's file path to insert the value at; 0 replaces the field. */
  filePathPosition: number;
}

export interface ValueAddConfig {
  value: string;
  targets: ValueAddTarget[];
}

export interface ValueAddContext {
  /** The file holding the plugin config, and its field, for messages. */
  file?: string;
  field: string;
  /** Base name of the kustomization directory: the value when the config gives none. */
  rootName: string;
  /** Reads `targetFilePath`: the text and the name to print for it. */
  read: (path: string) => { text: string; file: string };
}

const SELECTOR_FIELDS = ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const;

function decodeTarget(v: Json, ctx: DecodeContext): ValueAddTarget {
  const f = structFields(v, ['selector', 'fieldPath', 'filePathPosition'], ctx);
  const target: ValueAddTarget = {
    fieldPath: decodeString(f.get('fieldPath'), at(ctx, 'fieldPath')) ?? '',
    filePathPosition: decodeInt(f.get('filePathPosition'), at(ctx, 'filePathPosition')) ?? 0,
  };
  const sel = f.get('selector');
  if (sel !== undefined) {
    const sctx = at(ctx, 'selector');
    const sf = structFields(sel, SELECTOR_FIELDS, sctx);
    const selector: Selector = {};
    for (const k of SELECTOR_FIELDS) {
      const s = decodeString(sf.get(k), at(sctx, k));
      if (s) selector[k] = s;
    }
    target.selector = selector;
  }
  if (target.fieldPath === '') throw fail(ctx, 'fieldPath cannot be empty');
  if (target.filePathPosition < 0) throw fail(ctx, `value of FilePathPosition (${target.filePathPosition}) cannot be negative`);
  return target;
}

/** The ValueAddTransformer config, as kustomize reads it (unknown keys ignored). */
export function parseValueAdd(config: Json, ctx: ValueAddContext): ValueAddConfig {
  const base: DecodeContext = { file: ctx.file, field: ctx.field, strict: false, code: 'valueadd' };
  const f = structFields(config, ['value', 'targets', 'targetFilePath'], base);
  const value = (decodeString(f.get('value'), at(base, 'value')) ?? '').trim() || ctx.rootName;
  const targets = decodeList(f.get('targets'), at(base, 'targets'), decodeTarget) ?? [];
  const path = decodeString(f.get('targetFilePath'), at(base, 'targetFilePath'));
  if (path) {
    const { text, file } = ctx.read(path);
    const doc = parseYamlDocuments(text, file)[0] ?? {};
    const fctx: DecodeContext = { file, field: '', strict: false, code: 'valueadd' };
    targets.push(...(decodeList(structFields(doc, ['targets'], fctx).get('targets'), at(fctx, 'targets'), decodeTarget) ?? []));
  }
  if (targets.length === 0) throw fail(base, 'must specify at least one target');
  return { value, targets };
}

/** kyaml filesys.PathSplit: a leading '' marks an absolute path. */
function pathSplit(p: string): string[] {
  if (p === '') return [];
  const abs = p.startsWith('/');
  const parts = p.split('/').filter((s) => s !== '');
  return abs ? ['', ...parts] : parts;
}

/** kyaml filesys.InsertPathPart: `part` becomes element `pos` of the path (absolute paths stay absolute). */
export function insertPathPart(path: string, pos: number, part: string): string {
  if (part === '') return path;
  const parts = pathSplit(path);
  let at = Math.max(0, Math.min(pos, parts.length));
  if (parts.length > 0 && parts[0] === '' && at < parts.length) at++;
  parts.splice(at, 0, part);
  if (parts[0] === '') return `/${parts.slice(1).filter((s) => s !== '').join('/')}`;
  return parts.filter((s) => s !== '').join('/');
}

function addValue(res: Resource, value: string, t: ValueAddTarget): void {
  let slot;
  try {
    slot = lookupCreate(res.obj, pathSplitter(t.fieldPath, '/'), 'scalar');
  } catch (e) {
    if (e instanceof FieldPathError) throw new KtsError('valueadd', `fieldPath '${t.fieldPath}': ${e.message}`, { field: t.fieldPath });
    throw e;
  }
  if (!slot) return;
  const current = slotValue(slot);
  if (isObject(current) || Array.isArray(current)) {
    throw new KtsError('valueadd', `fieldPath '${t.fieldPath}': expected a scalar field, got a ${Array.isArray(current) ? 'list' : 'map'}`, { field: t.fieldPath });
  }
  const text = t.filePathPosition > 0 ? insertPathPart(scalarText(current), t.filePathPosition - 1, value) : value;
  // kyaml writes an untyped scalar: its text reads back as plain YAML
  setSlot(slot, resolvePlainV3(text));
}

/** Applies every target in order, editing the resources in place. */
export function applyValueAdd(resources: Resource[], cfg: ValueAddConfig): Resource[] {
  for (const t of cfg.targets) {
    const selected = t.selector ? selectResources(resources, t.selector) : resources;
    if (t.fieldPath === 'metadata/namespace') {
      transformNamespace(selected, { namespace: cfg.value, fieldSpecs: [] });
      continue;
    }
    for (const res of selected) addValue(res, cfg.value, t);
  }
  return resources;
}
