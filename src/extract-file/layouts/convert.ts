import {ColumnType} from './types';

/**
 * Raw field → typed value. A value that does not fit its column's type throws
 * a {@link ConvertError}: a finance file with a non-numeric amount or an
 * impossible date is broken, and guessing would corrupt the destination.
 * The raw text stays in `values` either way.
 */

export class ConvertError extends Error {}

export type Converter = (raw: string) => string | number;

/**
 * The checks below walk char codes instead of running regular expressions:
 * they run once per non-empty typed field, i.e. ~100 times per SAE line.
 */

/** Character codes (also the byte values of the first pass' checks and the byte writer). */
export const ZERO = 0x30;
export const NINE = 0x39;
export const PLUS = 0x2b;
export const MINUS = 0x2d;
export const DOT = 0x2e;
export const SLASH = 0x2f;

export function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/**
 * The text of a plain decimal, `[+-]?(\d+(\.\d*)?|\.\d+)`, ready for Number()
 * or BigInt; undefined if `raw` is something else (`1e5`, `0x1`, `1,5`,
 * spaces…). One currency symbol before the digits is allowed and dropped
 * (Cornell's special-characters fixture writes its header total as
 * `¤1230.3600`); a leading `+` is dropped.
 */
export function decimalText(raw: string): string | undefined {
  let text = raw;
  let i = 0;
  const first = text.charCodeAt(0);
  if (first === PLUS || first === MINUS) i++;
  const c = text.charCodeAt(i);
  if (i < text.length && !isDigit(c) && c !== DOT) {
    const symbol = String.fromCodePoint(text.codePointAt(i)!);
    if (!CURRENCY.test(symbol)) return undefined;
    text = text.slice(0, i) + text.slice(i + symbol.length);
  }
  const n = text.length;
  let digits = 0;
  while (i < n && isDigit(text.charCodeAt(i))) {
    i++;
    digits++;
  }
  if (i < n && text.charCodeAt(i) === DOT) {
    i++;
    while (i < n && isDigit(text.charCodeAt(i))) {
      i++;
      digits++;
    }
  }
  if (i !== n || digits === 0) return undefined;
  return first === PLUS ? text.slice(1) : text;
}

const CURRENCY = /^\p{Sc}$/u;

/** Amounts, rates, percentages: plain decimals with `.`. */
function toNumber(raw: string): number {
  const text = decimalText(raw);
  if (text === undefined) throw new ConvertError('not a decimal number');
  return Number(text);
}

/**
 * `amounts_as: string`: the decimal exactly as the file writes it, without a
 * leading `+` (or a currency symbol): `+600.1100` → `"600.1100"`. Same checks
 * as {@link toNumber}, no float on the way.
 */
export function toDecimalString(raw: string): string {
  const text = decimalText(raw);
  if (text === undefined) throw new ConvertError('not a decimal number');
  return text;
}

function toInteger(raw: string): number {
  const n = raw.length;
  let i = 0;
  const first = raw.charCodeAt(0);
  if (first === PLUS || first === MINUS) i++;
  if (i === n) throw new ConvertError('not an integer');
  for (; i < n; i++) {
    if (!isDigit(raw.charCodeAt(i))) throw new ConvertError('not an integer');
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new ConvertError('integer too large');
  return value;
}

export const DAYS_IN_MONTH = [
  0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
];

/** `YYYY-MM-DD`, or `YYYY/MM/DD` (SAE col 256, PRAE dates) normalised to `YYYY-MM-DD`. */
function toDate(raw: string): string {
  const sep = raw.charCodeAt(4);
  if (
    raw.length !== 10 ||
    (sep !== MINUS && sep !== SLASH) ||
    raw.charCodeAt(7) !== sep ||
    !digitsAt(raw, 0, 4) ||
    !digitsAt(raw, 5, 7) ||
    !digitsAt(raw, 8, 10)
  ) {
    throw new ConvertError('not a YYYY-MM-DD date');
  }
  const year = number(raw, 0, 4);
  const month = number(raw, 5, 7);
  const day = number(raw, 8, 10);
  if (!isCalendarDate(year, month, day)) {
    throw new ConvertError('not a calendar date');
  }
  return sep === MINUS ? raw : raw.replace(/\//g, '-');
}

/** The day exists in the (proleptic Gregorian) calendar. */
export function isCalendarDate(
  year: number,
  month: number,
  day: number
): boolean {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && !leap ? 28 : DAYS_IN_MONTH[month];
  return month >= 1 && month <= 12 && day >= 1 && day <= days;
}

function digitsAt(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

function number(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) v = v * 10 + s.charCodeAt(i) - ZERO;
  return v;
}

const CONVERTERS: Record<ColumnType, Converter | undefined> = {
  number: toNumber,
  integer: toInteger,
  date: toDate,
  string: undefined,
};

/** The converter of a type; `undefined` for strings (kept as they are). */
export function converterFor(type: ColumnType): Converter | undefined {
  return CONVERTERS[type];
}
