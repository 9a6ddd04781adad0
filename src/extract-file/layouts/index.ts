import {fileError} from '../file-error';
import {JsonBytes} from '../json-bytes';
import {Converter, converterFor, ConvertError} from './convert';
import {PRAE} from './prae.generated';
import {SAE_V2} from './sae-v2';
import {SAE_V3} from './sae-v3.generated';
import {ColumnType, LayoutId, LayoutTable, RecordTypeTable} from './types';

export type {ColumnSpec, ColumnType, LayoutId, LayoutTable} from './types';

/** The recognised layouts, from the generated tables. */
export const LAYOUT_TABLES: readonly LayoutTable[] = [SAE_V3, SAE_V2, PRAE];

/** The top-level fields of an extract_file_rows record: no column uses these names. */
export const FIXED_ROW_FIELDS = [
  'definition_id',
  'definition_name',
  'job_id',
  'job_stop_time',
  'file_name',
  'line_number',
  'record_type',
  'layout',
  'values',
] as const;

export type Columns = Record<string, string | number>;

/** One record type of one layout, ready for the hot path. */
export interface LineLayout {
  readonly layout: LayoutId;
  readonly recordType: string;
  readonly role: 'header' | 'detail';
  readonly fieldCount: number;
  /** Parallel arrays: 0-based field index, column name, converter (undefined = string). */
  readonly indexes: readonly number[];
  readonly names: readonly string[];
  /** `,"<name>":` per column: the JSON key, as bytes, built once. */
  readonly jsonKeyBytes: readonly Buffer[];
  /** Bytes the typed columns of one line may take beyond their raw text (keys, quotes, number text). */
  readonly jsonBudget: number;
  readonly converters: readonly (Converter | undefined)[];
  readonly types: readonly ColumnType[];
  /** `amounts_as: string`: decimal (`number`) columns are written as their exact text. */
  readonly decimalsAsText?: boolean;
}

/** The layout of one file: the line layout of each of its records. */
export interface FileLayout {
  readonly layout: LayoutId;
  /**
   * The line layout of a record, by its record type (field 1) and, for SAE
   * headers, its width; undefined when the layout does not know the type.
   */
  lineLayout(values: readonly string[]): LineLayout | undefined;
}

/** Room for a number's JSON text beyond its raw text (`1e-7` from `0.0000001` is shorter; this is ample). */
const NUMBER_TEXT_SLACK = 24;

function compile(
  table: LayoutTable,
  role: 'header' | 'detail',
  rt: RecordTypeTable
): LineLayout {
  return {
    layout: table.layout,
    recordType: rt.recordType,
    role,
    fieldCount: rt.fieldCount,
    indexes: rt.columns.map((c) => c.column - 1),
    names: rt.columns.map((c) => c.name),
    jsonKeyBytes: rt.columns.map((c) =>
      Buffer.from(`,${JSON.stringify(c.name)}:`)
    ),
    jsonBudget: rt.columns.reduce(
      (n, c) => n + c.name.length + 4 + NUMBER_TEXT_SLACK,
      0
    ),
    converters: rt.columns.map((c) => converterFor(c.type)),
    types: rt.columns.map((c) => c.type),
  };
}

/**
 * The SAE header widths Concur writes: 5 (`EXTRACT|date|count|total|batch id`,
 * v3), 4 (no batch id) and the bare `EXTRACT` line. Each is typed with the
 * fields it carries; both SAE layouts accept all three.
 */
export const SAE_HEADER_WIDTHS = [5, 4, 1] as const;

/** SAE record types are matched exactly (`EXTRACT`, `DETAIL`: workbook and samples agree). */
function saeFileLayout(table: LayoutTable): FileLayout {
  const detail = compile(table, 'detail', table.detail);
  const headers = new Map<number, LineLayout>();
  for (const width of SAE_HEADER_WIDTHS) {
    headers.set(
      width,
      compile(table, 'header', {
        recordType: SAE_V3.header.recordType,
        fieldCount: width,
        columns: SAE_V3.header.columns.filter((c) => c.column <= width),
      })
    );
  }
  const widest = headers.get(SAE_HEADER_WIDTHS[0])!;
  return {
    layout: table.layout,
    lineLayout(values) {
      const type = values[0];
      if (type === detail.recordType) return detail;
      if (type !== widest.recordType) return undefined;
      // Another width gets the widest, whose field count check then fails.
      return headers.get(values.length) ?? widest;
    },
  };
}

/**
 * PRAE record types ignoring case, since the workbook's `Extract` / `Detail`
 * spelling is not confirmed by any sample file.
 */
function praeFileLayout(table: LayoutTable): FileLayout {
  const byType = new Map<string, LineLayout>();
  for (const role of ['header', 'detail'] as const) {
    const ll = compile(table, role, table[role]);
    byType.set(ll.recordType.toUpperCase(), ll);
  }
  return {
    layout: table.layout,
    lineLayout: (values) =>
      byType.get(values[0]) ?? byType.get(values[0].toUpperCase()),
  };
}

const FILE_LAYOUTS: Readonly<Record<LayoutId, FileLayout>> = {
  sae_v3: saeFileLayout(SAE_V3),
  sae_v2: saeFileLayout(SAE_V2),
  prae: praeFileLayout(PRAE),
};

/** The file layout of a layout id (decided by the file's first pass, check.ts). */
export function fileLayoutOf(layout: LayoutId): FileLayout {
  return FILE_LAYOUTS[layout];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ANY_DATE = /^\d{4}([-/])\d{2}\1\d{2}$/;
const DIGITS = /^\d+$/;

/**
 * What a file's first record says about its layout (once per file):
 *  - `sae_v3`: `EXTRACT|<YYYY-MM-DD batch date>|count|total|batch id` (5 fields);
 *  - `sae`: `EXTRACT|<YYYY-MM-DD>|count|total` (4 fields) or a bare `EXTRACT`:
 *    SAE v2 or v3, decided by the width of the DETAIL lines
 *    ({@link saeLayoutOfWidth}); without DETAIL lines (a Standard Request
 *    Extract has the same 4-field header) the file is not SAE;
 *  - `prae`: `Extract|<batch id>|<batch date>|count|total` (5 fields, any
 *    case) — the header order differs from SAE's, which tells them apart;
 *  - null for anything else: every line then has layout null and only `values`.
 */
export function detectHeader(
  firstValues: readonly string[]
): LayoutId | 'sae' | null {
  const [type, second, third] = firstValues;
  const header = SAE_V3.header.recordType;
  if (firstValues.length === 1) return type === header ? 'sae' : null;
  if (firstValues.length === 4) {
    return type === header && ISO_DATE.test(second) ? 'sae' : null;
  }
  if (firstValues.length !== 5 || type.toUpperCase() !== header) return null;
  if (type === header && ISO_DATE.test(second)) return 'sae_v3';
  if (DIGITS.test(second) && ANY_DATE.test(third)) return 'prae';
  return null;
}

/** The SAE layout of DETAIL lines of `width` fields: 400 → v3, 256 → v2. */
export function saeLayoutOfWidth(width: number): LayoutId | undefined {
  if (width === SAE_V3.detail.fieldCount) return 'sae_v3';
  if (width === SAE_V2.detail.fieldCount) return 'sae_v2';
  return undefined;
}

/**
 * The typed columns of a line written as JSON members (`,"name":value…`) into
 * `out`, which has room for the line's text plus `jsonBudget`. A plain line
 * (printable ASCII, no `"` or `\`) has its text copied as is; any other line
 * has its text columns escaped as JSON.stringify does. The field count was
 * checked by the caller.
 */
export function columnsInto(
  ll: LineLayout,
  values: readonly string[],
  out: JsonBytes,
  plain: boolean
): void {
  const {indexes, jsonKeyBytes, converters} = ll;
  let buf = out.buf;
  let p = out.len;
  for (let i = 0; i < indexes.length; i++) {
    const raw = values[indexes[i]];
    if (raw === '') continue;
    const key = jsonKeyBytes[i];
    for (let k = 0; k < key.length; k++) buf[p++] = key[k];
    let text: string;
    if (converters[i] !== undefined) {
      out.len = p; // typedValue may throw: leave the writer consistent
      const value = typedValue(ll, i, raw);
      // A number's text, or a YYYY-MM-DD date in quotes: ASCII, within the budget.
      text = typeof value === 'number' ? String(value) : `"${value}"`;
    } else if (plain) {
      buf[p++] = QUOTE;
      for (let j = 0; j < raw.length; j++) buf[p++] = raw.charCodeAt(j);
      buf[p++] = QUOTE;
      continue;
    } else {
      out.len = p;
      out.utf8(JSON.stringify(raw));
      out.reserve(ll.jsonBudget); // utf8 may have grown the buffer to just its own size
      buf = out.buf;
      p = out.len;
      continue;
    }
    for (let j = 0; j < text.length; j++) buf[p++] = text.charCodeAt(j);
  }
  out.len = p;
}

const QUOTE = 0x22;

export function checkFieldCount(
  ll: LineLayout,
  values: readonly string[]
): void {
  if (values.length !== ll.fieldCount) {
    throw fileError(fieldCountMessage(ll, values), 'FILE_WIDTH_MISMATCH');
  }
}

/** Column i's raw text converted to its type; a DataError names the column and the value. */
export function typedValue(
  ll: LineLayout,
  i: number,
  raw: string
): string | number {
  const convert = ll.converters[i];
  if (convert === undefined) return raw;
  try {
    return convert(raw);
  } catch (err) {
    if (!(err instanceof ConvertError)) throw err;
    throw fileError(
      `column ${ll.names[i]} (field ${ll.indexes[i] + 1}) holds ${quote(raw)}: ` +
        `${err.message}, expected ${describeType(ll.types[i])}`,
      'FILE_VALUE_INVALID'
    );
  }
}

const LAYOUT_NAMES: Readonly<Record<LayoutId, string>> = {
  sae_v3: 'SAE v3',
  sae_v2: 'SAE v2',
  prae: 'PRAE',
};

function fieldCountMessage(ll: LineLayout, values: readonly string[]): string {
  const hint = values.some((v) => v.includes('"'))
    ? ' (a field containing "|" may have lost its quotes)'
    : '';
  const expected =
    ll.role === 'header' && ll.layout !== 'prae'
      ? `SAE ${ll.recordType} lines have ${SAE_HEADER_WIDTHS.join(', ')} fields`
      : `${LAYOUT_NAMES[ll.layout]} ${ll.recordType} lines have ${ll.fieldCount}`;
  return `${ll.recordType} line has ${values.length} fields, ${expected}${hint}`;
}

function describeType(type: ColumnType): string {
  switch (type) {
    case 'date':
      return 'a date (YYYY-MM-DD)';
    case 'number':
      return 'a decimal number';
    case 'integer':
      return 'an integer';
    default:
      return 'text';
  }
}

function quote(raw: string): string {
  return JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw);
}
