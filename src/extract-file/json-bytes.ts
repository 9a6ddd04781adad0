/**
 * A growing byte buffer that record JSON is written into. Building each
 * record as a JS string (hundreds of pieces: 400 `values`, ~100 typed
 * columns) and encoding it for stdout cost more than parsing the file;
 * writing printable-ASCII text byte by byte into one buffer per batch is
 * about twice as fast end to end (measured on 100 MB SAE files, see README).
 *
 * Batches go to stdout as views of the writer's buffer (a slab: 1 MB at
 * first, grown to fit); a slab is reused once every view cut from it has
 * been handed back ({@link releaseBytes}: output.ts does once stdout has
 * written it). A fresh slab every few batches meant fresh pages for the
 * kernel to fault in and zero, and major GCs paced by the buffers waiting in
 * stdout's queue: 40 MB of RSS and ~6 % of a 200 MB sae_rows read (README
 * "Benchmark").
 */
import {isMainThread} from 'worker_threads';

import {Spares} from './spares';

const SLAB_BYTES = 1 << 20;
/**
 * Spare slabs kept per thread. Batches of a 1 MB read chunk of SAE lines are
 * ~2.5 MB of records, so a slab grows to 8 MB and stdout (which holds 4 MB,
 * output.ts STDOUT_QUEUE_BYTES) has at most 2 in use at a time. A parse
 * worker writes a region's records (~2.5 MB for 512 KB of SAE text) into
 * 1 MB slabs, a batch of lines at a time, and copies them out before the
 * next region (emit-worker.ts): it keeps the slabs of one region.
 */
const SPARE_SLABS = isMainThread ? 2 : 4;

interface Slab {
  /** Views taken from it and not yet released. */
  out: number;
  /** Still written into by its JsonBytes. */
  current: boolean;
}

const spares = new Spares<Buffer>(SPARE_SLABS);
const slabs = new WeakMap<Buffer, Slab>(); // a slab by its buffer
const releasers = new WeakMap<Buffer, () => void>(); // handed-out bytes → who takes them back

/** The smallest spare slab of at least `bytes`, or a new one. */
function newSlab(bytes: number): Buffer {
  const buf = spares.take(bytes) ?? Buffer.allocUnsafe(bytes);
  slabs.set(buf, {out: 0, current: true});
  return buf;
}

function spare(buf: Buffer, slab: Slab): void {
  if (slab.out > 0 || slab.current) return;
  spares.keep(buf);
}

/**
 * Hands back a batch's bytes (from {@link JsonBytes.take}, or registered with
 * {@link onRelease}) once nothing will read them again — written to stdout,
 * or copied. Other bytes, and bytes handed back twice, are ignored; bytes
 * never handed back are simply garbage-collected.
 */
export function releaseBytes(bytes: Buffer): void {
  const fn = releasers.get(bytes);
  if (!fn) return;
  releasers.delete(bytes);
  fn();
}

/** Batch bytes that can be reused: `fn` runs when they are handed back ({@link releaseBytes}). */
export function onRelease(bytes: Buffer, fn: () => void): void {
  releasers.set(bytes, fn);
}

export class JsonBytes {
  /** The buffer and the bytes used; hot loops write through these directly (after `reserve`). */
  buf: Buffer;
  len = 0;
  /** Where the bytes not yet taken begin (what {@link take} handed out before stays untouched). */
  private start = 0;

  constructor(initialBytes = SLAB_BYTES) {
    this.buf = newSlab(initialBytes);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const used = this.len - this.start;
    const next = newSlab(Math.max(this.buf.length * 2, used + n));
    this.buf.copy(next, 0, this.start, this.len);
    this.retire();
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
    const buf = this.buf;
    const slab = slabs.get(buf);
    if (slab && out.length) {
      slab.out++;
      onRelease(out, () => {
        slab.out--;
        spare(buf, slab);
      });
    }
    if (this.buf.length - this.len < out.length) {
      const size = this.buf.length;
      this.retire();
      this.buf = newSlab(size);
      this.len = 0;
    }
    this.start = this.len;
    return out;
  }

  /** The writer is done (its file is): its slab is reused once its views are back. */
  retire(): void {
    const slab = slabs.get(this.buf);
    if (!slab) return;
    slab.current = false;
    spare(this.buf, slab);
  }
}
