import { isUtf8 } from 'node:buffer';
import { posix } from 'node:path';
import { KtsError } from '../errors.js';
import { redactUrl } from '../net/redact.js';
import { mapOf } from './json.js';
import { newObject } from './resource.js';
import type { GeneratorArgs, GeneratorOptions, SecretArgs } from './kustomization.js';
import type { Loader } from './loader.js';
import type { GeneratorBehavior, Json, JsonObject, Resource } from './resource.js';

// configMapGenerator / secretGenerator as kustomize's api/kv and api/internal/generators: key/value
// pairs from env files, then literals, then files; keys validated and unique; ConfigMap values
// that are not UTF-8 go to binaryData, Secret values are base64-encoded.

interface Pair {
  key: string;
  value: Buffer | string;
}

/** Where the generator was declared, for error messages. */
export interface GeneratorSite {
  file: string;
  field: string;
}

/** Surrounding quotes are removed only when the same quote closes the value. */
function removeQuotes(s: string): string {
  if (s.length < 2 || s[0] !== s[s.length - 1]) return s;
  return s[0] === '"' || s[0] === "'" ? s.slice(1, -1) : s;
}

function literalPair(source: string, site: GeneratorSite): Pair {
  const eq = source.indexOf('=');
  if (eq <= 0) throw new KtsError('generator', `invalid literal source ${source}, expected key=value`, site);
  return { key: source.slice(0, eq), value: removeQuotes(source.slice(eq + 1)) };
}

function fileSource(source: string, site: GeneratorSite): { key: string; path: string } {
  const parts = source.split('=');
  if (parts.length === 1) return { key: posix.basename(source), path: source };
  if (parts.length > 2) throw new KtsError('generator', "key names or file paths cannot contain '='", site);
  if (parts[0] === '') throw new KtsError('generator', `key name for file path ${parts[1]} missing`, site);
  if (parts[1] === '') throw new KtsError('generator', `file path for key name ${parts[0]} missing`, site);
  return { key: parts[0]!, path: parts[1]! };
}

// Go's unicode.IsSpace, which differs from JavaScript's \s (U+0085 is a space, U+FEFF is not).
const LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

const MAX_SCAN_LINE = 64 * 1024;

/**
 * Lines of an env file as kustomize's kv loader scans them: `KEY=value`, comments and blank lines
 * skipped, `KEY` alone has an empty value (kustomize v5.5.0 no longer reads the environment), a
 * line with an empty key is skipped. A BOM is dropped from the first line only. kustomize's key
 * validator is a no-op, so keys are taken as written; a line that is not UTF-8 is an error.
 */
function envPairs(bytes: Buffer, path: string, site: GeneratorSite): Pair[] {
  const out: Pair[] = [];
  const lines: Buffer[] = [];
  for (let start = 0; start < bytes.length; ) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl < 0 ? bytes.length : nl;
    // Go's bufio.Scanner gives up on a line of 64 KiB or more, and kustomize never checks its
    // error: that line and all after it are silently dropped (measured with kubectl).
    if (end - start >= MAX_SCAN_LINE) break;
    lines.push(bytes.subarray(start, end > start && bytes[end - 1] === 0x0d ? end - 1 : end));
    start = end + 1;
  }
  lines.forEach((raw, i) => {
    if (!isUtf8(raw)) throw new KtsError('generator', `env file ${path}: line ${i + 1} has invalid UTF-8 bytes`, site);
    let line = raw.toString('utf8');
    if (i === 0 && line.startsWith('\uFEFF')) line = line.slice(1);
    line = line.replace(LEADING_SPACE, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (key === '') return;
    out.push({ key, value: eq < 0 ? '' : line.slice(eq + 1) });
  });
  return out;
}

/**
 * A `files:` entry's content. kustomize splits `https://host/f?token=X` at `=` into key and path,
 * so the path is the credential: a failure names the entry with its credential removed instead.
 */
function loadFileSource(src: string, path: string, ldr: Loader, site: GeneratorSite): Buffer {
  try {
    return ldr.loadBytes(path, site);
  } catch (e) {
    const shown = redactUrl(src);
    if (shown === src || !(e instanceof KtsError)) throw e;
    throw new KtsError(e.code, `file source '${shown}' not found: kustomize reads a files: entry as key=path, so this URL's query is taken as a local path`, site);
  }
}

function pairs(args: GeneratorArgs, ldr: Loader, site: GeneratorSite): Pair[] {
  const all: Pair[] = [];
  for (const env of args.envs ?? []) all.push(...envPairs(ldr.loadBytes(env, site), env, site));
  for (const lit of args.literals ?? []) all.push(literalPair(lit, site));
  for (const src of args.files ?? []) {
    const { key, path } = fileSource(src, site);
    all.push({ key, value: loadFileSource(src, path, ldr, site) });
  }
  const seen = new Set<string>();
  for (const p of all) {
    if (seen.has(p.key)) throw new KtsError('generator', `configmap ${args.name ?? ''} illegally repeats the key \`${p.key}\``, site);
    seen.add(p.key);
  }
  return all;
}

/** kyaml's encodeBase64: base64 broken into 70-character lines, each ending in a newline, once it is that long. */
export function encodeBase64(value: Buffer | string): string {
  const enc = Buffer.from(value).toString('base64');
  if (enc.length < 70) return enc;
  let out = '';
  for (let i = 0; i < enc.length; i += 70) out += `${enc.slice(i, i + 70)}\n`;
  return out;
}

function baseObject(kind: string, args: GeneratorArgs, site: GeneratorSite): JsonObject {
  if (!args.name) throw new KtsError('generator', `a ${kind.toLowerCase()} must have a name`, site);
  const metadata = mapOf([['name', args.name ?? '']]);
  if (args.namespace) metadata.namespace = args.namespace;
  const opts = args.options;
  if (opts?.labels && Object.keys(opts.labels).length > 0) metadata.labels = mapOf(Object.entries(opts.labels));
  if (opts?.annotations && Object.keys(opts.annotations).length > 0) metadata.annotations = mapOf(Object.entries(opts.annotations));
  const obj: JsonObject = { apiVersion: 'v1', kind, metadata };
  if (opts?.immutable) obj.immutable = true;
  return obj;
}

export function makeConfigMap(args: GeneratorArgs, ldr: Loader, site: GeneratorSite): JsonObject {
  const obj = baseObject('ConfigMap', args, site);
  const data = newObject();
  const binaryData = newObject();
  for (const { key, value } of pairs(args, ldr, site)) {
    if (typeof value === 'string') data[key] = value;
    else if (isUtf8(value)) data[key] = value.toString('utf8');
    else binaryData[key] = encodeBase64(value);
  }
  if (Object.keys(data).length > 0) obj.data = data;
  if (Object.keys(binaryData).length > 0) obj.binaryData = binaryData;
  return obj;
}

export function makeSecret(args: SecretArgs, ldr: Loader, site: GeneratorSite): JsonObject {
  const obj = baseObject('Secret', args, site);
  obj.type = args.type || 'Opaque';
  const data = newObject();
  for (const { key, value } of pairs(args, ldr, site)) data[key] = encodeBase64(value);
  // unlike a ConfigMap, a Secret without data keeps `data: {}` (measured with kubectl)
  obj.data = data;
  return obj;
}

/** kustomize's MergeGlobalOptionsIntoLocal: local labels/annotations win, flags are or-ed. */
export function mergeOptions(local: GeneratorOptions | undefined, global: GeneratorOptions | undefined): GeneratorOptions | undefined {
  if (!global) return local;
  const out: GeneratorOptions = { ...(local ?? {}) };
  if (global.labels) out.labels = mapOf([...Object.entries(global.labels), ...Object.entries(local?.labels ?? {})]) as Record<string, string>;
  if (global.annotations) out.annotations = mapOf([...Object.entries(global.annotations), ...Object.entries(local?.annotations ?? {})]) as Record<string, string>;
  if (global.disableNameSuffixHash) out.disableNameSuffixHash = true;
  if (global.immutable) out.immutable = true;
  return out;
}

function behaviorOf(b: string | undefined): GeneratorBehavior {
  return b === 'merge' || b === 'replace' ? b : 'create';
}

// Characters that survive Go's JSON encoding raw but that go-yaml refuses to read back.
const UNREADABLE = /[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/u;

/**
 * kustomize turns a generated object into YAML through JSON, so a key or value holding a character
 * go-yaml cannot read (DEL, C1 controls but NEL, U+FFFE/U+FFFF) fails the build.
 */
function checkReadable(v: Json, site: GeneratorSite): void {
  if (typeof v === 'string') {
    if (UNREADABLE.test(v)) throw new KtsError('generator', `yaml: control characters are not allowed (in ${JSON.stringify(v)})`, site);
  } else if (Array.isArray(v)) {
    for (const x of v) checkReadable(x, site);
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      checkReadable(k, site);
      checkReadable(x, site);
    }
  }
}

/** One generated ConfigMap or Secret as a resource, with kustomize's generator properties. */
export function generate(kind: 'ConfigMap' | 'Secret', args: SecretArgs, ldr: Loader, site: GeneratorSite): Resource {
  const obj = kind === 'ConfigMap' ? makeConfigMap(args, ldr, site) : makeSecret(args, ldr, site);
  checkReadable(obj, site);
  return { obj, previous: [], generator: { behavior: behaviorOf(args.behavior), hash: !args.options?.disableNameSuffixHash } };
}

/** kustomize's IAMPolicyGenerator config (cloud `gke` only, as in kustomize). */
export interface IamPolicyArgs {
  cloud: string;
  kubernetesService: { name: string; namespace?: string };
  serviceAccount: { name: string; projectId: string };
}

/** The GKE workload-identity ServiceAccount kustomize's IAMPolicyGenerator makes. */
export function makeIamServiceAccount(args: IamPolicyArgs, site: GeneratorSite): JsonObject {
  if (args.cloud !== 'gke') throw new KtsError('generator', `cloud provider ${args.cloud} not supported yet`, site);
  const { serviceAccount: sa, kubernetesService: ks } = args;
  const metadata: JsonObject = {
    annotations: { 'iam.gke.io/gcp-service-account': `${sa.name}@${sa.projectId}.iam.gserviceaccount.com` },
    name: ks.name,
  };
  if (ks.namespace) metadata.namespace = ks.namespace;
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata };
}
