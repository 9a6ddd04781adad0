import type {AmountsAs} from '../config';
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
import {withAmountsAs} from './layouts/amounts';
import {SaeVerifier} from './verify';

/**
 * Per file: the layout (decided on the first line, per line only by record
 * type), the typed columns of each line, and the SAE header check.
 */
export class LineTyper {
  private layout?: FileLayout | null;
  private verifier?: SaeVerifier;

  constructor(
    private readonly file: string,
    /** `amounts_as`: decimal columns as numbers or as their exact text. */
    private readonly amountsAs: AmountsAs = 'number'
  ) {}

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
      return withAmountsAs(ll, this.amountsAs);
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
