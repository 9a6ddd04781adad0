import type {DataError} from '../errors';
import {fileError} from './file-error';
import {decimalText} from './layouts/convert';

/**
 * SAE header verification: the `EXTRACT` header's Record Count (field 3)
 * must equal the number of DETAIL lines after it, and its Journal Amount Total
 * (field 4) the algebraic sum of their Journal Amount (field 169: `+600.1100`,
 * `-5.0000`, `0`). Sums are exact: scaled BigInts, never floats. A bare
 * `EXTRACT` header carries neither: its section is unverifiable (its DETAIL
 * lines are still counted and summed, for the extract_files ledger).
 *
 * A file may in principle hold several `EXTRACT` sections; each is checked
 * when the next header or the end of the file is reached.
 */

const HEADER = 'EXTRACT';
const DETAIL = 'DETAIL';
const BATCH_DATE = 1; // 0-based field indexes
const RECORD_COUNT = 2;
const AMOUNT_TOTAL = 3;
const BATCH_ID = 4;
/** 0-based index of the DETAIL Journal Amount (field 169). */
export const JOURNAL_AMOUNT = 168;

interface Section {
  line: number;
  /** Undefined for a bare `EXTRACT` header. */
  count?: string;
  total?: Decimal;
  details: number;
  sum: Decimal;
}

/** What the headers and DETAIL lines of a file add up to (all sections). */
export interface SaeTotals {
  headerRecordCount: number | null;
  headerJournalTotal: string | null;
  headerBatchId: number | null;
  headerBatchDate: string | null;
  detailLines: number;
  detailJournalTotal: string;
  /** Every section had a record count and a total to check against. */
  verifiable: boolean;
}

export class SaeVerifier {
  private section?: Section;
  private headers = 0;
  private headerCount = 0n;
  private headerTotal: Decimal = ZERO;
  private bare = false;
  private batchId: number | null = null;
  private batchDate: string | null = null;
  private details = 0;
  private sum: Decimal = ZERO;

  constructor(private readonly fileName: string) {}

  /** Feeds one line of an SAE file (cheap: one compare per line, one decimal add per DETAIL). */
  add(values: readonly string[], lineNumber: number): void {
    const type = values[0];
    if (type === DETAIL) this.detail(values[JOURNAL_AMOUNT], lineNumber);
    else if (type === HEADER) this.header(values, lineNumber);
  }

  /** A DETAIL line, by its raw journal amount (field 169). */
  detail(rawAmount: string | undefined, lineNumber: number): void {
    const s = this.section;
    if (!s) {
      throw this.error(
        lineNumber,
        'DETAIL line before any EXTRACT header',
        'SAE_DETAIL_BEFORE_HEADER'
      );
    }
    s.details++;
    this.details++;
    if (rawAmount) {
      const amount = parseDecimal(rawAmount);
      if (!amount) {
        throw this.error(
          lineNumber,
          `journal amount ${JSON.stringify(rawAmount)} is not a decimal number`,
          'SAE_AMOUNT_INVALID'
        );
      }
      s.sum = addDecimals(s.sum, amount);
      this.sum = addDecimals(this.sum, amount);
    }
  }

  /** An `EXTRACT` line of 5, 4 or 1 fields (widths are checked by the layout). */
  header(values: readonly string[], lineNumber: number): void {
    this.finish();
    this.headers++;
    if (this.headers === 1) {
      this.batchDate = values[BATCH_DATE] || null;
      this.batchId = values[BATCH_ID] ? Number(values[BATCH_ID]) : null;
    }
    if (values.length <= RECORD_COUNT) {
      this.bare = true;
      this.section = {line: lineNumber, details: 0, sum: ZERO};
      return;
    }
    const total = parseDecimal(values[AMOUNT_TOTAL] ?? '');
    const count = values[RECORD_COUNT] ?? '';
    if (!total || !/^\d+$/.test(count)) {
      throw this.error(
        lineNumber,
        `EXTRACT header has record count ${JSON.stringify(count)} and total ` +
          `${JSON.stringify(values[AMOUNT_TOTAL] ?? '')}; expected an integer and a decimal number`,
        'SAE_HEADER_INVALID'
      );
    }
    this.headerCount += BigInt(count);
    this.headerTotal = addDecimals(this.headerTotal, total);
    this.section = {line: lineNumber, count, total, details: 0, sum: ZERO};
  }

  /** Checks the last section; call after the last line of the file. */
  finish(): void {
    const s = this.section;
    this.section = undefined;
    if (!s || s.count === undefined || s.total === undefined) return;
    const countOk = BigInt(s.count) === BigInt(s.details);
    if (countOk && compareDecimals(s.total, s.sum) === 0) return;
    const scale = Math.max(s.total.scale, s.sum.scale);
    throw this.error(
      s.line,
      `header says ${BigInt(s.count)} records totalling ${formatDecimal(s.total, scale)}, ` +
        `file has ${s.details} DETAIL lines totalling ${formatDecimal(s.sum, scale)}`,
      countOk ? 'SAE_TOTAL_MISMATCH' : 'SAE_COUNT_MISMATCH'
    );
  }

  /** The file's totals so far (after `finish`: the whole file). */
  totals(): SaeTotals {
    const counted = this.headers > 0 && !this.bare;
    const scale = Math.max(this.headerTotal.scale, this.sum.scale);
    return {
      headerRecordCount: counted ? Number(this.headerCount) : null,
      headerJournalTotal: counted
        ? formatDecimal(this.headerTotal, this.headerTotal.scale)
        : null,
      headerBatchId: this.batchId,
      headerBatchDate: this.batchDate,
      detailLines: this.details,
      detailJournalTotal: formatDecimal(this.sum, scale),
      verifiable: counted,
    };
  }

  private error(line: number, message: string, code: string): DataError {
    return fileError(message, code, {file: this.fileName, line});
  }
}

/** A decimal as `units / 10^scale`. */
export interface Decimal {
  units: bigint;
  scale: number;
}

const ZERO: Decimal = {units: 0n, scale: 0};

/** Parses the decimals the typed columns accept (layouts/convert.ts), exactly. */
export function parseDecimal(raw: string): Decimal | undefined {
  const text = decimalText(raw);
  if (text === undefined) return undefined;
  const dot = text.indexOf('.');
  if (dot === -1) return {units: BigInt(text), scale: 0};
  const int = text.slice(0, dot);
  const frac = text.slice(dot + 1);
  const sign = int.startsWith('-') ? '-' : '';
  const digits = (sign ? int.slice(1) : int) + frac;
  return {units: BigInt(sign + (digits || '0')), scale: frac.length};
}

function rescale(d: Decimal, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale);
}

function addDecimals(a: Decimal, b: Decimal): Decimal {
  if (a.scale === b.scale) return {units: a.units + b.units, scale: a.scale};
  const scale = Math.max(a.scale, b.scale);
  return {units: rescale(a, scale) + rescale(b, scale), scale};
}

function compareDecimals(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale);
  const y = rescale(b, scale);
  return x === y ? 0 : x < y ? -1 : 1;
}

export function formatDecimal(d: Decimal, scale = d.scale): string {
  const units = rescale(d, scale);
  const negative = units < 0n;
  const digits = (negative ? -units : units)
    .toString()
    .padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = scale ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${int}${frac}`;
}
