/** The shape of the generated layout tables (scripts/gen-layouts.js). */

export type LayoutId = 'sae_v3' | 'sae_v2' | 'prae';

/**
 * - `date`: a `YYYY-MM-DD` string (`YYYY/MM/DD` inputs are normalised);
 * - `number`: amounts, rates, percentages, quantities (a JSON number; a leading `+` is dropped);
 * - `integer`: counts, batch ids, sequence numbers;
 * - `string`: everything else, as in the file.
 */
export type ColumnType = 'date' | 'number' | 'integer' | 'string';

export interface ColumnSpec {
  /** 1-based position in the line (column 1 is the record type, never a column). */
  readonly column: number;
  readonly name: string;
  readonly type: ColumnType;
  /** The workbook field name the name was derived from. */
  readonly field: string;
}

export interface RecordTypeTable {
  /** The constant in field 1 of the line, as the workbook spells it. */
  readonly recordType: string;
  /** Number of fields such a line has (including the record type). */
  readonly fieldCount: number;
  readonly columns: readonly ColumnSpec[];
}

export interface LayoutTable {
  readonly layout: LayoutId;
  readonly header: RecordTypeTable;
  readonly detail: RecordTypeTable;
}
