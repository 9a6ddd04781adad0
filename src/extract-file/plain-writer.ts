import {writeDate, writeDecimal, writeInteger} from './byte-values';
import {JsonBytes} from './json-bytes';
import {LineLayout, typedValue} from './layouts';
import {RawLine} from './parser';
import {LineTyper} from './typer';

/**
 * The byte writer: a plain line (printable ASCII without `"` or `\`, nearly
 * every SAE line) goes from its bytes to its record's JSON bytes in one pass —
 * no string per field, no `String.split`. It writes exactly what the full
 * path (index.ts `writePlain`: split, type, write) writes for the same line;
 * test/file.plain-writer.test.ts compares the two on every kind of field.
 *
 * A line it cannot write as bytes is left to the full path, with nothing
 * written: a byte that is not plain, a header (its layout depends on its
 * width), a field count that does not match the layout (the full path names
 * the error). The per-layout streams (sae_rows, prae_rows) use the same field
 * split and column writing without the values ({@link PlainWriter.split},
 * {@link PlainWriter.writeColumns}). A typed value its byte rules do not cover — a number of more than
 * 15 significant digits, anything invalid — is converted from its text by the
 * full path's converter, which also throws its exact error. The values'
 * byte rules: byte-values.ts.
 *
 * Per line, the cost is its ~400 fields, of which ~60 are written: the field
 * split has no branch per byte, runs of empty fields are skipped 4 at a time
 * (`||||` read as one word), and a column's key and text are written as
 * 32-bit words through DataViews (a native copy per key, or a byte loop, was
 * ~16 % slower for split and columns together; README "Benchmark"). A word
 * may write up to 3 bytes past its key or text: the next bytes written
 * overwrite them, and the room reserved for a line (its bytes plus
 * `jsonBudget`) covers the last.
 */

const PIPE = 0x7c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const CLOSE = 0x5d; // ]
const PIPES = 0x7c7c7c7c; // `||||`

/** 1 for the bytes a plain line has none of: controls, `\\` and anything above `~`. */
const NOT_PLAIN = new Uint8Array(256).map((_, c) =>
  c < 0x20 || c > 0x7e || c === BACKSLASH ? 1 : 0
);

const STRING = 0;
const NUMBER = 1;
const INTEGER = 2;
const DATE = 3;
const KINDS: Record<string, number> = {
  string: STRING,
  number: NUMBER,
  integer: INTEGER,
  date: DATE,
};

/** A line layout's columns for the byte loop: typed arrays of small ints, and the JSON keys as 32-bit words. */
interface Plan {
  fields: Int32Array;
  kinds: Uint8Array;
  words: Uint32Array;
  /** first[i]: key i's first word; first[i + 1] its end (each key padded to a whole word). */
  first: Int32Array;
  lengths: Int32Array;
  /** The columns are the fields after the record type, in order (SAE DETAIL lines): column i is field i + 1. */
  consecutive: boolean;
}

const PLANS = new WeakMap<LineLayout, Plan>();

function planOf(ll: LineLayout): Plan {
  let plan = PLANS.get(ll);
  if (plan) return plan;
  const keys = ll.jsonKeyBytes;
  const first = new Int32Array(keys.length + 1);
  const lengths = new Int32Array(keys.length);
  let n = 0;
  keys.forEach((k, i) => {
    first[i] = n;
    lengths[i] = k.length;
    n += Math.ceil(k.length / 4);
  });
  first[keys.length] = n;
  const bytes = Buffer.alloc(n * 4);
  keys.forEach((k, i) => k.copy(bytes, first[i] * 4));
  const words = new Uint32Array(n);
  for (let w = 0; w < n; w++) words[w] = bytes.readUInt32LE(w * 4);
  plan = {
    fields: Int32Array.from(ll.indexes),
    kinds: Uint8Array.from(ll.types, (t) => KINDS[t] ?? 255),
    words,
    first,
    lengths,
    consecutive: ll.indexes.every((f, i) => f === i + 1),
  };
  PLANS.set(ll, plan);
  return plan;
}

export class PlainWriter {
  /** ends[k]: the index of the byte after field k of the current line (its `|` or the line end). */
  private ends: Int32Array = new Int32Array(512);
  /** The last record type seen, its bytes, and its prefix (`,"record_type":…,"values":["`). */
  private rtBytes = Buffer.alloc(0);
  private rtLayout: LineLayout | null = null;
  private rtPrefix = Buffer.alloc(0);

  /** Views of the output buffer and of the input bytes, for words of 4 bytes (cached per buffer). */
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private viewOf?: Buffer;
  private inView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private inOf?: Buffer;

  constructor(private readonly typer: LineTyper) {}

  /**
   * Writes the line's `,"record_type":…,"layout":…,"values":[…]` and typed
   * columns into `out`; false, with nothing written, when the line must take
   * the full path.
   */
  write(out: JsonBytes, line: RawLine): boolean {
    const {bytes, start, end} = line;
    let first = start;
    while (first < end && bytes[first] !== PIPE) first++;
    const ll = this.lineLayout(bytes, start, first);
    if (ll === undefined) return false;

    const n = end - start;
    // values: ≤ 3 bytes per byte (`|` → `","`); columns: their raw bytes plus keys and quotes.
    out.reserve(this.rtPrefix.length + 4 * n + 8 + (ll ? ll.jsonBudget : 0));
    const mark = out.len;
    const buf = out.buf;
    let o = mark;
    const prefix = this.rtPrefix;
    for (let i = 0; i < prefix.length; i++) buf[o++] = prefix[i];

    let ends = this.ends;
    let k = 0;
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      if (c === PIPE) {
        ends[k++] = i;
        if (k === ends.length) ends = this.grow();
        buf[o++] = QUOTE;
        buf[o++] = COMMA;
        buf[o++] = QUOTE;
      } else if (c < 0x20 || c > 0x7e || c === BACKSLASH) {
        return false; // `"` cannot occur: the parser gives raw lines only without one
      } else {
        buf[o++] = c;
      }
    }
    ends[k++] = end;
    buf[o++] = QUOTE;
    buf[o++] = CLOSE;
    if (ll === null) {
      out.len = o;
      return true;
    }
    if (k !== ll.fieldCount) return false;
    out.len = this.columns(out, o, ll, bytes, start);
    return true;
  }

  /**
   * For the per-layout streams (layout-rows.ts), which write no values: the
   * line layout of a plain line (null: the line has none) with its fields
   * split, for {@link writeColumns}; undefined when the line must take the
   * full path (a byte that is not plain, a header, a field count that does
   * not match its layout).
   */
  split(line: RawLine): LineLayout | null | undefined {
    const {bytes, start, end} = line;
    let first = start;
    while (first < end && bytes[first] !== PIPE) first++;
    const ll = this.lineLayout(bytes, start, first);
    if (!ll) return ll;
    // Without a branch per byte (like the first pass, detail-bytes.ts): every byte's offset is stored, the slot
    // advances past a `|` only, and a byte that is not plain is noted, not tested.
    let ends = this.ends;
    while (ends.length <= end - start) ends = this.grow();
    let k = 0;
    let notPlain = 0;
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      ends[k] = i;
      k += +(c === PIPE);
      notPlain |= NOT_PLAIN[c];
    }
    if (notPlain) return undefined;
    ends[k++] = end;
    return k === ll.fieldCount ? ll : undefined;
  }

  /** The typed columns of the line just {@link split} as `,"name":value…`, appended to `out`. */
  writeColumns(out: JsonBytes, ll: LineLayout, line: RawLine): void {
    out.reserve(line.end - line.start + ll.jsonBudget);
    out.len = this.columns(out, out.len, ll, line.bytes, line.start);
  }

  /** The typed columns as `,"name":value…` from byte `o` of `out`; returns the end. */
  private columns(
    out: JsonBytes,
    o: number,
    ll: LineLayout,
    bytes: Buffer,
    start: number
  ): number {
    const plan = planOf(ll);
    const {fields, kinds, words, first, lengths, consecutive} = plan;
    const ends = this.ends;
    const buf = out.buf;
    if (this.viewOf !== buf) {
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
      this.viewOf = buf;
    }
    if (this.inOf !== bytes) {
      this.inView = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      this.inOf = bytes;
    }
    const view = this.view;
    const inView = this.inView;
    const wordEnd = bytes.length - 3;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      let a = f === 0 ? start : ends[f - 1] + 1;
      const b = ends[f];
      if (a === b) {
        // Empty fields are omitted. Most are, in runs: while the 4 bytes after this one's `|` (at a) are `||||`,
        // the next 4 fields are empty too.
        if (consecutive) {
          while (
            a + 1 < wordEnd &&
            i + 4 < fields.length &&
            inView.getUint32(a + 1, true) === PIPES
          ) {
            a += 4;
            i += 4;
          }
        }
        continue;
      }
      const stop = first[i + 1];
      let k = o;
      for (let w = first[i]; w < stop; w++) {
        view.setUint32(k, words[w], true);
        k += 4;
      }
      o += lengths[i];
      const kind = kinds[i];
      let next = -1;
      if (kind === STRING) {
        buf[o++] = QUOTE;
        if (b < wordEnd) {
          for (let j = a; j < b; j += 4) {
            view.setUint32(o, inView.getUint32(j, true), true);
            o += 4;
          }
          o -= (4 - ((b - a) & 3)) & 3;
        } else {
          for (let j = a; j < b; j++) buf[o++] = bytes[j];
        }
        buf[o++] = QUOTE;
        continue;
      } else if (kind === NUMBER) {
        next = writeDecimal(buf, o, bytes, a, b, ll.decimalsAsText === true);
      } else if (kind === INTEGER) {
        next = writeInteger(buf, o, bytes, a, b);
      } else if (kind === DATE) {
        next = writeDate(buf, o, bytes, a, b);
      }
      if (next >= 0) {
        o = next;
        continue;
      }
      // Outside the byte rules: the full path's conversion (and its error).
      const value = typedValue(ll, i, bytes.toString('latin1', a, b));
      const text = typeof value === 'number' ? String(value) : `"${value}"`;
      for (let j = 0; j < text.length; j++) buf[o++] = text.charCodeAt(j);
    }
    return o;
  }

  /** The line layout of the record type in `bytes[start, end)`, with its prefix (cached for runs of one type). */
  private lineLayout(
    bytes: Buffer,
    start: number,
    end: number
  ): LineLayout | null | undefined {
    const cached = this.rtBytes;
    if (cached.length === end - start && cached.length > 0) {
      let same = true;
      for (let i = 0; i < cached.length && same; i++) {
        same = cached[i] === bytes[start + i];
      }
      if (same) return this.rtLayout;
    }
    const recordType = bytes.toString('latin1', start, end);
    const ll = this.typer.plainLayout(recordType);
    if (ll === undefined) return undefined;
    this.rtBytes = Buffer.from(bytes.subarray(start, end));
    this.rtLayout = ll;
    // A record type that is not plain never gets past the scan: the prefix may be anything then.
    this.rtPrefix = Buffer.from(
      `,"record_type":"${recordType}","layout":${ll ? `"${ll.layout}"` : 'null'},"values":["`,
      'latin1'
    );
    return ll;
  }

  private grow(): Int32Array {
    const next = new Int32Array(this.ends.length * 2);
    next.set(this.ends);
    this.ends = next;
    return next;
  }
}
