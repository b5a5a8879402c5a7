import { newObject, type Json, type JsonObject } from '../resource.js';
import { markPlainText } from './plainnull.js';
import { recordNameText } from './scalartext.js';
import { resolvePlainV2, resolvePlainV3, type Scalar } from './resolve.js';

// A lean reader for the block-style YAML that Kubernetes manifests are written in: nested block
// mappings and sequences, one-line plain/quoted scalars, literal blocks, empty flow collections
// and comments. Parsing with the full `yaml` package costs more than a whole kubectl build on
// large inputs; this covers the common shape in one pass over the lines. Anything outside that
// shape (anchors, tags, flow collections, folded or multi-line scalars, odd indentation, errors)
// throws Unsupported and the caller re-reads the text with the full parser, which also produces
// the error messages. So this reader only has to be right on what it accepts.

export class Unsupported extends Error {}

const unsupported = (why: string): never => {
  throw new Unsupported(why);
};

/** `obj[key] = value` that also works for a key named `__proto__` when `obj` has a prototype. */
export function setKey(obj: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function indentOf(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  return i;
}

const isBlankOrComment = (line: string, indent: number): boolean => indent === line.length || line.charCodeAt(indent) === 35;

const DQ_ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"',
  '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};
const HEX_LEN: Record<string, number> = { x: 2, u: 4, U: 8 };

const unterminated = (): never => {
  throw new Unterminated('unterminated quoted scalar');
};
class Unterminated extends Unsupported {}

/**
 * Reads a quoted scalar (`q` is `"` or `'`) starting at `text[start]`; `text` may span several
 * lines, which fold as YAML says: a line break becomes a space, empty lines become newlines,
 * whitespace around breaks is dropped, and in double quotes an escaped break joins the lines.
 * Returns the value and the index after the closing quote.
 */
function quoted(text: string, start: number, q: string): [string, number] {
  let out = '';
  let keep = 0; // out[0, keep) is content that trailing-whitespace trimming must not remove
  let i = start + 1;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (ch === q) {
      if (q === "'" && text.charAt(i + 1) === "'") {
        out += "'";
        i += 2;
        keep = out.length;
        continue;
      }
      return [out, i + 1];
    }
    if (ch === '\n') {
      out = out.slice(0, keep) + out.slice(keep).replace(/[ \t]+$/, '');
      i++;
      let blanks = 0;
      for (;;) {
        while (text.charAt(i) === ' ' || text.charAt(i) === '\t') i++;
        if (text.charAt(i) !== '\n') break;
        blanks++;
        i++;
      }
      out += blanks ? '\n'.repeat(blanks) : ' ';
      keep = out.length;
      continue;
    }
    if (q === '"' && ch === '\\') {
      const esc = text.charAt(i + 1);
      if (esc === '\n') {
        i += 2;
        while (text.charAt(i) === ' ' || text.charAt(i) === '\t') i++;
      } else if (HEX_LEN[esc]) {
        const n = HEX_LEN[esc]!;
        const hex = text.slice(i + 2, i + 2 + n);
        if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) unsupported('bad escape');
        out += String.fromCodePoint(parseInt(hex, 16));
        i += 2 + n;
      } else {
        const decoded = DQ_ESCAPES[esc];
        if (decoded === undefined) unsupported('bad escape');
        out += decoded;
        i += 2;
      }
      keep = out.length;
      continue;
    }
    out += ch;
    i++;
  }
  return unterminated();
}

/** After a scalar ends at `pos`, only spaces and a comment may follow on the line. */
function expectLineEnd(text: string, pos: number): void {
  let i = pos;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  if (i < text.length && !(text.charCodeAt(i) === 35 && i > pos)) unsupported('text after scalar');
}

/** `s` without trailing spaces and tabs: YAML's only blanks (String.trimEnd also takes NBSP and others). */
function trimBlanks(s: string): string {
  let end = s.length;
  while (end > 0 && (s.charCodeAt(end - 1) === 32 || s.charCodeAt(end - 1) === 9)) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** A comment starts at a `#` after a space or tab. */
const COMMENT = /[ \t]#/;

/** Removes a trailing ` # comment` from a plain scalar and trims it (tabs inside are text). */
function plainText(text: string): string {
  const hash = text.search(COMMENT);
  return trimBlanks(hash >= 0 ? text.slice(0, hash) : text);
}

const PLAIN_START_FORBIDDEN = new Set(['[', ']', '{', '}', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`', '#', ',']);

/** How plain scalars resolve and whether a repeated key is accepted (last wins). */
export interface Dialect {
  resolve(s: string): Scalar;
  duplicateKeys: boolean;
  /** With duplicateKeys: the first of repeated keys wins (else the last). */
  firstKeyWins?: boolean;
  /** Whether kustomize writes the documents back with go-yaml v3 and reads them again (see folded.ts). */
  rewritten: boolean;
  /**
   * go-yaml v3 decodes a nested map with a number, boolean or null key into a Go map JSON cannot
   * hold (kustomize fails); the top-level map takes such a key's text. (go-yaml v2 through JSON
   * writes any scalar key as text.)
   */
  stringKeys?: boolean;
}

/** go-yaml v3, which kustomize reads resources with. */
export const GO_YAML_V3: Dialect = { resolve: resolvePlainV3, duplicateKeys: false, rewritten: true };
/** go-yaml v3 as kustomize reads resources into JSON: keys that are not strings (see stringKeys). */
export const GO_YAML_V3_RESOURCES: Dialect = { ...GO_YAML_V3, stringKeys: true };
/** go-yaml v3 as kyaml reads a patch: a repeated key is kept, and the merge takes the first. */
export const GO_YAML_V3_PATCH: Dialect = { ...GO_YAML_V3_RESOURCES, duplicateKeys: true, firstKeyWins: true };
/** go-yaml v2 through JSON (sigs.k8s.io/yaml), which kustomize reads kustomization files with. */
export const GO_YAML_V2: Dialect = { resolve: resolvePlainV2, duplicateKeys: true, rewritten: false };
/** go-yaml v2's strict decoding (yaml.UnmarshalStrict): the same, but a repeated key is an error. */
export const GO_YAML_V2_STRICT: Dialect = { resolve: resolvePlainV2, duplicateKeys: false, rewritten: false };

/**
 * Finds `key:` at the start of `text` (a plain or quoted key followed by ': ' or ':' at the end);
 * `text` is the source text of a plain key that does not resolve to a string.
 */
function splitKey(text: string, resolve: Dialect['resolve'] = resolvePlainV3): { key: string; rest: string; text?: string } | null {
  const c = text.charAt(0);
  if (c === '[' || c === '{') return null; // a flow collection: a value, not a key
  if (c === '"' || c === "'") {
    const [key, end] = quoted(text, 0, c);
    let i = end;
    while (text.charCodeAt(i) === 32) i++;
    if (text.charCodeAt(i) !== 58) return null;
    const after = text.charCodeAt(i + 1);
    if (!(Number.isNaN(after) || after === 32)) return null;
    return { key, rest: text.slice(i + 1) };
  }
  if (c === '?' && (text.length === 1 || text.charAt(1) === ' ')) unsupported('complex key');
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 58 /* : */) {
      const after = text.charCodeAt(i + 1);
      if (Number.isNaN(after) || after === 32) {
        if (PLAIN_START_FORBIDDEN.has(c) || text.charAt(0) === ' ') unsupported('unusual key');
        const raw = trimBlanks(text.slice(0, i));
        if (raw === '<<' || raw.length === 0) unsupported('merge or empty key');
        const v = resolve(raw);
        // (a timestamp resolves to other text: it is a time, not a string, in go-yaml)
        return v === raw ? { key: v, rest: text.slice(i + 1) } : { key: v === null ? 'null' : String(v), rest: text.slice(i + 1), text: raw };
      }
    } else if (ch === 35 /* # */ && i > 0 && text.charCodeAt(i - 1) === 32) {
      return null;
    } else if (ch === 9) {
      return null; // a tab in a key, or a plain scalar with a tab: not a key this reader takes
    }
  }
  return null;
}

/** go-yaml's nesting limit (kustomize builds 9,999 nested flow sequences and refuses 10,000). */
export const MAX_DEPTH = 10_000;

const FLOW_PLAIN_END = new Set([',', '[', ']', '{', '}']);

function skipSpaces(text: string, pos: number): number {
  while (text.charCodeAt(pos) === 32) pos++;
  if (text.charCodeAt(pos) === 9) unsupported('tab in flow');
  return pos;
}

/**
 * A flow collection or scalar on one line (`[a, "b"]`, `{k: v, n: [1, 2]}`), starting at `pos`.
 * Returns the value and the index after it. Multi-line flow and implicit pairs are unsupported.
 */
function flowValue(text: string, pos: number, dialect: Dialect, rawValues = false, raw = false, depth = 1): [Json, number] {
  pos = skipSpaces(text, pos);
  const c = text.charAt(pos);
  if ((c === '[' || c === '{') && depth > MAX_DEPTH) unsupported('nesting too deep');
  if (c === '[') {
    const out: Json[] = [];
    pos = skipSpaces(text, pos + 1);
    while (text.charAt(pos) !== ']') {
      const [v, end] = flowValue(text, pos, dialect, false, false, depth + 1);
      out.push(v);
      pos = skipSpaces(text, end);
      if (text.charAt(pos) === ',') pos = skipSpaces(text, pos + 1);
      else if (text.charAt(pos) !== ']') unsupported('flow sequence');
    }
    return [out, pos + 1];
  }
  if (c === '{') {
    const out: JsonObject = newObject();
    pos = skipSpaces(text, pos + 1);
    while (text.charAt(pos) !== '}') {
      let key: string;
      const q = text.charAt(pos);
      if (q === '"' || q === "'") {
        [key, pos] = quoted(text, pos, q);
        pos = skipSpaces(text, pos);
      } else {
        const [k, end] = flowPlain(text, pos, dialect);
        if (dialect.stringKeys && k !== trimBlanks(text.slice(pos, end))) unsupported('a key that is not a string');
        key = k === null ? 'null' : String(k);
        pos = end;
      }
      if (text.charAt(pos) !== ':') return unsupported('flow mapping');
      pos = skipSpaces(text, pos + 1);
      let value: Json = null;
      // go-yaml reads a flow mapping's missing value as an empty string (a block one as null)
      const first = text.charAt(pos);
      const start = pos;
      if (first !== ',' && first !== '}') [value, pos] = flowValue(text, pos, dialect, false, rawValues, depth + 1);
      else value = '';
      const isQuoted = first === '"' || first === "'";
      if (value === null || start === pos || (rawValues && !isQuoted && typeof value === 'string')) markPlainText(out, key, text.slice(start, pos).trim());
      const repeated = Object.prototype.hasOwnProperty.call(out, key);
      if (repeated && !dialect.duplicateKeys) unsupported('duplicate key');
      if (!(repeated && dialect.firstKeyWins)) setKey(out, key, value);
      pos = skipSpaces(text, pos);
      if (text.charAt(pos) === ',') pos = skipSpaces(text, pos + 1);
      else if (text.charAt(pos) !== '}') unsupported('flow mapping');
    }
    return [out, pos + 1];
  }
  if (c === '"' || c === "'") return quoted(text, pos, c);
  const [v, end] = flowPlain(text, pos, raw ? RAW : dialect);
  if (text.charAt(end) === ':') unsupported('implicit pair in flow sequence');
  return [v, end];
}

/** A plain scalar inside a flow collection: it ends at `,[]{}`, at `: ` and at ` #`. */
function flowPlain(text: string, pos: number, dialect: Dialect): [Scalar, number] {
  const c = text.charAt(pos);
  if (PLAIN_START_FORBIDDEN.has(c) || ((c === '-' || c === '?' || c === ':') && text.charAt(pos + 1) === ' ')) unsupported('indicator in flow');
  let end = pos;
  for (; end < text.length; end++) {
    const ch = text.charAt(end);
    if (FLOW_PLAIN_END.has(ch)) break;
    if (ch === ':' && (end + 1 === text.length || text.charAt(end + 1) === ' ' || FLOW_PLAIN_END.has(text.charAt(end + 1)))) break;
    if (ch === '#' && text.charAt(end - 1) === ' ') unsupported('comment in flow');
  }
  const raw = trimBlanks(text.slice(pos, end));
  if (raw.length === 0) unsupported('empty flow scalar');
  if (raw.includes('\t')) unsupported('tab in flow');
  return [dialect.resolve(raw), end];
}

/**
 * Where a mapping sits in the document. kustomize stores a resource's own annotations as strings
 * taken from the YAML source text (`1.50` stays "1.50", `True` and `~` stay as written), so plain
 * scalars there are kept as written instead of being typed; only an empty value stays null.
 */
export type Place = 'root' | 'metadata' | 'annotations' | 'other';

export function childPlace(place: Place, key: string): Place {
  if (place === 'root' && key === 'metadata') return 'metadata';
  if (place === 'metadata' && key === 'annotations') return 'annotations';
  return 'other';
}

const RAW: Dialect = { resolve: (s) => s, duplicateKeys: false, rewritten: false };

class Reader {
  private i: number;
  private depth = 0;
  /** Set by value() to the text of a null, or of a plain scalar kept as text ('' for nothing; see plainnull.ts). */
  private scalarText: string | undefined;
  /** Set by value() to the text of a plain scalar it typed (a number, boolean or null). */
  private plainText: string | undefined;

  constructor(
    private readonly lines: string[],
    /** The lines as written, for block scalars (`lines` lose trailing whitespace with tabs). */
    private readonly raw: string[],
    start: number,
    private readonly end: number,
    private readonly dialect: Dialect,
    /** The text ends without a line break after its last line. */
    private readonly openEnd = false,
  ) {
    this.i = start;
  }

  /** Index of the next line with content (not blank, not a comment), or `end`. */
  private next(): number {
    while (this.i < this.end) {
      const line = this.lines[this.i]!;
      if (!isBlankOrComment(line, indentOf(line))) break;
      this.i++;
    }
    return this.i;
  }

  document(): Json {
    if (this.next() >= this.end) return null;
    const line = this.lines[this.i]!;
    const indent = indentOf(line);
    const value = this.node(indent, 'root');
    if (this.next() < this.end) unsupported('content after the document root');
    return value;
  }

  /** A block collection whose first line (the current one) starts at `indent`. */
  private node(indent: number, place: Place): Json {
    const text = this.lines[this.i]!.slice(indent);
    if (++this.depth > MAX_DEPTH) unsupported('nesting too deep');
    try {
      if (text.charCodeAt(0) === 45 && (text.length === 1 || text.charCodeAt(1) === 32)) return this.sequence(indent);
      if (splitKey(text)) return this.mapping(indent, place);
      return unsupported('scalar on its own line');
    } finally {
      this.depth--;
    }
  }

  private mapping(indent: number, place: Place): JsonObject {
    const out: JsonObject = newObject();
    while (this.next() < this.end) {
      const line = this.lines[this.i]!;
      const lineIndent = indentOf(line);
      if (lineIndent < indent) break;
      if (lineIndent > indent) unsupported('bad indentation');
      const text = line.slice(indent);
      // A sequence at the keys' column only belongs to a key as its value (read there).
      if (text.charCodeAt(0) === 45 && (text.length === 1 || text.charCodeAt(1) === 32)) unsupported('sequence inside mapping');
      const kv = splitKey(text, this.dialect.resolve);
      if (!kv) return unsupported('expected a key');
      if (kv.text !== undefined && this.dialect.stringKeys) {
        if (place !== 'root' || kv.key === 'null') unsupported('a key that is not a string');
        kv.key = kv.text;
      }
      const repeated = Object.prototype.hasOwnProperty.call(out, kv.key);
      if (repeated && !this.dialect.duplicateKeys) unsupported('duplicate key');
      this.i++;
      this.plainText = undefined;
      const value = this.value(kv.rest, indent, true, childPlace(place, kv.key), place === 'annotations');
      if (repeated && this.dialect.firstKeyWins) continue;
      setKey(out, kv.key, value);
      if (this.scalarText !== undefined && (value === null || typeof value !== 'object')) markPlainText(out, kv.key, this.scalarText);
      if (place === 'metadata' && kv.key === 'name' && this.plainText !== undefined) recordNameText(out, this.plainText);
    }
    return out;
  }

  private sequence(indent: number): Json[] {
    const out: Json[] = [];
    while (this.next() < this.end) {
      const line = this.lines[this.i]!;
      const lineIndent = indentOf(line);
      if (lineIndent < indent) break;
      if (lineIndent > indent) unsupported('bad indentation');
      if (!(line.charCodeAt(indent) === 45 && (line.length === indent + 1 || line.charCodeAt(indent + 1) === 32))) break;
      let col = indent + 1;
      while (line.charCodeAt(col) === 32) col++;
      const rest = line.slice(col);
      if (rest.length > 0 && rest.charCodeAt(0) !== 35) {
        const nested = rest.charCodeAt(0) === 45 && (rest.length === 1 || rest.charCodeAt(1) === 32);
        if (nested || splitKey(rest)) {
          // `- key: v` / `- - x`: the item is a collection starting at this column.
          this.lines[this.i] = ' '.repeat(col) + rest;
          out.push(this.node(col, 'other'));
          continue;
        }
      }
      this.i++;
      out.push(this.value(line.slice(indent + 1), indent, false, 'other', false));
    }
    return out;
  }

  /**
   * The value after `key:` or `-` (text is the rest of that line); `indent` is the owner's column,
   * `place` where a mapping value would sit, `raw` whether a plain scalar keeps its source text.
   */
  private value(rest: string, indent: number, inMapping: boolean, place: Place, raw: boolean): Json {
    let s = 0;
    while (rest.charCodeAt(s) === 32) s++;
    if (rest.charCodeAt(s) === 9) unsupported('tab before a value');
    this.scalarText = undefined;
    if (s === rest.length || rest.charCodeAt(s) === 35) {
      // The value is on the following lines, or empty.
      if (this.next() < this.end) {
        const line = this.lines[this.i]!;
        const next = indentOf(line);
        if (next > indent) return this.isCollection(line.slice(next)) ? this.node(next, place) : this.ownLineScalar(line.slice(next), indent, raw);
        if (inMapping && next === indent && line.charCodeAt(next) === 45 && (line.length === next + 1 || line.charCodeAt(next + 1) === 32)) {
          return this.sequence(next);
        }
      }
      this.scalarText = '';
      return null;
    }
    const text = rest.slice(s);
    const c = text.charAt(0);
    let value: Json;
    if (c === '"' || c === "'") {
      value = this.quotedValue(text, c, indent);
    } else if (c === '|') {
      return this.literal(text, indent, inMapping);
    } else if (c === '[' || c === '{') {
      const [v, end] = flowValue(text, 0, this.dialect, place === 'annotations', false, this.depth + 1);
      expectLineEnd(text, end);
      value = v;
    } else {
      if (PLAIN_START_FORBIDDEN.has(c)) unsupported('indicator');
      if ((c === '-' || c === '?' || c === ':') && (text.length === 1 || text.charCodeAt(1) === 32)) unsupported('indicator');
      const t = plainText(text);
      if (t.includes(': ') || t.endsWith(':') || t.includes(':\t')) unsupported('mapping in plain scalar');
      const plain = t.length === text.length ? this.plainContinuation(t, indent) : t;
      value = raw ? plain : this.dialect.resolve(plain);
      if (raw || value === null) this.scalarText = plain;
      if (typeof value !== 'string') this.plainText = plain;
    }
    // A more-indented line after a one-line scalar would continue it (a multi-line scalar).
    if (this.next() < this.end && indentOf(this.lines[this.i]!) > indent) unsupported('multi-line scalar');
    return value;
  }

  private isCollection(text: string): boolean {
    return (text.charCodeAt(0) === 45 && (text.length === 1 || text.charCodeAt(1) === 32)) || splitKey(text) !== null;
  }

  /** A plain or quoted scalar starting on the line after its key (`key:` then `  value`). */
  private ownLineScalar(text: string, indent: number, raw: boolean): Json {
    const c = text.charAt(0);
    let value: Json;
    this.i++;
    if (c === '"' || c === "'") value = this.quotedValue(text, c, indent);
    else {
      if (PLAIN_START_FORBIDDEN.has(c) || ((c === '-' || c === '?' || c === ':') && (text.length === 1 || text.charCodeAt(1) === 32))) unsupported('indicator');
      const t = plainText(text);
      if (t.includes(': ') || t.endsWith(':') || t.includes(':\t')) unsupported('mapping in plain scalar');
      const plain = t.length === text.length ? this.plainContinuation(t, indent) : t;
      value = raw ? plain : this.dialect.resolve(plain);
      if (raw || value === null) this.scalarText = plain;
    }
    if (this.next() < this.end && indentOf(this.lines[this.i]!) > indent) unsupported('multi-line scalar');
    return value;
  }

  /** A quoted scalar that may continue on following lines (indented deeper than `indent`). */
  private quotedValue(first: string, q: string, indent: number): string {
    let text = first;
    for (;;) {
      try {
        const [v, end] = quoted(text, 0, q);
        expectLineEnd(text.slice(text.lastIndexOf('\n') + 1), end - (text.lastIndexOf('\n') + 1));
        return v;
      } catch (e) {
        if (!(e instanceof Unterminated) || this.i >= this.end) throw e;
      }
      const line = this.lines[this.i]!;
      const li = indentOf(line);
      if (li < line.length && li <= indent) unsupported('quoted scalar continuation not indented');
      text += `\n${line}`;
      this.i++;
    }
  }

  /** Folds the continuation lines of a plain scalar (deeper than `indent`) into `first`. */
  private plainContinuation(first: string, indent: number): string {
    let folded = first;
    let blanks = 0;
    let j = this.i;
    while (j < this.end) {
      const line = this.lines[j]!;
      const li = indentOf(line);
      if (li === line.length) {
        blanks++;
        j++;
        continue;
      }
      if (li <= indent || line.charCodeAt(li) === 35) break;
      // go-yaml skips the blanks that start a continuation line, tabs included
      const t = trimBlanks(line.slice(li)).replace(/^\t[ \t]*/, '');
      if (t === '' || t.charCodeAt(0) === 35) unsupported('tab before a comment or on a blank line');
      if (t.includes(': ') || t.endsWith(':') || COMMENT.test(t) || t.startsWith('- ') || t === '-' || t.includes(':\t')) unsupported('plain continuation');
      folded += (blanks ? '\n'.repeat(blanks) : ' ') + t;
      blanks = 0;
      j++;
      this.i = j;
    }
    return folded;
  }

  /** A literal block scalar (`|`, `|-`, `|+`, with an optional indentation indicator). */
  private literal(header: string, indent: number, inMapping: boolean): string {
    const m = /^\|([1-9])?([+-])?([1-9])?(?: +#.*)? *$/.exec(header);
    if (!m || (m[1] && m[3])) return unsupported('block scalar header');
    const chomp = m[2] ?? '';
    const explicit = m[1] ?? m[3];
    if (explicit && !inMapping) unsupported('indentation indicator in a sequence');
    let contentIndent = explicit ? indent + Number(explicit) : -1;
    const parts: string[] = [];
    let trailingBlank = 0;
    let leadingMax = 0;
    while (this.i < this.end) {
      const line = this.raw[this.i]!;
      const li = indentOf(line);
      if (li < line.length && line.trim() === '' && (contentIndent < 0 || li < contentIndent)) unsupported('tab in indentation');
      if (li === line.length) {
        // blank line: content if it has spaces beyond the content indent
        if (contentIndent < 0) leadingMax = Math.max(leadingMax, li);
        if (contentIndent >= 0 && li > contentIndent) {
          parts.push(...Array<string>(trailingBlank).fill(''), line.slice(contentIndent));
          trailingBlank = 0;
        } else trailingBlank++;
        this.i++;
        continue;
      }
      if (contentIndent < 0) {
        if (li <= indent) break;
        if (leadingMax > li) unsupported('leading blank line more indented');
        contentIndent = li;
      }
      if (li < contentIndent) break;
      parts.push(...Array<string>(trailingBlank).fill(''), line.slice(contentIndent));
      trailingBlank = 0;
      this.i++;
    }
    // At the end of a text without a final line break, the last line has no break to keep.
    const lastBreak = this.openEnd && this.i === this.lines.length ? 0 : 1;
    if (parts.length === 0) {
      return chomp === '+' ? '\n'.repeat(Math.max(0, trailingBlank - 1 + lastBreak)) : '';
    }
    const body = parts.join('\n');
    if (chomp === '-') return body;
    if (trailingBlank === 0) return lastBreak ? `${body}\n` : body;
    if (chomp === '+') return `${body}\n${'\n'.repeat(trailingBlank - 1 + lastBreak)}`;
    return `${body}\n`;
  }
}

/**
 * A line without the trailing run of spaces and tabs (YAML ignores it outside block scalars). A
 * line of nothing but whitespace stays as it is: a tab there is indentation, which go-yaml refuses.
 */
function withoutTrailingTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
  if (end === 0 || end === line.length) return line;
  if (line.charCodeAt(end - 1) === 92 /* \\ */) unsupported('escaped whitespace at the end of a line');
  return line.slice(0, end);
}

/** Splits at `---` lines and reads each document; throws Unsupported when the text needs the full parser. */
export function fastParseDocuments(text: string, dialect: Dialect = GO_YAML_V3): Json[] {
  if (text.includes('\r') || text.includes('\u2028') || text.includes('\u2029') || text.charCodeAt(0) === 0xfeff) unsupported('CR, LS, PS or BOM');
  const raw = text.split('\n');
  const openEnd = raw[raw.length - 1] !== '';
  if (!openEnd) raw.pop(); // the final newline ends the last line
  const lines = text.includes('\t') ? raw.map(withoutTrailingTabs) : raw;
  // .inf and .nan are numbers JSON cannot hold: the full parser reports them with their line
  const finite: Dialect = {
    ...dialect,
    resolve: (s) => {
      const v = dialect.resolve(s);
      return typeof v === 'number' && !Number.isFinite(v) ? unsupported('infinity or NaN') : v;
    },
  };
  const out: Json[] = [];
  let start = 0;
  const flush = (end: number): void => {
    const v = new Reader(lines, raw, start, end, finite, openEnd && end === lines.length).document();
    if (v !== null) out.push(v);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.charCodeAt(0) === 45 && line.startsWith('---')) {
      if (line.length > 3 && !/^---\s*(#.*)?$/.test(line)) unsupported('content after ---');
      flush(i);
      start = i + 1;
    } else if (line.charCodeAt(0) === 46 && line.startsWith('...')) unsupported('document end marker');
    else if (line.charCodeAt(0) === 37) unsupported('directive');
  }
  flush(lines.length);
  return out;
}
