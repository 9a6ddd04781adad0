import {withContext} from '../errors';
import {plainDate, plainFigure} from './byte-checks';
import {LineLayout, typedValue} from './layouts';
import {JOURNAL_AMOUNT} from './verify';

const PIPE = 0x7c;

/** `||||` */
const PIPES = 0x7c7c7c7c;
const LOW7 = 0x7f7f7f7f;

/** How many of a 32-bit word's 4 bytes are `|` (a zero byte of w ^ PIPES, without a carry between bytes). */
function pipesIn(w: number): number {
  const x = w ^ PIPES;
  const zero = ~(((x & LOW7) + LOW7) | x | LOW7); // bit 7 of each byte: set where the byte is 0
  return Math.imul(zero >>> 7, 0x01010101) >>> 24;
}

/** Per line layout: 0-based field index → index of its typed column, -1 for text. */
const TYPED_AT = new WeakMap<LineLayout, Int16Array>();
/** Per line layout: the 0-based indexes of the fields the scan looks at (typed, or the journal amount), ascending. */
const CHECKED = new WeakMap<LineLayout, Int16Array>();

function typedAt(ll: LineLayout): Int16Array {
  let at = TYPED_AT.get(ll);
  if (!at) {
    at = new Int16Array(ll.fieldCount).fill(-1);
    ll.indexes.forEach((field, k) => {
      if (ll.converters[k] !== undefined) at![field] = k;
    });
    TYPED_AT.set(ll, at);
  }
  return at;
}

function checkedFields(ll: LineLayout, at: Int16Array): Int16Array {
  let fields = CHECKED.get(ll);
  if (!fields) {
    const list: number[] = [];
    for (let f = 1; f < ll.fieldCount; f++) {
      if (at[f] > -1 || f === JOURNAL_AMOUNT) list.push(f);
    }
    fields = Int16Array.from(list);
    CHECKED.set(ll, fields);
  }
  return fields;
}

/**
 * The first pass's fast path (scan.ts): the fields of a DETAIL line without
 * `"`, on its bytes. Its `|` are counted; only its non-empty typed fields (and
 * the journal amount) become strings, checked by the converters the emitting
 * pass uses. One instance per scanner, reused line after line (its fields
 * keep `field` small and inlined).
 */
export class DetailBytes {
  /** The line's journal amount (undefined: empty). */
  amount?: string;
  /** The line's first bad typed value, as a DataError with file and line (the width is reported first). */
  bad?: Error;
  private at: Int16Array = new Int16Array(0);
  /** A view of the bytes being scanned, for words of 4 (cached per buffer). */
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private viewOf?: Buffer;
  private ll?: LineLayout;
  private file = '';
  private line = 0;

  /** Scans the fields after the record type (`buf[from, end)`); returns the line's width in fields. */
  scan(
    buf: Buffer,
    from: number,
    end: number,
    ll: LineLayout,
    file: string,
    line: number
  ): number {
    const at = typedAt(ll);
    this.at = at;
    this.ll = ll;
    this.file = file;
    this.line = line;
    this.amount = undefined;
    this.bad = undefined;
    if (from > end) return 1; // the line is just its record type
    // Only the checked fields' bounds are needed, and the count of `|`: the
    // bytes between checked fields are counted 4 at a time ({@link pipesIn}),
    // only the word holding a wanted `|` is walked byte by byte.
    if (this.viewOf !== buf) {
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
      this.viewOf = buf;
    }
    const view = this.view;
    const fields = checkedFields(ll, at);
    let i = from; // the next byte to look at
    let n = 0; // the `|` in buf[from, i)
    for (let k = 0; k < fields.length; k++) {
      const f = fields[k];
      // Field f starts after the line's `|` number f - 1 (0-based: f - 2 after the record type's).
      const target = f - 2;
      while (i + 4 <= end) {
        const c = pipesIn(view.getUint32(i, true));
        if (n + c > target) break;
        n += c;
        i += 4;
      }
      while (i < end && n <= target) n += +(buf[i++] === PIPE);
      if (n <= target) break; // the line has fewer fields: its width says so
      let stop = i;
      while (stop < end && buf[stop] !== PIPE) stop++;
      if (stop > i) this.field(buf, f, i, stop);
    }
    while (i + 4 <= end) {
      n += pipesIn(view.getUint32(i, true));
      i += 4;
    }
    while (i < end) n += +(buf[i++] === PIPE);
    return n + 2; // the record type, then n + 1 fields
  }

  /** A non-empty field: its typed check, the journal amount. */
  private field(buf: Buffer, field: number, from: number, to: number): void {
    if (field === JOURNAL_AMOUNT) this.amount = buf.toString('utf8', from, to);
    const k = this.at[field];
    if (k === -1 || this.bad) return;
    const type = this.ll!.types[k];
    if (
      type === 'date'
        ? plainDate(buf, from, to)
        : plainFigure(type, buf, from, to)
    ) {
      return;
    }
    try {
      typedValue(this.ll!, k, buf.toString('utf8', from, to));
    } catch (err) {
      this.bad = withContext(err, {file: this.file, line: this.line});
    }
  }
}
