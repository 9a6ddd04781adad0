import {
  DOT,
  isCalendarDate,
  isDigit,
  MINUS,
  PLUS,
  SLASH,
  ZERO,
} from './layouts/convert';

/**
 * The typed values of the byte writers (plain-writer.ts): a field's bytes
 * `bytes[a, b)` written at `buf[o]` as the JSON the full path's converter
 * (layouts/convert.ts, then JSON.stringify) gives for the same text; each
 * returns the end of what it wrote, or -1 (nothing written) when the text is
 * outside its byte rules and must be converted from its text.
 */

const QUOTE = 0x22;

/**
 * A decimal of at most 15 significant digits is the text of exactly one
 * double, and JS prints that double as its shortest form: the same digits
 * without a `+`, leading or trailing zeros — while it is written without an
 * exponent (from 1e-6 up to 1e21).
 */
const MAX_EXACT_DIGITS = 15;
/** Zeros after the point before the first digit that JS still prints in full (0.000001 → "0.000001", 1e-7 → "1e-7"). */
const MAX_LEADING_FRACTION_ZEROS = 5;

/**
 * A decimal `[+-]?(\d+(\.\d*)?|\.\d+)`. As a number (`asText` false): of at
 * most {@link MAX_EXACT_DIGITS} significant digits, written as JS writes the
 * number (`+600.1100` → `600.11`, `-0` → `0`). As text (`amounts_as:
 * string`): the JSON string of its exact text without a leading `+` (what
 * toDecimalString gives). -1 for anything else (a currency symbol, too many
 * digits: the exact path).
 */
export function writeDecimal(
  buf: Buffer,
  o: number,
  bytes: Buffer,
  a: number,
  b: number,
  asText: boolean
): number {
  let i = a;
  const sign = bytes[i];
  if (sign === PLUS || sign === MINUS) i++;
  const intStart = i;
  while (i < b && isDigit(bytes[i])) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < b && bytes[i] === DOT) {
    fracStart = ++i;
    while (i < b && isDigit(bytes[i])) i++;
    fracEnd = i;
  }
  if (i !== b || (intEnd === intStart && fracEnd === fracStart)) return -1;
  if (asText) {
    buf[o++] = QUOTE;
    for (let j = sign === PLUS ? a + 1 : a; j < b; j++) buf[o++] = bytes[j];
    buf[o++] = QUOTE;
    return o;
  }
  let intFrom = intStart;
  while (intFrom < intEnd && bytes[intFrom] === ZERO) intFrom++;
  while (fracEnd > fracStart && bytes[fracEnd - 1] === ZERO) fracEnd--;
  const intDigits = intEnd - intFrom;
  const fracDigits = fracEnd - fracStart;
  if (intDigits === 0 && fracDigits === 0) {
    buf[o++] = ZERO; // zero, -0 included
    return o;
  }
  let digits = intDigits + fracDigits;
  if (intDigits === 0) {
    let lead = fracStart;
    while (bytes[lead] === ZERO) lead++;
    if (lead - fracStart > MAX_LEADING_FRACTION_ZEROS) return -1;
    digits -= lead - fracStart;
  }
  if (digits > MAX_EXACT_DIGITS) return -1;
  if (sign === MINUS) buf[o++] = MINUS;
  if (intDigits === 0) buf[o++] = ZERO;
  for (let j = intFrom; j < intEnd; j++) buf[o++] = bytes[j];
  if (fracDigits > 0) {
    buf[o++] = DOT;
    for (let j = fracStart; j < fracEnd; j++) buf[o++] = bytes[j];
  }
  return o;
}

/** `[+-]?\d+` of at most {@link MAX_EXACT_DIGITS} digits, as JS writes it; -1 otherwise. */
export function writeInteger(
  buf: Buffer,
  o: number,
  bytes: Buffer,
  a: number,
  b: number
): number {
  let i = a;
  const sign = bytes[i];
  if (sign === PLUS || sign === MINUS) i++;
  if (i === b || b - i > MAX_EXACT_DIGITS) return -1;
  for (let j = i; j < b; j++) if (!isDigit(bytes[j])) return -1;
  while (i < b - 1 && bytes[i] === ZERO) i++;
  if (sign === MINUS && !(b - i === 1 && bytes[i] === ZERO)) buf[o++] = MINUS;
  for (let j = i; j < b; j++) buf[o++] = bytes[j];
  return o;
}

/** A valid `YYYY-MM-DD` or `YYYY/MM/DD`, written `"YYYY-MM-DD"`; -1 otherwise. */
export function writeDate(
  buf: Buffer,
  o: number,
  bytes: Buffer,
  a: number,
  b: number
): number {
  if (b - a !== 10) return -1;
  const sep = bytes[a + 4];
  if ((sep !== MINUS && sep !== SLASH) || bytes[a + 7] !== sep) return -1;
  let year = 0;
  for (let j = a; j < a + 4; j++) {
    if (!isDigit(bytes[j])) return -1;
    year = year * 10 + bytes[j] - ZERO;
  }
  const m1 = bytes[a + 5];
  const m2 = bytes[a + 6];
  const d1 = bytes[a + 8];
  const d2 = bytes[a + 9];
  if (!isDigit(m1) || !isDigit(m2) || !isDigit(d1) || !isDigit(d2)) return -1;
  const month = (m1 - ZERO) * 10 + m2 - ZERO;
  const day = (d1 - ZERO) * 10 + d2 - ZERO;
  if (!isCalendarDate(year, month, day)) return -1;
  buf[o++] = QUOTE;
  for (let j = a; j < b; j++) buf[o++] = bytes[j] === SLASH ? MINUS : bytes[j];
  buf[o++] = QUOTE;
  return o;
}
