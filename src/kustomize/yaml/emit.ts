import type { Json } from '../resource.js';
import { compareKeys } from './sortkeys.js';
import { plainResolvesToString } from './resolve.js';
import { goFloat } from './numbers.js';
import { TextSink } from './textsink.js';

// kustomize prints each resource as sigs.k8s.io/yaml.JSONToYAML does: the object goes through
// JSON and is marshalled by go-yaml v2, whose emitter is a port of libyaml. This is a port of
// the parts of that emitter a JSON value can reach (block style, sorted keys, 2-space indent,
// indentless sequences in mappings, 80-column folding, libyaml's scalar style selection), so the
// bytes match. Names follow emitterc.go to keep the two comparable.

const BEST_INDENT = 2;
const BEST_WIDTH = 80;
const MAX_SIMPLE_KEY_LENGTH = 128;

type Style = 'plain' | 'single' | 'double' | 'literal';

interface Analysis {
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

const isBreak = (c: number): boolean => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;
const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;
const isPrintable = (c: number): boolean =>
  c === 0x0a ||
  (c >= 0x20 && c <= 0x7e) ||
  (c >= 0xa0 && c <= 0xd7ff) ||
  (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);

// Scalars are walked by code point over the string itself (never as an array of code points or
// one output piece per character): a value of a few hundred MB must not exceed V8's array limits.
const width = (c: number): number => (c > 0xffff ? 2 : 1);

const FIRST_INDICATORS = new Set(Array.from('#,[]{}&*!|>\'"%@`', (c) => c.charCodeAt(0)));
const FLOW_INDICATORS = new Set(Array.from(',?[]{}', (c) => c.charCodeAt(0)));

/** yaml_emitter_analyze_scalar */
function analyze(s: string): Analysis {
  const n = s.length;
  if (n === 0) {
    return { multiline: false, flowPlainAllowed: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  }
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;

  if (s.startsWith('---') || s.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  for (let i = 0, w = 1; i < n; i += w) {
    const c = s.codePointAt(i)!;
    w = width(c);
    const last = i + w >= n;
    // blanks are ASCII, so the next UTF-16 unit tells
    const followedByWhitespace = last || isBlank(s.charCodeAt(i + w));
    if (i === 0) {
      if (FIRST_INDICATORS.has(c)) {
        flowIndicators = true;
        blockIndicators = true;
      } else if (c === 0x3f || c === 0x3a) {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (c === 0x2d && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else if (FLOW_INDICATORS.has(c)) {
      flowIndicators = true;
    } else if (c === 0x3a) {
      flowIndicators = true;
      if (followedByWhitespace) blockIndicators = true;
    } else if (c === 0x23 && precededByWhitespace) {
      flowIndicators = true;
      blockIndicators = true;
    }

    if (!isPrintable(c)) specialCharacters = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(c) || isBreak(c);
  }

  const a: Analysis = { multiline: lineBreaks, flowPlainAllowed: true, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
    a.blockAllowed = false;
  }
  if (lineBreaks) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (flowIndicators) a.flowPlainAllowed = false;
  if (blockIndicators) a.blockPlainAllowed = false;
  return a;
}

/** encoder.stringv followed by yaml_emitter_select_scalar_style (block context, flow level 0). */
function selectStyle(s: string, a: Analysis, simpleKey: boolean): Style {
  let style: Style = s.includes('\n') ? 'literal' : plainResolvesToString(s) ? 'plain' : 'double';
  if (simpleKey && a.multiline) style = 'double';
  if (style === 'plain') {
    if (!a.blockPlainAllowed) style = 'single';
    if (s.length === 0 && simpleKey) style = 'single';
  }
  if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
  if (style === 'literal' && (!a.blockAllowed || simpleKey)) style = 'double';
  return style;
}

const HEX = '0123456789ABCDEF';

/** The characters that may not start a plain scalar written by fastPlain: the indicators, and `-`, `?`, `:` (all ASCII). */
const FIRST_INDICATOR = new Uint8Array(128);
for (const c of [...FIRST_INDICATORS, 0x2d, 0x3f, 0x3a]) FIRST_INDICATOR[c] = 1;

/** Whether the key has only ASCII letters, '.', '/' and '-' (the keys whose go-yaml order is code-point order). */
function isPlainKey(k: string): boolean {
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i) | 0x20; // lower-cases letters; '.', '/' and '-' already have the bit
    if (!((c >= 0x61 && c <= 0x7a) || c === 0x2e || c === 0x2f || c === 0x2d)) return false;
  }
  return true;
}

/** Maps up to this size are sorted by insertion: no allocation, and one pass when already in order (most are). */
const INSERTION_SORT_MAX = 32;

/** Sorts in go-yaml v2 order; for the usual keys (letters, '.', '/', '-') that is code-point order. */
function sortKeys(keys: string[]): void {
  let plain = true;
  for (let i = 0; i < keys.length && plain; i++) plain = isPlainKey(keys[i]!);
  if (!plain) keys.sort(compareKeys);
  else if (keys.length > INSERTION_SORT_MAX) keys.sort();
  else {
    for (let i = 1; i < keys.length; i++) {
      const k = keys[i]!;
      let j = i - 1;
      for (; j >= 0 && keys[j]! > k; j--) keys[j + 1] = keys[j]!;
      keys[j + 1] = k;
    }
  }
}

class Emitter {
  readonly sink: TextSink;
  column = 0;
  whitespace = true;
  indention = true;
  openEnded = false;
  indent = -1;

  constructor(drain?: (bytes: Uint8Array) => void) {
    this.sink = new TextSink(drain);
  }

  private put(s: string): void {
    this.sink.write(s);
    this.column += s.length;
  }

  private putBreak(): void {
    this.sink.writeAscii(0x0a);
    this.column = 0;
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    if (this.column < indent) {
      this.sink.writeSpaces(indent - this.column);
      this.column = indent;
    }
    this.whitespace = true;
    this.indention = true;
  }

  writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(indicator);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }

  private increaseIndent(flow: boolean, indentless: boolean): number {
    const saved = this.indent;
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
    return saved;
  }

  /** yaml_emitter_emit_node for one JSON value (`mapping`: a mapping's value; never a simple key). */
  node(value: Json, root: boolean, mapping: boolean): void {
    if (Array.isArray(value)) {
      if (value.length === 0) return this.emptyFlow('[', ']');
      return this.blockSequence(value, mapping);
    }
    if (value !== null && typeof value === 'object') {
      // Most maps have plain keys already in order: those are written as a for-in lists them,
      // without a key list (for-in reads V8's cache of the keys, Object.keys copies it).
      let size = 0;
      let inOrder = true;
      let previous = '';
      for (const key in value) {
        if (inOrder && ((size > 0 && previous > key) || !isPlainKey(key))) inOrder = false;
        previous = key;
        size++;
      }
      if (size === 0) return this.emptyFlow('{', '}');
      return this.blockMapping(value, inOrder ? null : Object.keys(value));
    }
    if (typeof value !== 'string') return this.writeScalar(scalarText(value), 'plain', false, root);
    if (root || !this.fastPlain(value)) this.writeScalar(value, selectStyle(value, analyze(value), false), false, root);
  }

  private emptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.writeIndicator(close, false, false, false);
  }

  private blockSequence(items: Json[], mappingContext: boolean): void {
    const saved = this.increaseIndent(false, mappingContext && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, false, false);
    }
    this.indent = saved;
  }

  /** A non-empty map; `keys` to sort, or null when its own order (for-in) is the sorted one. */
  private blockMapping(map: { [k: string]: Json }, keys: string[] | null): void {
    const saved = this.increaseIndent(false, false);
    if (keys === null) {
      for (const key in map) this.mappingEntry(key, map[key]!);
    } else {
      sortKeys(keys);
      for (const key of keys) this.mappingEntry(key, map[key]!);
    }
    this.indent = saved;
  }

  private mappingEntry(key: string, value: Json): void {
    this.writeIndent();
    if (this.fastPlain(key)) {
      this.writeIndicator(':', false, false, false);
      this.node(value, false, true);
      return;
    }
    const a = analyze(key);
    if (!a.multiline && Buffer.byteLength(key) <= MAX_SIMPLE_KEY_LENGTH) {
      this.writeScalar(key, selectStyle(key, a, true), true, false);
      this.writeIndicator(':', false, false, false);
    } else {
      this.writeIndicator('?', true, false, true);
      this.writeScalar(key, selectStyle(key, a, false), false, false);
      this.writeIndent();
      this.writeIndicator(':', true, false, true);
    }
    this.node(value, false, true);
  }

  /**
   * The common case without the general machinery: a printable ASCII string that stays plain and
   * cannot reach the folding column. Returns false (having written nothing) otherwise.
   */
  private fastPlain(s: string): boolean {
    const n = s.length;
    if (n === 0 || n > 128) return false;
    // printable ASCII, no indicator first, no space last, no ': ', ' #' or final ':'
    const first = s.charCodeAt(0);
    if (first <= 0x20 || first > 0x7e || FIRST_INDICATOR[first] === 1 || s.charCodeAt(n - 1) === 0x20) return false;
    let spaces = false;
    for (let i = 1; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x20) {
        if (s.charCodeAt(i + 1) === 0x23) return false;
        spaces = true;
      } else if (c === 0x3a) {
        if (i + 1 === n || s.charCodeAt(i + 1) === 0x20) return false;
      } else if (c < 0x20 || c > 0x7e) return false;
    }
    if (spaces && this.column + 1 + n > BEST_WIDTH) return false;
    if (n >= 3 && (s.startsWith('---') || s.startsWith('...'))) return false;
    if (!plainResolvesToString(s)) return false;
    if (!this.whitespace) {
      this.sink.writeAscii(0x20);
      this.column++;
    }
    this.sink.write(s);
    this.column += n;
    this.whitespace = false;
    this.indention = false;
    return true;
  }

  /** A scalar in the style chosen for it (`simpleKey`: a mapping key written before its ':'). */
  private writeScalar(text: string, style: Style, simpleKey: boolean, root: boolean): void {
    const saved = this.increaseIndent(true, false);
    const allowBreaks = !simpleKey;
    switch (style) {
      case 'plain':
        this.writePlain(text, allowBreaks, root);
        break;
      case 'single':
        this.writeSingleQuoted(text, allowBreaks);
        break;
      case 'double':
        this.writeDoubleQuoted(text, allowBreaks);
        break;
      case 'literal':
        this.writeLiteral(text);
        break;
    }
    this.indent = saved;
  }

  // The writers below count columns per code point and push the text between two special
  // positions as one slice of the scalar (`from` is where the unwritten text starts).
  private flush(s: string, from: number, to: number): void {
    if (to > from) this.sink.write(s, from, to);
  }

  private writePlain(s: string, allowBreaks: boolean, root: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    let from = 0;
    for (let i = 0, w = 1; i < s.length; i += w) {
      const c = s.codePointAt(i)!;
      w = width(c);
      if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && s.charCodeAt(i + 1) !== 0x20) {
          this.flush(s, from, i);
          this.writeIndent();
          from = i + 1;
        } else this.column++;
        spaces = true;
      } else {
        this.column++;
        this.indention = false;
        spaces = false;
      }
    }
    this.flush(s, from, s.length);
    this.whitespace = false;
    this.indention = false;
    if (root) this.openEnded = true;
  }

  private writeSingleQuoted(s: string, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    let from = 0;
    for (let i = 0, w = 1; i < s.length; i += w) {
      const c = s.codePointAt(i)!;
      w = width(c);
      if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i + 1 < s.length && s.charCodeAt(i + 1) !== 0x20) {
          this.flush(s, from, i);
          this.writeIndent();
          from = i + 1;
        } else this.column++;
        spaces = true;
      } else if (isBreak(c)) {
        this.flush(s, from, i);
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        from = i + w;
        this.indention = true;
        breaks = true;
      } else {
        if (breaks || c === 0x27) {
          this.flush(s, from, i);
          from = i;
          if (breaks) this.writeIndent();
          if (c === 0x27) this.put("'");
        }
        this.column++;
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.flush(s, from, s.length);
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(s: string, allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    let spaces = false;
    let from = 0;
    for (let i = 0, w = 1; i < s.length; i += w) {
      const c = s.codePointAt(i)!;
      w = width(c);
      if (!isPrintable(c) || c === 0xfeff || isBreak(c) || c === 0x22 || c === 0x5c) {
        this.flush(s, from, i);
        this.put('\\');
        this.put(escapeFor(c));
        from = i + w;
        spaces = false;
      } else if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i + 1 < s.length) {
          this.flush(s, from, i);
          this.writeIndent();
          if (s.charCodeAt(i + 1) === 0x20) this.put('\\');
          from = i + 1;
        } else this.column++;
        spaces = true;
      } else {
        this.column++;
        spaces = false;
      }
    }
    this.flush(s, from, s.length);
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(s: string): void {
    this.writeIndicator('|', true, false, false);
    this.writeBlockScalarHints(s);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    let from = 0;
    for (let i = 0, w = 1; i < s.length; i += w) {
      const c = s.codePointAt(i)!;
      w = width(c);
      if (isBreak(c)) {
        this.flush(s, from, i);
        this.writeBreak(c);
        from = i + w;
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) {
          this.flush(s, from, i);
          from = i;
          this.writeIndent();
        }
        this.column++;
        this.indention = false;
        breaks = false;
      }
    }
    this.flush(s, from, s.length);
  }

  private writeBlockScalarHints(s: string): void {
    const n = s.length;
    const first = s.charCodeAt(0);
    if (first === 0x20 || isBreak(first)) this.writeIndicator(String(BEST_INDENT), false, false, false);
    this.openEnded = false;
    let chomp = '';
    // line breaks are all in the BMP, so the last UTF-16 units tell
    if (n === 0 || !isBreak(s.charCodeAt(n - 1))) chomp = '-';
    else if (n === 1 || isBreak(s.charCodeAt(n - 2))) {
      chomp = '+';
      this.openEnded = true;
    }
    if (chomp) this.writeIndicator(chomp, false, false, false);
  }

  /** write_break: a '\n' is written as a line break, other break characters as themselves. */
  private writeBreak(c: number): void {
    if (c === 0x0a) this.putBreak();
    else {
      this.sink.write(String.fromCodePoint(c));
      this.column = 0;
    }
  }

  /** One document, then yaml_emitter_emit_document_end (implicit) and the stream end. */
  document(value: Json): void {
    this.column = 0;
    this.whitespace = true;
    this.indention = true;
    this.openEnded = false;
    this.indent = -1;
    this.node(value, true, false);
    this.writeIndent();
    if (this.openEnded) {
      this.writeIndicator('...', true, false, false);
      this.writeIndent();
    }
  }
}

function escapeFor(c: number): string {
  switch (c) {
    case 0x00: return '0';
    case 0x07: return 'a';
    case 0x08: return 'b';
    case 0x09: return 't';
    case 0x0a: return 'n';
    case 0x0b: return 'v';
    case 0x0c: return 'f';
    case 0x0d: return 'r';
    case 0x1b: return 'e';
    case 0x22: return '"';
    case 0x5c: return '\\';
    case 0x85: return 'N';
    case 0xa0: return '_';
    case 0x2028: return 'L';
    case 0x2029: return 'P';
  }
  const [prefix, width] = c <= 0xff ? ['x', 2] : c <= 0xffff ? ['u', 4] : ['U', 8];
  let hex = '';
  for (let k = (width - 1) * 4; k >= 0; k -= 4) hex += HEX[(c >> k) & 0xf];
  return prefix + hex;
}

function scalarText(v: Exclude<Json, Json[] | { [k: string]: Json }>): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'bigint') return String(v);
  return v;
}

/** One YAML document as kustomize prints it (sorted keys, go-yaml v2 style), ending in a newline. */
export function emitYaml(value: Json): string {
  const e = new Emitter();
  e.document(value);
  return e.sink.finish();
}

/** Several documents separated by `---` lines, as `kustomize build` prints a resource list. */
export function emitDocuments(values: Json[]): string {
  return writeDocuments(new Emitter(), values).sink.finish();
}

/**
 * emitDocuments as UTF-8 bytes, handed to `drain` piece by piece (each piece is overwritten once
 * drain returns): a large build is written out without ever being one string or one buffer.
 */
export function emitDocumentsTo(values: Json[], drain: (bytes: Uint8Array) => void): void {
  writeDocuments(new Emitter(drain), values).sink.finishBytes();
}

function writeDocuments(e: Emitter, values: Json[]): Emitter {
  for (let i = 0; i < values.length; i++) {
    if (i > 0) e.sink.write('---\n');
    e.document(values[i]!);
  }
  return e;
}
