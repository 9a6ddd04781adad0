import {JsonBytes} from './json-bytes';
import {LineLayout, typedValue} from './layouts';
import {
  DOT,
  isCalendarDate,
  isDigit,
  MINUS,
  PLUS,
  SLASH,
  ZERO,
} from './layouts/convert';
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
 * the error). A typed value its byte rules do not cover — a number of more than
 * 15 significant digits, anything invalid — is converted from its text by the
 * full path's converter, which also throws its exact error.
 */

const PIPE = 0x7c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const CLOSE = 0x5d; // ]

/**
 * A decimal of at most 15 significant digits is the text of exactly one
 * double, and JS prints that double as its shortest form: the same digits
 * without a `+`, leading or trailing zeros — while it is written without an
 * exponent (from 1e-6 up to 1e21).
 */
const MAX_EXACT_DIGITS = 15;
/** Zeros after the point before the first digit that JS still prints in full (0.000001 → "0.000001", 1e-7 → "1e-7"). */
const MAX_LEADING_FRACTION_ZEROS = 5;

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
      for (let j = 0; j < key.length; j++) buf[o++] = key[j];
      const type = types[i];
      let next = -1;
      if (type === 'string') {
        buf[o++] = QUOTE;
        for (let j = a; j < b; j++) buf[o++] = bytes[j];
        buf[o++] = QUOTE;
        continue;
      } else if (type === 'number') {
        next = ll.decimalsAsText
          ? writeDecimalText(buf, o, bytes, a, b)
          : writeDecimal(buf, o, bytes, a, b);
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

/**
 * `[+-]?(\d+(\.\d*)?|\.\d+)` of at most {@link MAX_EXACT_DIGITS} significant
 * digits, written as JS writes the number (`+600.1100` → `600.11`, `-0` →
 * `0`); -1 for anything else.
 */
function writeDecimal(
  buf: Buffer,
  o: number,
  bytes: Buffer,
  a: number,
  b: number
): number {
  let i = a;
  const sign = bytes[i];
  if (sign === PLUS || sign === MINUS) i++;
  const intStart = i;
  while (i < b && isDigit(bytes[i])) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < b && bytes[i] === DOT) {
    fracStart = ++i;
    while (i < b && isDigit(bytes[i])) i++;
    fracEnd = i;
  }
  if (i !== b || (intEnd === intStart && fracEnd === fracStart)) return -1;
  let intFrom = intStart;
  while (intFrom < intEnd && bytes[intFrom] === ZERO) intFrom++;
  while (fracEnd > fracStart && bytes[fracEnd - 1] === ZERO) fracEnd--;
  const intDigits = intEnd - intFrom;
  const fracDigits = fracEnd - fracStart;
  if (intDigits === 0 && fracDigits === 0) {
    buf[o++] = ZERO; // zero, -0 included
    return o;
  }
  let digits = intDigits + fracDigits;
  if (intDigits === 0) {
    let lead = fracStart;
    while (bytes[lead] === ZERO) lead++;
    if (lead - fracStart > MAX_LEADING_FRACTION_ZEROS) return -1;
    digits -= lead - fracStart;
  }
  if (digits > MAX_EXACT_DIGITS) return -1;
  if (sign === MINUS) buf[o++] = MINUS;
  if (intDigits === 0) buf[o++] = ZERO;
  for (let j = intFrom; j < intEnd; j++) buf[o++] = bytes[j];
  if (fracDigits > 0) {
    buf[o++] = DOT;
    for (let j = fracStart; j < fracEnd; j++) buf[o++] = bytes[j];
  }
  return o;
}

/**
 * `amounts_as: string`: a decimal `[+-]?(\d+(\.\d*)?|\.\d+)` as the JSON
 * string of its exact text without a leading `+` (what toDecimalString
 * gives); -1 for anything else (a currency symbol takes the exact path).
 */
function writeDecimalText(
  buf: Buffer,
  o: number,
  bytes: Buffer,
  a: number,
  b: number
): number {
  let i = a;
  const sign = bytes[i];
  if (sign === PLUS || sign === MINUS) i++;
  const from = sign === PLUS ? a + 1 : a;
  let digits = 0;
  while (i < b && isDigit(bytes[i])) {
    i++;
    digits++;
  }
  if (i < b && bytes[i] === DOT) {
    i++;
    while (i < b && isDigit(bytes[i])) {
      i++;
      digits++;
    }
  }
  if (i !== b || digits === 0) return -1;
  buf[o++] = QUOTE;
  for (let j = from; j < b; j++) buf[o++] = bytes[j];
  buf[o++] = QUOTE;
  return o;
}

/** `[+-]?\d+` of at most {@link MAX_EXACT_DIGITS} digits, as JS writes it; -1 otherwise. */
function writeInteger(
  buf: Buffer,
  o: number,
  bytes: Buffer,
  a: number,
  b: number
): number {
  let i = a;
  const sign = bytes[i];
  if (sign === PLUS || sign === MINUS) i++;
  if (i === b || b - i > MAX_EXACT_DIGITS) return -1;
  for (let j = i; j < b; j++) if (!isDigit(bytes[j])) return -1;
  while (i < b - 1 && bytes[i] === ZERO) i++;
  if (sign === MINUS && !(b - i === 1 && bytes[i] === ZERO)) buf[o++] = MINUS;
  for (let j = i; j < b; j++) buf[o++] = bytes[j];
  return o;
}

/** A valid `YYYY-MM-DD` or `YYYY/MM/DD`, written `"YYYY-MM-DD"`; -1 otherwise. */
function writeDate(
  buf: Buffer,
  o: number,
  bytes: Buffer,
  a: number,
  b: number
): number {
  if (b - a !== 10) return -1;
  const sep = bytes[a + 4];
  if ((sep !== MINUS && sep !== SLASH) || bytes[a + 7] !== sep) return -1;
  let year = 0;
  for (let j = a; j < a + 4; j++) {
    if (!isDigit(bytes[j])) return -1;
    year = year * 10 + bytes[j] - ZERO;
  }
  const m1 = bytes[a + 5];
  const m2 = bytes[a + 6];
  const d1 = bytes[a + 8];
  const d2 = bytes[a + 9];
  if (!isDigit(m1) || !isDigit(m2) || !isDigit(d1) || !isDigit(d2)) return -1;
  const month = (m1 - ZERO) * 10 + m2 - ZERO;
  const day = (d1 - ZERO) * 10 + d2 - ZERO;
  if (!isCalendarDate(year, month, day)) return -1;
  buf[o++] = QUOTE;
  for (let j = a; j < b; j++) buf[o++] = bytes[j] === SLASH ? MINUS : bytes[j];
  buf[o++] = QUOTE;
  return o;
}
