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
 */

const PIPE = 0x7c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const CLOSE = 0x5d; // ]

export class PlainWriter {
  /** ends[k]: the index of the byte after field k of the current line (its `|` or the line end). */
  private ends: Int32Array = new Int32Array(512);
  /** The last record type seen, its bytes, and its prefix (`,"record_type":…,"values":["`). */
  private rtBytes = Buffer.alloc(0);
  private rtLayout: LineLayout | null = null;
  private rtPrefix = Buffer.alloc(0);

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
    let ends = this.ends;
    let k = 0;
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      if (c === PIPE) {
        ends[k++] = i;
        if (k === ends.length) ends = this.grow();
      } else if (c < 0x20 || c > 0x7e || c === BACKSLASH) {
        return undefined;
      }
    }
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
    const {indexes, jsonKeyBytes, types} = ll;
    const ends = this.ends;
    const buf = out.buf;
    for (let i = 0; i < indexes.length; i++) {
      const f = indexes[i];
      const a = f === 0 ? start : ends[f - 1] + 1;
      const b = ends[f];
      if (a === b) continue; // empty fields are omitted
      const key = jsonKeyBytes[i];
      buf.set(key, o); // keys are ~20–40 bytes: a native copy beats a byte loop (measured)
      o += key.length;
      const type = types[i];
      let next = -1;
      if (type === 'string') {
        buf[o++] = QUOTE;
        for (let j = a; j < b; j++) buf[o++] = bytes[j];
        buf[o++] = QUOTE;
        continue;
      } else if (type === 'number') {
        next = writeDecimal(buf, o, bytes, a, b, ll.decimalsAsText === true);
      } else if (type === 'integer') {
        next = writeInteger(buf, o, bytes, a, b);
      } else if (type === 'date') {
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
