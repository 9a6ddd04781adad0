/**
 * A growing byte buffer that record JSON is written into. Building each
 * record as a JS string (hundreds of pieces: 400 `values`, ~100 typed
 * columns) and encoding it for stdout cost more than parsing the file;
 * writing printable-ASCII text byte by byte into one buffer per batch is
 * about twice as fast end to end (measured on 100 MB SAE files, see README).
 */
export class JsonBytes {
  /** The buffer and the bytes used; hot loops write through these directly (after `reserve`). */
  buf: Buffer;
  len = 0;
  /** Where the bytes not yet taken begin (what {@link take} handed out before stays untouched). */
  private start = 0;

  constructor(initialBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const used = this.len - this.start;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, used + n));
    this.buf.copy(next, 0, this.start, this.len);
    this.buf = next;
    this.start = 0;
    this.len = used;
  }

  /** Text known to be ASCII (callers reserve room first: `reserve(s.length)`). */
  ascii(s: string): void {
    const buf = this.buf;
    let len = this.len;
    for (let i = 0; i < s.length; i++) buf[len++] = s.charCodeAt(i);
    this.len = len;
  }

  /** Raw bytes (callers reserve room first). */
  bytes(b: Uint8Array): void {
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /**
   * `["f0","f1",…]` from the text of a plain record (printable ASCII, no `"`):
   * its fields are exactly `text.split('|')` (callers reserve room first:
   * 3 bytes per `|` and 4 more).
   */
  asciiFields(text: string): void {
    const buf = this.buf;
    let len = this.len;
    buf[len++] = 0x5b; // [
    buf[len++] = 0x22; // "
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x7c) {
        buf[len++] = 0x22; // "
        buf[len++] = 0x2c; // ,
        buf[len++] = 0x22; // "
      } else {
        buf[len++] = c;
      }
    }
    buf[len++] = 0x22;
    buf[len++] = 0x5d; // ]
    this.len = len;
  }

  /** Any text, UTF-8 encoded (reserves room itself). */
  utf8(s: string): void {
    this.reserve(Buffer.byteLength(s));
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  /**
   * The bytes written since the last take, as a view the writer never writes
   * again; the writer starts over empty. The next bytes go after them in the
   * same buffer while another batch of the same size fits (one allocation
   * per few batches instead of one per batch: a fresh 1 MB buffer per batch
   * was ~15 % of sae_rows' CPU in GC and allocation). Writes past the buffer's end would be dropped silently by the
   * typed array, so a batch whose length passed the capacity is refused.
   */
  take(): Buffer {
    if (this.len > this.buf.length) {
      throw new Error(
        `JsonBytes overflow: ${this.len} bytes written into ${this.buf.length}`
      );
    }
    const out = this.buf.subarray(this.start, this.len);
    if (this.buf.length - this.len < out.length) {
      this.buf = Buffer.allocUnsafe(this.buf.length);
      this.len = 0;
    }
    this.start = this.len;
    return out;
  }
}
