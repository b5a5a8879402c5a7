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
  const qc = q.charCodeAt(0);
  const dq = q === '"';
  let out = '';
  let keep = 0; // out[0, keep) is content that trailing-whitespace trimming must not remove
  let i = start + 1;
  let run = i; // text[run, i) is ordinary text not yet in out, appended as one piece
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== qc && c !== 10 && !(dq && c === 92)) {
      i++;
      continue;
    }
    if (run < i) out += text.slice(run, i);
    if (c === qc) {
      if (!dq && text.charCodeAt(i + 1) === 39) {
        out += "'";
        i += 2;
        keep = out.length;
      } else return [out, i + 1];
    } else if (c === 10) {
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
    } else {
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
    }
    run = i;
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

/**
 * Where the plain scalar at line[from] ends: before a ` #` comment and the blanks before it. A
 * `: `, `:\t` or final `:` in it would make a mapping, which this reader leaves to the full parser.
 */
function plainEnd(line: string, from: number): number {
  let end = line.length;
  for (let i = from + 1; i < line.length; i++) {
    if (line.charCodeAt(i) === 35 && (line.charCodeAt(i - 1) === 32 || line.charCodeAt(i - 1) === 9)) {
      end = i - 1;
      break;
    }
  }
  end = trimmedEnd(line, from, end);
  for (let i = from; i < end; i++) {
    if (line.charCodeAt(i) !== 58) continue;
    const after = line.charCodeAt(i + 1);
    if (i === end - 1 || after === 32 || after === 9) unsupported('mapping in plain scalar');
  }
  return end;
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
 * Where the key that starts at `line[from]` ends: the index of the ':' after a plain or quoted
 * key (followed by a space or the line end), or -1 when the text there is not `key:`.
 */
function keyColon(line: string, from: number): number {
  const c = line.charCodeAt(from);
  if (c === 91 || c === 123) return -1; // a flow collection: a value, not a key
  if (c === 34 || c === 39) {
    let i = quoted(line, from, line.charAt(from))[1];
    while (line.charCodeAt(i) === 32) i++;
    if (line.charCodeAt(i) !== 58) return -1;
    const after = line.charCodeAt(i + 1);
    return Number.isNaN(after) || after === 32 ? i : -1;
  }
  if (c === 63 && (line.length === from + 1 || line.charCodeAt(from + 1) === 32)) unsupported('complex key');
  for (let i = from; i < line.length; i++) {
    const ch = line.charCodeAt(i);
    if (ch === 58 /* : */) {
      const after = line.charCodeAt(i + 1);
      if (Number.isNaN(after) || after === 32) {
        if (PLAIN_START_FORBIDDEN.has(line.charAt(from)) || c === 32) unsupported('unusual key');
        const end = trimmedEnd(line, from, i);
        if (end === from || (end === from + 2 && line.startsWith('<<', from))) unsupported('merge or empty key');
        return i;
      }
    } else if (ch === 35 /* # */ && i > from && line.charCodeAt(i - 1) === 32) {
      return -1;
    } else if (ch === 9) {
      return -1; // a tab in a key, or a plain scalar with a tab: not a key this reader takes
    }
  }
  return -1;
}

/** The end of line[from, end) without its trailing spaces and tabs. */
function trimmedEnd(line: string, from: number, end: number): number {
  while (end > from && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
  return end;
}

const isDash = (line: string, at: number): boolean => line.charCodeAt(at) === 45 && (line.length === at + 1 || line.charCodeAt(at + 1) === 32);

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
  /** Set by key() to the source text of a key that reads as another type. */
  private keyText: string | undefined;
  // Each line is looked at by several steps (the end of a value, the next key, a nested node):
  // next() remembers the line it found and its indentation, colon() where its key ends.
  private found = -1;
  /** The indentation of the line next() found. */
  private at = 0;
  private colonLine = -1;
  private colonFrom = -1;
  private colonIndex = -1;

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

  /** Index of the next line with content (not blank, not a comment), or `end`; sets `at` to its indentation. */
  private next(): number {
    if (this.found === this.i) return this.i;
    while (this.i < this.end) {
      const line = this.lines[this.i]!;
      const indent = indentOf(line);
      if (!isBlankOrComment(line, indent)) {
        this.found = this.i;
        this.at = indent;
        break;
      }
      this.i++;
    }
    return this.i;
  }

  /** keyColon on the current line. */
  private colon(from: number): number {
    if (this.colonLine !== this.i || this.colonFrom !== from) {
      this.colonIndex = keyColon(this.lines[this.i]!, from);
      this.colonLine = this.i;
      this.colonFrom = from;
    }
    return this.colonIndex;
  }

  document(): Json {
    if (this.next() >= this.end) return null;
    const line = this.lines[this.i]!;
    const indent = this.at;
    let value: Json;
    if (this.isCollection(line, indent)) value = this.node(indent, 'root');
    else {
      // a document may be a scalar: kustomize reads each `patchesStrategicMerge:` entry as YAML first
      this.i++;
      value = this.value(line, indent, indent, false, 'root', false);
    }
    if (this.next() < this.end) unsupported('content after the document root');
    return value;
  }

  /**
   * A block collection whose first line (the current one) starts at `indent`; `inItem`: that line
   * is a sequence item's (`- key: v`), the first key at `indent` after the dash.
   */
  private node(indent: number, place: Place, inItem = false): Json {
    const line = this.lines[this.i]!;
    if (++this.depth > MAX_DEPTH) unsupported('nesting too deep');
    try {
      if (isDash(line, indent)) return this.sequence(indent);
      if (this.colon(indent) >= 0) return this.mapping(indent, place, inItem);
      return unsupported('scalar on its own line');
    } finally {
      this.depth--;
    }
  }

  private mapping(indent: number, place: Place, inItem: boolean): JsonObject {
    const out: JsonObject = newObject();
    while (this.next() < this.end) {
      const line = this.lines[this.i]!;
      if (!inItem) {
        if (this.at < indent) break;
        if (this.at > indent) unsupported('bad indentation');
      }
      inItem = false;
      // A sequence at the keys' column only belongs to a key as its value (read there).
      if (isDash(line, indent)) unsupported('sequence inside mapping');
      const colon = this.colon(indent);
      if (colon < 0) return unsupported('expected a key');
      let key = this.key(line, indent, colon);
      if (this.keyText !== undefined && this.dialect.stringKeys) {
        if (place !== 'root' || key === 'null') unsupported('a key that is not a string');
        key = this.keyText;
      }
      const repeated = Object.prototype.hasOwnProperty.call(out, key);
      if (repeated && !this.dialect.duplicateKeys) unsupported('duplicate key');
      this.i++;
      this.plainText = undefined;
      const value = this.value(line, colon + 1, indent, true, childPlace(place, key), place === 'annotations');
      if (repeated && this.dialect.firstKeyWins) continue;
      setKey(out, key, value);
      if (this.scalarText !== undefined && (value === null || typeof value !== 'object')) markPlainText(out, key, this.scalarText);
      if (place === 'metadata' && key === 'name' && this.plainText !== undefined) recordNameText(out, this.plainText, value);
    }
    return out;
  }

  /**
   * The key in line[from, colon) (see keyColon); sets keyText to its source text when a plain key
   * reads as another type (a number, boolean, null or timestamp).
   */
  private key(line: string, from: number, colon: number): string {
    this.keyText = undefined;
    const c = line.charAt(from);
    if (c === '"' || c === "'") return quoted(line, from, c)[0];
    const raw = line.slice(from, trimmedEnd(line, from, colon));
    const v = this.dialect.resolve(raw);
    // (a timestamp resolves to other text: it is a time, not a string, in go-yaml)
    if (v === raw) return raw;
    this.keyText = raw;
    return v === null ? 'null' : String(v);
  }

  private sequence(indent: number): Json[] {
    const out: Json[] = [];
    while (this.next() < this.end) {
      const line = this.lines[this.i]!;
      if (this.at < indent) break;
      if (this.at > indent) unsupported('bad indentation');
      if (!isDash(line, indent)) break;
      let col = indent + 1;
      while (line.charCodeAt(col) === 32) col++;
      if (col < line.length && line.charCodeAt(col) !== 35) {
        if (isDash(line, col)) {
          // `- - x`: the item is a sequence starting at this column.
          this.lines[this.i] = ' '.repeat(col) + line.slice(col);
          this.found = -1;
          out.push(this.node(col, 'other'));
          continue;
        }
        if (this.colon(col) >= 0) {
          out.push(this.node(col, 'other', true));
          continue;
        }
      }
      this.i++;
      out.push(this.value(line, indent + 1, indent, false, 'other', false));
    }
    return out;
  }

  /**
   * The value after `key:` or `-` (it starts at line[from]); `indent` is the owner's column,
   * `place` where a mapping value would sit, `raw` whether a plain scalar keeps its source text.
   */
  private value(line: string, from: number, indent: number, inMapping: boolean, place: Place, raw: boolean): Json {
    let s = from;
    while (line.charCodeAt(s) === 32) s++;
    if (line.charCodeAt(s) === 9) unsupported('tab before a value');
    this.scalarText = undefined;
    if (s === line.length || line.charCodeAt(s) === 35) {
      // The value is on the following lines, or empty.
      if (this.next() < this.end) {
        const below = this.lines[this.i]!;
        const next = this.at;
        if (next > indent) return this.isCollection(below, next) ? this.node(next, place) : this.ownLineScalar(below, next, indent, raw);
        if (inMapping && next === indent && isDash(below, next)) return this.sequence(next);
      }
      this.scalarText = '';
      return null;
    }
    const c = line.charAt(s);
    let value: Json;
    if (c === '"' || c === "'") {
      value = this.quotedValue(line, s, c, indent);
    } else if (c === '|') {
      return this.literal(line.slice(s), indent, inMapping);
    } else if (c === '[' || c === '{') {
      const [v, end] = flowValue(line, s, this.dialect, place === 'annotations', false, this.depth + 1);
      expectLineEnd(line, end);
      value = v;
    } else {
      value = this.plainScalar(line, s, indent, raw, true);
    }
    // A more-indented line after a one-line scalar would continue it (a multi-line scalar).
    if (this.next() < this.end && this.at > indent) unsupported('multi-line scalar');
    return value;
  }

  private isCollection(line: string, at: number): boolean {
    return isDash(line, at) || this.colon(at) >= 0;
  }

  /** A plain or quoted scalar starting on the line after its key (`key:` then `  value`), at line[at]. */
  private ownLineScalar(line: string, at: number, indent: number, raw: boolean): Json {
    const c = line.charAt(at);
    this.i++;
    const value = c === '"' || c === "'" ? this.quotedValue(line, at, c, indent) : this.plainScalar(line, at, indent, raw, false);
    if (this.next() < this.end && this.at > indent) unsupported('multi-line scalar');
    return value;
  }

  /**
   * A plain scalar starting at line[s], with its continuation lines (deeper than `indent`);
   * `recordText`: keep the text of one that reads as another type (or a timestamp) in plainText.
   */
  private plainScalar(line: string, s: number, indent: number, raw: boolean, recordText: boolean): Json {
    const c = line.charAt(s);
    if (PLAIN_START_FORBIDDEN.has(c) || ((c === '-' || c === '?' || c === ':') && (line.length === s + 1 || line.charCodeAt(s + 1) === 32))) unsupported('indicator');
    const end = plainEnd(line, s);
    const t = line.slice(s, end);
    const plain = end === line.length ? this.plainContinuation(t, indent) : t;
    const value = raw ? plain : this.dialect.resolve(plain);
    if (raw || value === null) this.scalarText = plain;
    // (a timestamp resolves to other text: it is a time, not a string, in go-yaml)
    if (recordText && value !== plain) this.plainText = plain;
    return value;
  }

  /** A quoted scalar starting at line[start] that may continue on following lines (indented deeper than `indent`). */
  private quotedValue(line: string, start: number, q: string, indent: number): string {
    let text = line;
    for (;;) {
      try {
        const [v, end] = quoted(text, start, q);
        // (the closing quote is on the last line read)
        expectLineEnd(text, end);
        return v;
      } catch (e) {
        if (!(e instanceof Unterminated) || this.i >= this.end) throw e;
      }
      const next = this.lines[this.i]!;
      const li = indentOf(next);
      if (li < next.length && li <= indent) unsupported('quoted scalar continuation not indented');
      text += `\n${next}`;
      this.i++;
    }
  }

  /** Folds the continuation lines of a plain scalar (deeper than `indent`) into `first`. */
  private plainContinuation(first: string, indent: number): string {
    // the usual case: the next line with content is not deeper (blank and comment lines between end the scalar too)
    if (this.next() >= this.end || this.at <= indent) return first;
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
