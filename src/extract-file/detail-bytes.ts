import {withContext} from '../errors';
import {plainDate, plainFigure} from './byte-checks';
import {LineLayout, typedValue} from './layouts';
import {JOURNAL_AMOUNT} from './verify';

const PIPE = 0x7c;

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
  /** Offsets of the line's `|` (reused: grown to the longest line seen). */
  private pipes = new Int32Array(1024);
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
    // Where each `|` is, without a branch per byte (they are ~40 % of an SAE
    // line's bytes, too many for the branch predictor): every byte's offset
    // is stored, and the slot advances only past a `|`.
    if (this.pipes.length < end - from + 1) {
      this.pipes = new Int32Array(end - from + 1);
    }
    const pipes = this.pipes;
    let n = 0;
    for (let i = from; i < end; i++) {
      pipes[n] = i;
      n += +(buf[i] === PIPE);
    }
    pipes[n] = end; // the last field's end
    const width = n + 2; // the record type, then n + 1 fields
    if (width !== ll.fieldCount) return width; // reported before any value
    const fields = checkedFields(ll, at);
    for (let k = 0; k < fields.length; k++) {
      const f = fields[k];
      const start = f === 1 ? from : pipes[f - 2] + 1;
      const stop = pipes[f - 1];
      if (stop > start) this.field(buf, f, start, stop);
    }
    return width;
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
