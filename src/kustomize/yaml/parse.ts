import { createRequire } from 'node:module';
import type { Node, Scalar, YAMLMap } from 'yaml';
import { KtsError } from '../../errors.js';
import { foldedAsKustomizeReads } from './folded.js';
import { markPlainText } from './plainnull.js';
import { recordNameText } from './scalartext.js';
import { newObject, type Json, type JsonObject } from '../resource.js';
import { childPlace, fastParseDocuments, GO_YAML_V2, GO_YAML_V2_STRICT, GO_YAML_V3, GO_YAML_V3_PATCH, GO_YAML_V3_RESOURCES, MAX_DEPTH, setKey, Unsupported, type Dialect, type Place } from './fastparse.js';

// kustomize reads YAML with go-yaml v3 and turns every resource into JSON. The `yaml` package
// parses (failsafe schema: every scalar stays text), then this walk gives each scalar the type
// go-yaml v3 would (`0777` is octal, `yes` is a string, timestamps stay strings), follows
// aliases and applies `<<` merge keys.

const TAG = 'tag:yaml.org,2002:';

// The `yaml` package is dozens of CommonJS files; most builds never need it (the fast reader
// handles them), so it is loaded on first use instead of at start-up.
let yamlLib: typeof import('yaml') | undefined;
const lib = (): typeof import('yaml') => (yamlLib ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

/**
 * A block scalar's text. The `yaml` package ends one on the last line of a text without a final
 * line break with a line break anyway; go-yaml does not (kustomize then prints `|-`).
 */
function blockText(node: Scalar, source: string, dialect: Dialect): string {
  let text = String(node.value ?? '');
  const end = node.range?.[1];
  if (end === source.length && text.endsWith('\n') && !/[\n\r]$/.test(source) && /\S[^\n]*$/.test(source)) text = text.slice(0, -1);
  return node.type === 'BLOCK_FOLDED' && dialect.rewritten ? foldedAsKustomizeReads(text) : text;
}

/** An untagged scalar, or one tagged `!!null`: go-yaml resolves it as a null node (when empty). */
function nullTagged(node: Scalar): boolean {
  return node.tag === undefined || node.tag === `${TAG}null` || node.tag === '!!null';
}

function scalarValue(node: Scalar, dialect: Dialect, raw: boolean, source: string): Json {
  const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
  const text = block ? blockText(node, source, dialect) : String(node.value ?? '');
  const tag = node.tag?.startsWith(TAG) ? node.tag.slice(TAG.length) : node.tag?.startsWith('!!') ? node.tag.slice(2) : undefined;
  if (tag === 'str' || tag === 'binary') return text;
  if (tag === 'int' || tag === 'float' || tag === 'bool' || tag === 'null') {
    const v = dialect.resolve(text);
    return typeof v === 'string' ? text : v;
  }
  if (node.tag !== undefined || node.type !== 'PLAIN') return text;
  if (raw) return text === '' ? null : text;
  return dialect.resolve(text);
}

// go-yaml's decoder fails "excessive aliasing" when, past 1,000 decoded nodes of which over 100
// came through aliases, the share of aliased nodes exceeds a ratio falling from 99% (up to
// 400,000 nodes) to 10% (from 4,000,000): a billion-laughs document stops in milliseconds.
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

class Converter {
  /** The latest node defined for each anchor, in document order (aliases refer back). */
  private readonly anchors = new Map<string, Node>();
  /** Collections being converted, to tell an alias to an enclosing node (a cycle). */
  private readonly open = new Set<unknown>();
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  /** The alias being expanded at the top level, which errors inside the expansion point at. */
  private aliasAt: unknown;

  constructor(
    private readonly dialect: Dialect,
    private readonly file: string,
    private readonly text: string,
  ) {}

  private fail(message: string, node: unknown): never {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    throw new KtsError('yaml', `invalid YAML: ${message}`, { file: this.file, line: range ? lineOf(this.text, range[0]) : undefined });
  }

  /** `place`: where a mapping value would sit; `raw`: plain scalars keep their text (see Place). */
  value(node: unknown, place: Place = 'other', raw = false): Json {
    if (node === null || node === undefined) return null;
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (this.aliasCount > 100 && this.decodeCount > 1000 && this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)) {
      this.fail('document contains excessive aliasing', this.aliasAt ?? node);
    }
    const { isAlias, isMap, isScalar, isSeq } = lib();
    if (isAlias(node)) {
      const target = this.anchors.get(node.source);
      if (target === undefined) this.fail(`unknown anchor '${node.source}' referenced`, node);
      if (this.open.has(target)) this.fail(`anchor '${node.source}' value contains itself`, node);
      if (this.aliasDepth++ === 0) this.aliasAt = node;
      const v = this.value(target, place, raw);
      if (--this.aliasDepth === 0) this.aliasAt = undefined;
      return v;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor !== undefined && this.aliasDepth === 0) this.anchors.set(anchor, node as Node);
    if (isScalar(node)) {
      const v = scalarValue(node, this.dialect, raw, this.text);
      // kustomize writes every object as JSON, which has no infinity or NaN
      if (typeof v === 'number' && !Number.isFinite(v)) this.fail(`json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`, node);
      return v;
    }
    if (this.open.size >= MAX_DEPTH) this.fail(`exceeded max depth of ${MAX_DEPTH}`, node);
    this.open.add(node);
    try {
      if (isSeq(node)) return node.items.map((item) => this.value(item));
      if (isMap(node)) return this.map(node, place);
      return null;
    } finally {
      this.open.delete(node);
    }
  }

  private map(node: YAMLMap, place: Place): JsonObject {
    const out: JsonObject = newObject();
    const merges: JsonObject[] = [];
    const { isAlias, isPair, isScalar } = lib();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key as Node | null;
      if (isScalar(key) && key.type === 'PLAIN' && key.value === '<<' && key.tag === undefined) {
        // A map merging itself adds nothing its own keys do not already hold (kustomize ignores it).
        const self = (v: unknown): boolean => isAlias(v) && this.anchors.get(v.source) === node;
        const { isSeq } = lib();
        if (self(pair.value)) continue;
        const values = isSeq(pair.value) ? pair.value.items.filter((v) => !self(v)).map((v) => this.value(v)) : [this.value(pair.value)];
        if (!values.every(isMap)) this.fail('map merge requires map or sequence of maps as the value', pair.value ?? key);
        merges.push(...values);
        continue;
      }
      const name = this.keyText(key, place);
      // go-yaml reads a flow mapping's missing value as an empty string (a block one as null)
      const missing = pair.value === null || (isScalar(pair.value) && pair.value.type === 'PLAIN' && String(pair.value.value ?? '') === '');
      const value = node.flow === true && missing ? '' : this.value(pair.value, childPlace(place, name), place === 'annotations');
      if (this.dialect.firstKeyWins && Object.prototype.hasOwnProperty.call(out, name)) continue;
      setKey(out, name, value);
      const keptText = place === 'annotations' && isScalar(pair.value) && pair.value.type === 'PLAIN' && pair.value.tag === undefined;
      if (pair.value === null) markPlainText(out, name, '');
      else if (isScalar(pair.value) && (keptText || value === null || (missing && nullTagged(pair.value)))) markPlainText(out, name, String(pair.value.value ?? ''));
      // (a timestamp resolves to other text: it is a time, not a string, in go-yaml)
      if (place === 'metadata' && name === 'name' && isScalar(pair.value) && pair.value.type === 'PLAIN' && value !== String(pair.value.value ?? '')) {
        recordNameText(out, String(pair.value.value ?? ''), value);
      }
    }
    if (merges.length === 0) return out;
    // Explicit keys win over merged ones; within a merge list, earlier maps win.
    const merged: JsonObject = newObject();
    for (const src of merges.reverse()) for (const k of Object.keys(src)) setKey(merged, k, src[k]!);
    for (const k of Object.keys(out)) setKey(merged, k, out[k]!);
    return merged;
  }

  private keyText(key: Node | null, place: Place): string {
    const v = this.value(key);
    // go-yaml decodes a mapping with a list or map key into a Go map JSON cannot hold
    if (v !== null && typeof v === 'object') this.fail('invalid map key (a list or map)', key);
    const { isScalar } = lib();
    const text = isScalar(key) ? String(key.value ?? '') : '';
    // (a plain timestamp resolves to other text: it is a time, not a string, in go-yaml)
    const typed = typeof v !== 'string' || (isScalar(key) && key.type === 'PLAIN' && key.tag === undefined && v !== text);
    if (!typed) return v;
    if (!this.dialect.stringKeys) return v === null ? 'null' : String(v);
    if (place === 'root' && v !== null) return text;
    return this.fail(`json: unsupported type: the key ${text || 'null'} is not a string (quote it)`, key);
  }
}

const isMap = (v: Json): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export interface ParseOptions {
  /**
   * Read with go-yaml v2 through JSON (sigs.k8s.io/yaml), as kustomize reads kustomization files
   * and JSON patches: yes/no/on/off are booleans and a repeated key is accepted (the last one
   * wins). Resources are read with go-yaml v3, which has neither.
   */
  goYamlV2?: boolean;
  /** With goYamlV2: decode strictly (yaml.UnmarshalStrict), so a repeated key is an error. */
  strict?: boolean;
  /** Read a strategic-merge patch as kyaml does: a repeated key is accepted and the first one wins. */
  patch?: boolean;
  /** Read Kubernetes objects as kustomize turns them into JSON (see Dialect.stringKeys). */
  resources?: boolean;
}

function dialectOf(opts: ParseOptions): Dialect {
  if (!opts.goYamlV2) return opts.patch ? GO_YAML_V3_PATCH : opts.resources ? GO_YAML_V3_RESOURCES : GO_YAML_V3;
  return opts.strict ? GO_YAML_V2_STRICT : GO_YAML_V2;
}

// go-yaml's reader refuses these anywhere in a stream, even inside quotes: C0 controls but tab and
// line breaks, DEL, C1 controls but NEL, and the non-characters U+FFFE/U+FFFF.
const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]/;

/**
 * How often the fast reader handed a text to the full parser, and why (the first construct it
 * does not read); `npm run bench` reports it, since the full parser costs start-up time.
 */
export const readerStats = { texts: 0, fallbacks: 0, reasons: new Map<string, number>() };

/**
 * go-yaml reads CR LF, a lone CR and NEL as line breaks (a block scalar gets '\n' for each), and
 * skips a byte order mark at the start. Both readers then see '\n' only. (U+2028/U+2029 are not
 * normalized: go-yaml breaks lines at them but keeps them inside block scalars.)
 */
function normalizeBreaks(text: string): string {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return t.includes('\r') || t.includes('\x85') ? t.replace(/\r\n?|\x85/g, '\n') : t;
}

/**
 * kustomize (kyaml) splits a stream of resources at `---` lines and decodes one document from
 * each part: what follows a `...` line in a part is never read, and a `...` before any content
 * is an error. The lines it never reads are blanked, so that line numbers stay.
 */
function withoutUnreadParts(text: string, file: string): string {
  if (!text.startsWith('...') && !text.includes('\n...')) return text;
  const lines = text.split('\n');
  let content = false;
  let unread = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^---([ \t]|$)/.test(line)) {
      unread = false;
      content = !/^---[ \t]*(#.*)?$/.test(line);
    } else if (unread) lines[i] = '';
    else if (/^\.\.\.([ \t]|$)/.test(line)) {
      if (!content) throw new KtsError('yaml', 'invalid YAML: did not find expected node content', { file, line: i + 1 });
      unread = true;
      lines[i] = '';
    } else if (!/^[ \t]*(#.*)?$/.test(line)) content = true;
  }
  return lines.join('\n');
}

/** Parses a multi-document YAML text; empty documents are dropped. Errors name `file` and the line. */
export function parseYamlDocuments(source: string, file: string, opts: ParseOptions = {}): Json[] {
  const control = CONTROL.exec(source);
  if (control) throw new KtsError('yaml', 'invalid YAML: control characters are not allowed', { file, line: lineOf(source, control.index) });
  const text = opts.resources ? withoutUnreadParts(normalizeBreaks(source), file) : normalizeBreaks(source);
  // kustomize splits a file at `---` itself and hands each part to go-yaml, so a directive never
  // precedes its document start there: every %YAML or %TAG line is refused.
  const directive = text.charCodeAt(0) === 37 ? 0 : text.indexOf('\n%');
  if (directive >= 0) {
    const line = lineOf(text, directive) + (directive > 0 ? 1 : 0);
    throw new KtsError('yaml', 'invalid YAML: directives (%YAML, %TAG) are not accepted, as in kustomize', { file, line });
  }
  readerStats.texts++;
  try {
    return fastParseDocuments(text, dialectOf(opts));
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    readerStats.fallbacks++;
    readerStats.reasons.set(e.message, (readerStats.reasons.get(e.message) ?? 0) + 1);
  }
  return fullParseDocuments(text, file, opts);
}

/**
 * go-yaml takes a tab for the start of a token where a simple key may begin in block context: at
 * the start of a line (before a key, a comment, or alone) and after a `-`; there it fails with
 * "found character that cannot start any token", where the `yaml` package reads the tab as blank.
 * Scalars and flow collections (which may continue on tab-indented lines) are left out.
 */
function checkBlockTabs(docs: import('yaml').Document.Parsed[], text: string, file: string): void {
  if (!text.includes('\t')) return;
  const { isCollection, isScalar, visit } = lib();
  const spans: [number, number][] = [];
  for (const doc of docs) {
    visit(doc, (_key, node) => {
      const range = (node as { range?: [number, number, number] }).range;
      if (!range) return undefined;
      if (isScalar(node) || (isCollection(node) && node.flow === true)) {
        spans.push([range[0], range[2]]);
        return visit.SKIP;
      }
      return undefined;
    });
  }
  let offset = 0;
  for (const [i, line] of text.split('\n').entries()) {
    const start = offset;
    offset += line.length + 1;
    if (!line.includes('\t') || spans.some(([a, b]) => start > a && start < b)) continue;
    if (/^ *(?:- +)*(?:-[ ]*)?\t/.test(line)) throw new KtsError('yaml', 'invalid YAML: found character that cannot start any token (a tab)', { file, line: i + 1 });
  }
}

/** The complete YAML parser: every construct, and the error messages. */
export function fullParseDocuments(text: string, file: string, opts: ParseOptions = {}): Json[] {
  const out: Json[] = [];
  const docs = lib().parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: !dialectOf(opts).duplicateKeys, strict: false });
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      const line = err.linePos?.[0]?.line ?? lineOf(text, err.pos[0]);
      const reason = err.code === 'DUPLICATE_KEY' ? 'mapping key already defined' : err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new KtsError('yaml', `invalid YAML: ${reason}`, { file, line });
    }
  }
  if (opts.resources || opts.goYamlV2) checkBlockTabs([...docs], text, file);
  for (const doc of docs) {
    const v = new Converter(dialectOf(opts), file, text).value(doc.contents, 'root');
    if (v !== null) out.push(v);
  }
  return out;
}
