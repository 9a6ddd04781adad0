import type {AmountsAs} from '../config';
import {withContext} from '../errors';
import {
  checkFieldCount,
  FileLayout,
  fileLayoutOf,
  LayoutId,
  LineLayout,
} from './layouts';
import {withAmountsAs} from './layouts/amounts';

/**
 * Per file, in the emitting pass: the line layout of each line (by record
 * type, in the layout the file's first pass decided: check.ts) and its typed
 * columns. The first pass has already checked every line of the file (widths,
 * values, the SAE header); the field count is checked again here because the
 * writers rely on it.
 */
export class LineTyper {
  private readonly layout?: FileLayout;

  constructor(
    private readonly file: string,
    layout: LayoutId | null,
    /** `amounts_as`: decimal columns as numbers or as their exact text. */
    private readonly amountsAs: AmountsAs = 'number'
  ) {
    this.layout = layout ? fileLayoutOf(layout) : undefined;
  }

  /** The line's layout (null when unknown), after checking its field count. Errors carry the file and line. */
  line(lineNumber: number, values: string[]): LineLayout | null {
    const ll = this.layout?.lineLayout(values);
    if (!ll) return null;
    try {
      checkFieldCount(ll, values);
    } catch (err) {
      throw withContext(err, {file: this.file, line: lineNumber});
    }
    return withAmountsAs(ll, this.amountsAs);
  }

  /**
   * For the byte writer (plain-writer.ts): the line layout of a record type
   * (null: the line has none), or undefined when the line must take
   * {@link line}'s full path — a header, whose layout depends on its width.
   */
  plainLayout(recordType: string): LineLayout | null | undefined {
    const ll = this.layout?.lineLayout([recordType]);
    if (!ll) return null;
    return ll.role === 'header' ? undefined : withAmountsAs(ll, this.amountsAs);
  }
}
