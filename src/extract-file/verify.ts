import {DataError} from '../errors';
import {decimalText} from './layouts/convert';

/**
 * SAE v3 header verification: the `EXTRACT` header's Record Count (field 3)
 * must equal the number of DETAIL lines after it, and its Journal Amount Total
 * (field 4) the algebraic sum of their Journal Amount (field 169: `+600.1100`,
 * `-5.0000`, `0`). Sums are exact: scaled BigInts, never floats.
 *
 * A file may in principle hold several `EXTRACT` sections; each is checked
 * when the next header or the end of the file is reached.
 */

const HEADER = 'EXTRACT';
const DETAIL = 'DETAIL';
const RECORD_COUNT = 2; // 0-based field indexes
const AMOUNT_TOTAL = 3;
/** The field a DETAIL line is checked by (0-based). */
export const JOURNAL_AMOUNT = 168;

interface Section {
  line: number;
  count: string;
  total: Decimal;
  details: number;
  sum: Decimal;
}

export class SaeVerifier {
  private section?: Section;

  constructor(private readonly fileName: string) {}

  /** Feeds one line of an SAE file (cheap: one compare per line, one decimal add per DETAIL). */
  add(values: readonly string[], lineNumber: number): void {
    const type = values[0];
    if (type === DETAIL) {
      this.addDetail(values[JOURNAL_AMOUNT], lineNumber);
    } else if (type === HEADER) {
      this.finish();
      const total = parseDecimal(values[AMOUNT_TOTAL] ?? '');
      const count = values[RECORD_COUNT] ?? '';
      if (!total || !/^\d+$/.test(count)) {
        throw this.error(
          lineNumber,
          `EXTRACT header has record count ${JSON.stringify(count)} and total ` +
            `${JSON.stringify(values[AMOUNT_TOTAL] ?? '')}; expected an integer and a decimal number`
        );
      }
      this.section = {line: lineNumber, count, total, details: 0, sum: ZERO};
    }
  }

  /** Feeds one DETAIL line by its Journal Amount field (the byte writer's entry). */
  addDetail(raw: string | undefined, lineNumber: number): void {
    if (!this.section) {
      throw this.error(lineNumber, 'DETAIL line before any EXTRACT header');
    }
    this.section.details++;
    if (raw) {
      const amount = parseDecimal(raw);
      if (!amount) {
        throw this.error(
          lineNumber,
          `journal amount ${JSON.stringify(raw)} is not a decimal number`
        );
      }
      this.section.sum = addDecimals(this.section.sum, amount);
    }
  }

  /** Checks the last section; call after the last line of the file. */
  finish(): void {
    const s = this.section;
    this.section = undefined;
    if (!s) return;
    if (
      BigInt(s.count) === BigInt(s.details) &&
      compareDecimals(s.total, s.sum) === 0
    ) {
      return;
    }
    const scale = Math.max(s.total.scale, s.sum.scale);
    throw this.error(
      s.line,
      `header says ${BigInt(s.count)} records totalling ${formatDecimal(s.total, scale)}, ` +
        `file has ${s.details} DETAIL lines totalling ${formatDecimal(s.sum, scale)}`
    );
  }

  private error(line: number, message: string): DataError {
    return new DataError(message, {context: {file: this.fileName, line}});
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
