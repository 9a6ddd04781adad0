import {DataError} from '../../errors';
import {JsonBytes} from '../json-bytes';
import {Converter, converterFor, ConvertError} from './convert';
import {PRAE} from './prae.generated';
import {SAE_V3} from './sae-v3.generated';
import {ColumnType, LayoutId, LayoutTable, RecordTypeTable} from './types';

export type {ColumnSpec, ColumnType, LayoutId, LayoutTable} from './types';

/** The recognised layouts, from the generated tables. */
export const LAYOUT_TABLES: readonly LayoutTable[] = [SAE_V3, PRAE];

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
}

/** The layout of one file: its record types, by the constant in field 1. */
export interface FileLayout {
  readonly layout: LayoutId;
  /** The line layout of a record type, or undefined when the layout does not know it. */
  lineLayout(recordType: string): LineLayout | undefined;
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
 * SAE record types are matched exactly (`EXTRACT`, `DETAIL`: workbook and
 * samples agree); PRAE ones ignoring case, since the workbook's `Extract` /
 * `Detail` spelling is not confirmed by any sample file.
 */
function fileLayout(table: LayoutTable, ignoreCase: boolean): FileLayout {
  const byType = new Map<string, LineLayout>();
  for (const role of ['header', 'detail'] as const) {
    const ll = compile(table, role, table[role]);
    byType.set(ignoreCase ? ll.recordType.toUpperCase() : ll.recordType, ll);
  }
  return {
    layout: table.layout,
    lineLayout: ignoreCase
      ? (rt) => byType.get(rt) ?? byType.get(rt.toUpperCase())
      : (rt) => byType.get(rt),
  };
}

const SAE_FILE = fileLayout(SAE_V3, false);
const PRAE_FILE = fileLayout(PRAE, true);

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ANY_DATE = /^\d{4}([-/])\d{2}\1\d{2}$/;
const DIGITS = /^\d+$/;

/**
 * Decides a file's layout from its first record (once per file):
 *  - SAE v3: `EXTRACT|<YYYY-MM-DD batch date>|count|total|batch id` (5 fields);
 *  - PRAE: `Extract|<batch id>|<batch date>|count|total` (5 fields, any case) —
 *    the header order differs from SAE's, which is what tells them apart;
 *  - anything else (no header, Standard Request Extract's 4-field header, …):
 *    null, every line then has layout null and only `values`.
 */
export function detectLayout(
  firstValues: readonly string[]
): FileLayout | null {
  if (firstValues.length !== 5) return null;
  const [type, second, third] = firstValues;
  if (type.toUpperCase() !== 'EXTRACT') return null;
  if (type === SAE_V3.header.recordType && ISO_DATE.test(second)) {
    return SAE_FILE;
  }
  if (DIGITS.test(second) && ANY_DATE.test(third)) return PRAE_FILE;
  return null;
}

/**
 * The typed columns of a line. Empty fields are omitted (contract: SAE lines
 * are sparse). Throws a DataError naming the column and the bad value; the
 * caller adds the file and line.
 */
export function columnsFor(
  ll: LineLayout,
  values: readonly string[],
  into: Columns = {}
): Columns {
  checkFieldCount(ll, values);
  const {indexes, names} = ll;
  for (let i = 0; i < indexes.length; i++) {
    const raw = values[indexes[i]];
    if (raw !== '') into[names[i]] = typedValue(ll, i, raw);
  }
  return into;
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
    throw new DataError(fieldCountMessage(ll, values));
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
    throw new DataError(
      `column ${ll.names[i]} (field ${ll.indexes[i] + 1}) holds ${quote(raw)}: ` +
        `${err.message}, expected ${describeType(ll.types[i])}`
    );
  }
}

function fieldCountMessage(ll: LineLayout, values: readonly string[]): string {
  const name = ll.layout === 'sae_v3' ? 'SAE v3' : 'PRAE';
  const hint = values.some((v) => v.includes('"'))
    ? ' (a field containing "|" may have lost its quotes)'
    : '';
  return (
    `${ll.recordType} line has ${values.length} fields, ` +
    `${name} ${ll.recordType} lines have ${ll.fieldCount}${hint}`
  );
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

export interface JsonSchemaProperty {
  type: ['null', 'string' | 'number' | 'integer'];
  format?: 'date';
  description: string;
}

const JSON_TYPES = {
  string: 'string',
  date: 'string',
  number: 'number',
  integer: 'integer',
} as const;

/**
 * Every column of every layout, as JSON-schema properties for the
 * extract_file_rows stream. A name shared by several record types or layouts
 * has one type (the generator refuses anything else); its description says
 * where it comes from.
 */
export function schemaProperties(): Record<string, JsonSchemaProperty> {
  const columns = new Map<string, {type: ColumnType; sources: string[]}>();
  for (const table of LAYOUT_TABLES) {
    for (const rt of [table.header, table.detail]) {
      for (const c of rt.columns) {
        const source = `${table.layout} ${rt.recordType} field ${c.column} "${c.field}"`;
        const known = columns.get(c.name);
        if (!known) {
          columns.set(c.name, {type: c.type, sources: [source]});
        } else if (known.type === c.type) {
          known.sources.push(source);
        } else {
          // scripts/gen-layouts.js refuses to generate such tables.
          throw new Error(
            `column ${c.name} is both ${known.type} and ${c.type}`
          );
        }
      }
    }
  }
  const props: Record<string, JsonSchemaProperty> = {};
  for (const [name, {type, sources}] of columns) {
    props[name] = {
      type: ['null', JSON_TYPES[type]],
      ...(type === 'date' ? {format: 'date' as const} : {}),
      description: sources.join('; '),
    };
  }
  return props;
}
