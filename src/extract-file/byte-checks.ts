/**
 * Checks on a field's bytes for the first pass' fast path (scan.ts): each
 * accepts only what the converter (layouts/convert.ts) surely accepts, so
 * "false" just means "ask the converter"; test/file.check compares the two.
 */

import {
  DAYS_IN_MONTH,
  DOT,
  isDigit,
  MINUS,
  PLUS,
  ZERO,
} from './layouts/convert';

/** Digits below which any integer is a safe integer. */
const SAFE_DIGITS = 15;

/**
 * A number or integer field whose bytes are plainly valid (`[+-]?\d+(\.\d*)?`;
 * integers without the dot, at most 15 digits): what the converters surely
 * accept, decided without making a string. Anything else (dates, a currency
 * symbol, `.5`, a bad value) goes to the converter itself.
 */
export function plainFigure(
  type: string,
  buf: Buffer,
  from: number,
  to: number
): boolean {
  if (type !== 'number' && type !== 'integer') return false;
  let i = from;
  const c0 = buf[i];
  if (c0 === PLUS || c0 === MINUS) i++;
  const digitsFrom = i;
  while (i < to && isDigit(buf[i])) i++;
  if (i === digitsFrom) return false;
  if (type === 'integer') return i === to && i - digitsFrom <= SAFE_DIGITS;
  if (i === to) return true;
  if (buf[i] !== DOT) return false;
  for (i++; i < to; i++) if (!isDigit(buf[i])) return false;
  return true;
}

const DETAIL_BYTES = Buffer.from('DETAIL');

export function isDetail(buf: Buffer, from: number, to: number): boolean {
  if (to - from !== DETAIL_BYTES.length) return false;
  for (let i = 0; i < DETAIL_BYTES.length; i++) {
    if (buf[from + i] !== DETAIL_BYTES[i]) return false;
  }
  return true;
}

/**
 * A `YYYY-MM-DD` calendar date on the bytes (what the date converter surely
 * accepts); anything else (`YYYY/MM/DD`, a bad date) goes to the converter.
 */
export function plainDate(buf: Buffer, from: number, to: number): boolean {
  if (to - from !== 10 || buf[from + 4] !== MINUS || buf[from + 7] !== MINUS) {
    return false;
  }
  let year = 0;
  let month = 0;
  let day = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const c = buf[from + i];
    if (!isDigit(c)) return false;
    if (i < 4) year = year * 10 + c - ZERO;
    else if (i < 7) month = month * 10 + c - ZERO;
    else day = day * 10 + c - ZERO;
  }
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month]);
}
