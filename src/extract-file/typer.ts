import {withContext} from '../errors';
import {
  checkFieldCount,
  Columns,
  columnsFor,
  detectLayout,
  FileLayout,
  LayoutId,
  LineLayout,
} from './layouts';
import {JOURNAL_AMOUNT, SaeVerifier} from './verify';

/**
 * Per file: the layout (decided on the first line, per line only by record
 * type), the typed columns of each line, and the SAE header check.
 */
export class LineTyper {
  private layout?: FileLayout | null;
  private verifier?: SaeVerifier;

  constructor(private readonly file: string) {}

  /**
   * The line's layout (null when unknown), after checking its field count and
   * feeding the SAE header check. Errors carry the file and line.
   */
  line(lineNumber: number, values: string[]): LineLayout | null {
    try {
      if (this.layout === undefined) this.start(values);
      const ll = this.layout?.lineLayout(values[0]);
      if (!ll) return null;
      checkFieldCount(ll, values);
      this.verifier?.add(values, lineNumber);
      return ll;
    } catch (err) {
      throw withContext(err, {file: this.file, line: lineNumber});
    }
  }

  /** Writes the line's columns into `into`; returns the line's layout. */
  type(lineNumber: number, values: string[], into: Columns): LayoutId | null {
    const ll = this.line(lineNumber, values);
    if (!ll) return null;
    try {
      columnsFor(ll, values, into);
    } catch (err) {
      throw withContext(err, {file: this.file, line: lineNumber});
    }
    return ll.layout;
  }

  /**
   * For the byte writer (plain-writer.ts): the line layout of a record type
   * once the file's layout is decided (null: the line has none), or
   * undefined when the line must take {@link line}'s full path — the file's
   * first line decides the layout, a header opens a verified section.
   */
  plainLayout(recordType: string): LineLayout | null | undefined {
    if (this.layout === undefined) return undefined;
    const ll = this.layout?.lineLayout(recordType);
    if (!ll) return null;
    return ll.role === 'header' ? undefined : ll;
  }

  /** The field {@link detail} needs of a detail line (0-based), or -1 when the file is not verified. */
  get checkedField(): number {
    return this.verifier ? JOURNAL_AMOUNT : -1;
  }

  /**
   * What {@link line} does for a detail line whose field count the byte
   * writer checked: feeds the header check with the line's checked field.
   */
  detail(lineNumber: number, checked: string): void {
    try {
      this.verifier?.addDetail(checked, lineNumber);
    } catch (err) {
      throw withContext(err, {file: this.file, line: lineNumber});
    }
  }

  /** After the file's last line: throws if the SAE header does not match the file. */
  finish(): void {
    this.verifier?.finish();
  }

  private start(firstValues: string[]): void {
    this.layout = detectLayout(firstValues);
    if (this.layout?.layout === 'sae_v3') {
      this.verifier = new SaeVerifier(this.file);
    }
  }
}

/**
 * A plain object (normal prototype) in V8's dictionary mode. Records get 100+
 * keys from a sparse set of 400: adding them to an ordinary object walks a new
 * hidden-class chain for almost every line, which costs more than parsing the
 * line. Measured per SAE line, building + JSON.stringify: ~30 µs like this,
 * ~55 µs with an ordinary object, ~350 µs when the columns are spread into an
 * object literal (`{...fixed, ...columns}`).
 */
export function newRecord(): Record<string, unknown> {
  return Object.setPrototypeOf(Object.create(null), Object.prototype);
}
