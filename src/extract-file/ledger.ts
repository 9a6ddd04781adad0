import {createHash} from 'crypto';
import {createReadStream} from 'fs';
import {Readable} from 'stream';

import {withContext} from '../errors';
import type {FileCheck} from './check';
import {LineLayout} from './layouts';
import {decimalText} from './layouts/convert';
import {parseLines} from './parser';
import {openExtractFiles, OpenOptions} from './reader';
import {LineTyper} from './typer';
import {addDecimals, Decimal, formatDecimal, parseDecimal} from './verify';

/**
 * The check pass over a downloaded body, before any row is emitted: per file
 * (a text body is one file, a ZIP one per entry) what arrived (size, SHA-256
 * of the bytes as served, lines), what its EXTRACT header declares, what its
 * DETAIL lines add up to (exactly), and whether it passes every check the
 * row writers make (widths, quoting, UTF-8, ZIP CRC/size, the SAE header
 * count and total). This is the extract_files ledger and the gate of the row
 * streams: a job whose files do not all pass emits no row.
 */

export type {FileCheck, Verification} from './check';

const LF = 0x0a;

export async function checkExtractFiles(
  path: string,
  opts: OpenOptions
): Promise<FileCheck[]> {
  const files: FileCheck[] = [];
  let current: string | undefined;
  try {
    for await (const {name, stream} of openExtractFiles(path, opts)) {
      current = name;
      files.push(await checkFile(stream, name));
      current = undefined;
    }
  } catch (err) {
    // The archive itself (or an entry before it was read) is unreadable:
    // the ledger shows the body as served.
    const e = withContext(err, {});
    const name = e.context.file ?? current ?? opts.defaultName;
    const body = await checkFile(createReadStream(path), name);
    files.push({...body, verification: 'failed', error: e});
  }
  return files;
}

function empty(file: string): FileCheck {
  return {
    file,
    layout: null,
    size_bytes: 0,
    sha256: '',
    line_count: 0,
    header_record_count: null,
    header_journal_amount_total: null,
    header_batch_id: null,
    header_batch_date: null,
    detail_line_count: 0,
    detail_journal_amount_total: null,
    verification: 'unverifiable',
  };
}

async function checkFile(stream: Readable, file: string): Promise<FileCheck> {
  const out = empty(file);
  const hash = createHash('sha256');
  let size = 0;
  let lfs = 0;
  let last = LF;
  // Pulled by hand, not with for-await: when the parser stops at an error,
  // the rest of the file must still be read for its size and hash.
  const chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const next = async (): Promise<Buffer | undefined> => {
    const r = await chunks.next();
    if (r.done) return undefined;
    const chunk = r.value;
    hash.update(chunk);
    size += chunk.length;
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1))
      lfs++;
    if (chunk.length) last = chunk[chunk.length - 1];
    return chunk;
  };
  async function* counted(): AsyncGenerator<Buffer> {
    for (let c = await next(); c; c = await next()) yield c;
  }
  const typer = new LineTyper(file);
  let details = 0;
  let total: Decimal | undefined;
  let amountIndex: number | undefined;
  try {
    for await (const batch of parseLines(counted(), file)) {
      for (const {lineNumber, values} of batch) {
        const ll = typer.line(lineNumber, values);
        if (!ll) continue;
        out.layout = ll.layout;
        if (ll.role === 'header') {
          if (details === 0) header(out, ll, values);
          continue;
        }
        details++;
        amountIndex ??= journalAmountIndex(ll);
        const amount = amountIndex === -1 ? undefined : values[amountIndex];
        const d = amount ? parseDecimal(amount) : undefined;
        if (d) total = addDecimals(total ?? {units: 0n, scale: 0}, d);
      }
    }
    typer.finish();
    out.verification =
      out.layout?.startsWith('sae_') && out.header_record_count !== null
        ? 'verified'
        : 'unverifiable';
  } catch (err) {
    out.verification = 'failed';
    out.error = withContext(err, {file});
    while (await next()); // hash the rest
  }
  out.size_bytes = size;
  out.sha256 = hash.digest('hex');
  out.line_count = lfs + (size > 0 && last !== LF ? 1 : 0);
  if (out.layout) {
    out.detail_line_count = details;
    out.detail_journal_amount_total = total
      ? formatDecimal(total)
      : amountIndex === -1
        ? null
        : '0';
  }
  return out;
}

/** The header's declared fields, as the header columns type them. */
function header(
  out: FileCheck,
  ll: LineLayout,
  values: readonly string[]
): void {
  const raw = (name: string): string | undefined => {
    const i = ll.names.indexOf(name);
    const v = i === -1 ? undefined : values[ll.indexes[i]];
    return v === '' ? undefined : v;
  };
  const int = (v?: string): number | null =>
    v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
  out.header_record_count = int(raw('record_count'));
  out.header_batch_id = int(raw('batch_id'));
  const date = raw('batch_date');
  out.header_batch_date = date ? date.replace(/\//g, '-') : null;
  out.header_journal_amount_total =
    decimalText(raw('journal_amount_total') ?? '') ?? null;
}

function journalAmountIndex(ll: LineLayout): number {
  const i = ll.names.indexOf('journal_amount');
  return i === -1 ? -1 : ll.indexes[i];
}
