import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { isKtsError } from '../errors.js';
import { formatId, idKey, idOf, type Json, type JsonObject, type Resource } from '../kustomize/resource.js';
import { parseYamlDocuments } from '../kustomize/yaml/parse.js';
import { schema, schemaProblems, type Problem } from './schema.js';
import { isRemote } from '../kustomize/loader.js';

// `kts validate`: every problem at once (not the first), each naming a file and a field — the
// kustomization files against schemas/kustomization.schema.json, then the rendered objects
// against what the API server would refuse.

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const PATH_LISTS = ['resources', 'components', 'bases', 'crds'] as const;

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const TOP_LEVEL = new Map(kustomizationFields().map((f) => [f.toLowerCase(), f]));

function kustomizationFields(): string[] {
  return Object.keys((schema('kustomization') as { properties: Record<string, unknown> }).properties);
}

/** kustomize reads its file with Go's encoding/json, which matches field names case-insensitively. */
function canonicalKeys(k: Json): Json {
  if (!isObject(k)) return k;
  return Object.fromEntries(Object.entries(k).map(([key, v]) => [TOP_LEVEL.get(key.toLowerCase()) ?? key, v]));
}

/**
 * Schema-checks the kustomization in `dir` and every local kustomization it reaches through
 * resources/components/bases, each once; paths that do not exist are problems too.
 */
export function checkKustomizations(dir: string, cwd: string, seen = new Set<string>()): { problems: Problem[]; files: number } {
  const abs = resolve(dir);
  if (seen.has(abs)) return { problems: [], files: 0 };
  seen.add(abs);
  const name = KUSTOMIZATION_FILES.find((f) => existsSync(join(abs, f)));
  const show = (p: string) => relative(cwd, p) || '.';
  if (!name) return { problems: [{ file: show(abs), field: '', message: 'no kustomization.yaml in this directory' }], files: 0 };
  const file = join(abs, name);
  let docs: Json[];
  try {
    docs = parseYamlDocuments(readFileSync(file, 'utf8'), show(file));
  } catch (e) {
    if (isKtsError(e)) return { problems: [{ file: show(file), field: e.line ? `line ${e.line}` : '', message: e.message }], files: 1 };
    throw e;
  }
  const k = canonicalKeys(docs[0] ?? {});
  const problems = schemaProblems('kustomization', k, show(file));
  if (docs.length > 1) problems.push({ file: show(file), field: '', message: `expected one YAML document, found ${docs.length}` });
  let files = 1;
  if (k && typeof k === 'object' && !Array.isArray(k)) {
    for (const list of PATH_LISTS) {
      const entries = k[list];
      if (!Array.isArray(entries)) continue;
      entries.forEach((entry, i) => {
        if (typeof entry !== 'string' || isRemote(entry)) return;
        const target = resolve(abs, entry);
        if (isDir(target)) {
          const sub = checkKustomizations(target, cwd, seen);
          problems.push(...sub.problems);
          files += sub.files;
        } else if (!existsSync(target)) {
          problems.push({ file: show(file), field: `${list}[${i}]`, message: `'${entry}' does not exist` });
        }
      });
    }
  }
  return { problems, files };
}

const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(?=.{0,63}$)(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** Kinds whose names the API server checks as DNS-1123 labels rather than subdomains. */
const LABEL_NAMED_KINDS = new Set(['Namespace', 'Service']);

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function badKey(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !DNS_SUBDOMAIN.test(prefix)) return `key prefix '${prefix}' is not a DNS subdomain`;
  if (!QUALIFIED_NAME.test(name)) return `key name '${name}' must be 1-63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric`;
  return undefined;
}

/** What the API server would refuse in the rendered objects, plus duplicate ids. */
export function checkObjects(resources: Resource[], file: string): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  resources.forEach((r, i) => {
    const obj = r.obj;
    const id = idOf(obj);
    const at = id.kind && id.name ? formatId(id).trim() : `object #${i + 1}`;
    const add = (field: string, message: string) => problems.push({ file, field: `${at} ${field}`.trim(), message });
    if (typeof obj.apiVersion !== 'string' || !obj.apiVersion) add('apiVersion', 'required field is missing');
    if (typeof obj.kind !== 'string' || !obj.kind) add('kind', 'required field is missing');
    const meta = obj.metadata;
    if (!isObject(meta)) {
      add('metadata', 'required field is missing');
      return;
    }
    const name = meta.name;
    if (typeof name !== 'string' || !name) add('metadata.name', 'required field is missing');
    else if (LABEL_NAMED_KINDS.has(id.kind) ? !DNS_LABEL.test(name) : !DNS_SUBDOMAIN.test(name)) {
      add('metadata.name', `'${name}' is not a valid ${LABEL_NAMED_KINDS.has(id.kind) ? 'DNS-1123 label' : 'DNS-1123 subdomain'} name`);
    }
    if (meta.namespace !== undefined && (typeof meta.namespace !== 'string' || !DNS_LABEL.test(meta.namespace))) {
      add('metadata.namespace', `'${String(meta.namespace)}' is not a valid namespace`);
    }
    for (const kind of ['labels', 'annotations'] as const) {
      const map = meta[kind];
      if (map === undefined) continue;
      if (!isObject(map)) {
        add(`metadata.${kind}`, 'must be a map');
        continue;
      }
      for (const [key, value] of Object.entries(map)) {
        const field = `metadata.${kind}[${JSON.stringify(key)}]`;
        const why = badKey(key);
        if (why) add(field, why);
        if (typeof value !== 'string') add(field, 'value must be a string');
        else if (kind === 'labels' && !LABEL_VALUE.test(value)) {
          add(field, `value '${value}' is not a valid label value (at most 63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric)`);
        }
      }
    }
    const key = idKey(id);
    const first = seen.get(key);
    if (first !== undefined) add('', `duplicate of object #${first + 1} (same apiVersion group, kind, namespace and name)`);
    else seen.set(key, i);
  });
  return problems;
}
