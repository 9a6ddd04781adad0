/**
 * Shared assembly of pipe-delimited extract files (SAE, PRAE): amounts as scaled integers,
 * line endings, BOM, encoding, header totals, and bounded-memory writing to disk.
 */
import * as fs from 'fs';

import {encodeText, TextEncoding} from './legacy-encoding';
import {TextVariantSpec} from './scenario';

/** Amounts are handled as integers of 1/10000 (4 decimals) so sums are exact. */
export const AMOUNT_SCALE = 10000;

/** `12345678` → `1234.5678`; with `signed`, positive values get a leading `+`. */
export function formatAmount(units: number, signed = false): string {
  const neg = units < 0;
  const abs = Math.abs(units);
  const whole = Math.floor(abs / AMOUNT_SCALE);
  const frac = String(abs % AMOUNT_SCALE).padStart(4, '0');
  const sign = neg ? '-' : signed ? '+' : '';
  return `${sign}${whole}.${frac}`;
}

/** One DETAIL line (without line ending) and its contribution to the header total. */
export interface DetailLine {
  line: string;
  amount: number;
}

/** An endless deterministic source of DETAIL lines. */
export interface LineSource {
  next(): DetailLine;
}

export interface ResolvedVariant {
  eol: string;
  bom: boolean;
  finalNewline: boolean;
  encoding: TextEncoding;
  /** Added to the header's journal total, in 1/10000 units (0 = the true total). */
  headerTotalDelta: number;
  badHeaderCount: boolean;
}

export function resolveVariant(spec: TextVariantSpec): ResolvedVariant {
  return {
    eol: spec.line_ending === 'crlf' ? '\r\n' : '\n',
    bom: spec.bom ?? false,
    finalNewline: spec.final_newline ?? true,
    encoding: spec.encoding ?? 'utf8',
    headerTotalDelta:
      spec.header_total_off_by !== undefined
        ? Math.round(spec.header_total_off_by * AMOUNT_SCALE)
        : spec.bad_header_total
          ? AMOUNT_SCALE
          : 0,
    badHeaderCount: spec.bad_header_count ?? false,
  };
}

/** Formats the header line from the real count and total; applies the bad_header_* variants. */
/** The generator options shared by SAE and PRAE files, with their defaults. */
export interface GeneratorBasics {
  seed: number;
  batchId: number;
  batchDate: string;
  utf8: boolean;
}

export function generatorBasics(spec: {
  seed?: number;
  batch_id?: number;
  batch_date?: string;
  utf8?: boolean;
}): GeneratorBasics {
  return {
    seed: spec.seed ?? 1,
    batchId: spec.batch_id ?? 1,
    batchDate: spec.batch_date ?? '2024-01-13',
    utf8: spec.utf8 ?? false,
  };
}

export type HeaderFormatter = (count: number, totalUnits: number) => string;

export function headerFor(
  format: HeaderFormatter,
  v: ResolvedVariant,
  count: number,
  total: number
) {
  return format(
    v.badHeaderCount ? count + 1 : count,
    total + v.headerTotalDelta
  );
}

export interface ExtractResult {
  details: number;
  bytes: number;
  /** Real algebraic sum of the DETAIL journal amounts, e.g. `1230.3600`. */
  journalTotal: string;
}

/** Build a whole extract in memory (for scenario-sized files). */
export function buildExtract(
  format: HeaderFormatter,
  source: LineSource,
  details: number,
  v: ResolvedVariant
): {body: Buffer} & ExtractResult {
  const lines: string[] = [];
  let total = 0;
  for (let i = 0; i < details; i++) {
    const d = source.next();
    lines.push(d.line);
    total += d.amount;
  }
  const all = [headerFor(format, v, details, total), ...lines];
  const text =
    (v.bom ? '\uFEFF' : '') + all.join(v.eol) + (v.finalNewline ? v.eol : '');
  const body = encodeText(text, v.encoding);
  return {body, details, bytes: body.length, journalTotal: formatAmount(total)};
}

const CHUNK_BYTES = 1 << 20;

/**
 * Write an extract of `details` lines, or of at least `bytes` bytes (just over), to `file` with bounded memory.
 * Two passes over the deterministic source: the first counts lines and sums amounts (the header
 * comes first in the file), the second writes.
 */
export async function writeExtract(
  file: string,
  format: HeaderFormatter,
  makeSource: () => LineSource,
  limit: {details?: number; bytes?: number},
  v: ResolvedVariant
): Promise<ExtractResult> {
  if (limit.details === undefined && limit.bytes === undefined) {
    throw new Error('writeExtract needs details or bytes');
  }
  const eolBytes = Buffer.byteLength(v.eol);
  let details = 0;
  let total = 0;
  if (limit.details !== undefined) {
    const src = makeSource();
    for (; details < limit.details; details++) total += src.next().amount;
  } else {
    const src = makeSource();
    const target = limit.bytes!;
    let size = v.bom ? 3 : 0; // the header comes on top: the file ends up at least `bytes` long
    while (size < target) {
      const d = src.next();
      size +=
        (v.encoding === 'utf8'
          ? Buffer.byteLength(d.line)
          : encodeText(d.line, v.encoding).length) + eolBytes;
      total += d.amount;
      details++;
    }
  }
  const out = fs.createWriteStream(file);
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  let bytes = 0;
  const write = async (chunk: string) => {
    const buf = encodeText(chunk, v.encoding);
    bytes += buf.length;
    if (!out.write(buf))
      await new Promise<void>((r) => out.once('drain', () => r()));
  };
  let pending = (v.bom ? '\uFEFF' : '') + headerFor(format, v, details, total);
  const src = makeSource();
  for (let i = 0; i < details; i++) {
    pending += v.eol + src.next().line;
    if (pending.length >= CHUNK_BYTES) {
      await write(pending);
      pending = '';
    }
  }
  if (v.finalNewline) pending += v.eol;
  await write(pending);
  out.end();
  await done;
  return {details, bytes, journalTotal: formatAmount(total)};
}
