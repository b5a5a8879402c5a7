// The writer's output: text is copied as UTF-8 into one reused byte buffer and turned into a
// string in large pieces, or handed out as those bytes each time the buffer fills (to be written out). Pushing every indent, key and value as its own string and joining them
// cost more than the rest of the writer on large builds, and kept the garbage collector busy.

const FIRST_SIZE = 4096;
/** Past this size a full buffer becomes one piece of the result instead of growing further. */
const MAX_SIZE = 1 << 16;

/** The most UTF-16 units one write() copies at once: at most 3 bytes each. */
const MAX_UNITS = Math.floor(MAX_SIZE / 3);

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;

/** Shared by every sink: only one exists at a time (the writer never calls out while it writes). */
let scratch: Buffer | undefined;

export class TextSink {
  private buf: Buffer;
  private pos = 0;
  /** Whether buf[0, pos) is all ASCII (decoded as latin1, a plain copy). */
  private ascii = true;
  private readonly pieces: string[] = [];

  /**
   * Without `drain` the text is wanted as a string (finish); with it, `drain` gets the UTF-8 bytes
   * each time the buffer fills and at the end (finishBytes), and the buffer is reused once it returns.
   */
  constructor(private readonly drain?: (bytes: Uint8Array) => void) {
    this.buf = scratch ?? Buffer.allocUnsafe(FIRST_SIZE);
    scratch = undefined;
  }

  /** Appends s[from, to). */
  write(s: string, from = 0, to = s.length): void {
    // a long text goes in parts that each fit the largest buffer, never splitting a surrogate pair
    while (to - from > MAX_UNITS) {
      let end = from + MAX_UNITS;
      if (isHighSurrogate(s.charCodeAt(end - 1))) end--;
      this.write(s, from, end);
      from = end;
    }
    const n = to - from;
    // a UTF-16 unit takes at most 3 bytes of UTF-8 (a surrogate pair, 2 units, takes 4)
    if (this.pos + 3 * n > this.buf.length) this.reserve(3 * n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        pos += buf.write(s.slice(i, to), pos, 'utf8');
        this.ascii = false;
        break;
      }
      buf[pos++] = c;
    }
    this.pos = pos;
  }

  /** Appends one ASCII character. */
  writeAscii(c: number): void {
    if (this.pos === this.buf.length) this.reserve(1);
    this.buf[this.pos++] = c;
  }

  /** Appends n spaces. */
  writeSpaces(n: number): void {
    if (this.pos + n > this.buf.length) this.reserve(n);
    // (a loop: Buffer.fill's argument checks cost more than these few bytes)
    for (let k = 0; k < n; k++) this.buf[this.pos++] = 0x20;
  }

  /** The text written; the sink must not be used afterwards. */
  finish(): string {
    this.flush();
    scratch = this.buf;
    return this.pieces.length === 1 ? this.pieces[0]! : this.pieces.join('');
  }

  /** Drains the rest of the text (a sink made with `drain`); the sink must not be used afterwards. */
  finishBytes(): void {
    if (this.pos > 0) this.flush();
    scratch = this.buf;
  }

  private flush(): void {
    // (a plain Uint8Array: making a Buffer view costs more on a small build's first use)
    if (this.drain) this.drain(new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.pos));
    else this.pieces.push(this.buf.toString(this.ascii ? 'latin1' : 'utf8', 0, this.pos));
    this.pos = 0;
    this.ascii = true;
  }

  /** Makes room for `n` (at most MAX_SIZE) more bytes. */
  private reserve(n: number): void {
    if (this.pos + n > MAX_SIZE) this.flush();
    let size = this.buf.length;
    if (this.pos + n <= size) return;
    while (this.pos + n > size) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}
