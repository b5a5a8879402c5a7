import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { KtsError } from '../errors.js';

// JSON Schema validation with errors a user can act on: each problem names the file and the path
// of the offending field (`environments.ci.quota.hard.cpu`), not ajv's `/environments/ci/...`.

export interface Problem {
  file: string;
  field: string;
  message: string;
}

export const SCHEMA_NAMES = ['kts', 'kustomization'] as const;
export type SchemaName = (typeof SCHEMA_NAMES)[number];
export const AJV_OPTIONS = { allErrors: true, strict: false } as const;

/** schemas/ at the package root, found from here both under src/ (tsx) and dist/src/ (compiled). */
function schemasDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'schemas');
    if (existsSync(join(candidate, 'kts.schema.json'))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error('schemas/kts.schema.json not found above the kts installation');
    dir = up;
  }
}

const compiled = new Map<SchemaName, ValidateFunction>();

/** The schema document itself. */
export function schema(name: SchemaName): object {
  return JSON.parse(readFileSync(join(schemasDir(), `${name}.schema.json`), 'utf8')) as object;
}

/** Where `npm run build` writes the validators compiled ahead of time (see precompile-schemas.ts). */
export function precompiledDir(): string {
  return join(schemasDir(), '..', 'dist', 'schemas');
}

/** The ahead-of-time validator, unless missing or older than the schema (then compile now). */
function precompiled(name: SchemaName): ValidateFunction | undefined {
  const code = join(precompiledDir(), `${name}.validate.cjs`);
  if (!existsSync(code) || statSync(code).mtimeMs < statSync(join(schemasDir(), `${name}.schema.json`)).mtimeMs) return undefined;
  return createRequire(import.meta.url)(code) as ValidateFunction;
}

/** ajv itself is only loaded when no precompiled validator fits (tsx runs, an edited schema). */
function compileNow(name: SchemaName): ValidateFunction {
  const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  return new Ajv(AJV_OPTIONS).compile(schema(name));
}

function validator(name: SchemaName): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    v = precompiled(name) ?? compileNow(name);
    compiled.set(name, v);
  }
  return v;
}

/** `/a/0/b` → `a[0].b`; keys that are not plain words are quoted: `hard["requests.cpu"]`. */
export function fieldPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^[0-9]+$/.test(key)) out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

function describe(e: ErrorObject): { field: string; message: string } {
  const at = fieldPath(e.instancePath);
  const join = (k: string) => fieldPath(`${e.instancePath}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return { field: join(String(p.additionalProperty)), message: 'unknown field' };
    case 'required':
      return { field: join(String(p.missingProperty)), message: 'required field is missing' };
    case 'propertyNames':
      return { field: at, message: `invalid key '${String(p.propertyName)}'` };
    case 'pattern':
      return { field: at || '(root)', message: `invalid value (must match ${String(p.pattern)})` };
    case 'enum':
      return { field: at, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { field: at, message: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'not':
      return { field: at, message: 'conflicting fields (see the schema description)' };
    default:
      return { field: at || '(root)', message: e.message ?? e.keyword };
  }
}

// Combinators report a summary beside the specific errors of their branches; a `type` error at a
// path that also has a more specific error is the other oneOf branch failing. Keep the useful ones.
function prune(all: ErrorObject[]): ErrorObject[] {
  // The key-level error of propertyNames says which key; its inner errors only repeat the pattern.
  const errors = all.filter((e) => e.propertyName === undefined);
  const specific = new Set(
    errors.filter((e) => !['oneOf', 'anyOf', 'allOf', 'type', 'if', 'propertyNames'].includes(e.keyword)).map((e) => e.instancePath),
  );
  const kept = errors.filter(
    (e) => !(['oneOf', 'anyOf', 'allOf', 'if'].includes(e.keyword) || (e.keyword === 'type' && specific.has(e.instancePath))),
  );
  const seen = new Set<string>();
  return (kept.length ? kept : errors).filter((e) => {
    const k = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

/** Several `type` errors at one path (the branches of a oneOf) read as one: `must be string or object`. */
function mergeTypes(problems: Problem[]): Problem[] {
  const out: Problem[] = [];
  for (const p of problems) {
    const prev = out.find((o) => o.field === p.field && o.message.startsWith('must be ') && p.message.startsWith('must be '));
    if (prev) prev.message = `${prev.message} or ${p.message.slice('must be '.length)}`;
    else out.push({ ...p });
  }
  return out;
}

/** Every schema violation of `value`, each naming `file` and the field path. */
export function schemaProblems(schema: SchemaName, value: unknown, file: string): Problem[] {
  const v = validator(schema);
  if (v(value)) return [];
  return mergeTypes(prune(v.errors ?? []).map((e) => ({ file, ...describe(e) })));
}

/** Throws one KtsError naming the first problem's file and field, and listing the others. */
export function assertSchema(schema: SchemaName, value: unknown, file: string): void {
  const problems = schemaProblems(schema, value, file);
  if (problems.length === 0) return;
  const [first, ...rest] = problems;
  const more = rest.length ? ` (and ${rest.length} more: ${rest.map((p) => `${p.field}: ${p.message}`).join('; ')})` : '';
  throw new KtsError('schema', `${first!.message}${more}`, { file, field: first!.field });
}
