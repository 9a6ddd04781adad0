import {withContext} from '../errors';
import {plainDate, plainFigure} from './byte-checks';
import {LineLayout, typedValue} from './layouts';
import {JOURNAL_AMOUNT} from './verify';

const PIPE = 0x7c;

/** Per line layout: 0-based field index → index of its typed column, -1 for text. */
const TYPED_AT = new WeakMap<LineLayout, Int16Array>();

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
    let field = 1;
    for (let i = from; i < end; i++) {
      if (buf[i] !== PIPE) continue;
      if (i > from && (at[field] > -1 || field === JOURNAL_AMOUNT)) {
        this.field(buf, field, from, i);
      }
      field++;
      from = i + 1;
    }
    if (from <= end) {
      // The last field (none when the line is just its record type).
      if (end > from && (at[field] > -1 || field === JOURNAL_AMOUNT)) {
        this.field(buf, field, from, end);
      }
      field++;
    }
    return field;
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
