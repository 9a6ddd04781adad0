import {createHash, Hash} from 'crypto';
import {createReadStream} from 'fs';

import {ConnectorError, DataError, withContext} from '../errors';
import {
  countLf,
  DEFAULT_FILE_ENCODING,
  FileEncoding,
  toBuffer,
  Utf8Decoder,
} from './encoding';
import type {LayoutId} from './layouts';
import type {ByteSource} from './parser';
import {openExtractFiles, OpenOptions} from './reader';
import {ContentScanner} from './scan';

/**
 * The first pass over a downloaded body: one FileCheck per file (a text body
 * is one file, a ZIP one per entry, in central-directory order), computed
 * before any row of the body is emitted. A file whose check `failed` emits no
 * row; the emitting pass reads only files that passed, with the layout
 * decided here.
 */

/** How a file's SAE header compared with its DETAIL lines. */
export type Verification =
  /** An SAE file whose header record count and journal total match its DETAIL lines exactly. */
  | 'verified'
  /** Passed every check that could run, but nothing to verify against (bare `EXTRACT` header, PRAE, unknown layout). */
  | 'unverifiable'
  /** Failed a check (header mismatch, width, quoting, encoding, ZIP CRC/size…): see `error`. */
  | 'failed';

export interface FileCheck {
  /** The ZIP entry name, or the default name of a plain body (extract_file_rows' file_name). */
  file: string;
  /** The layout the file is read with; null when not recognised (or when it failed before one was decided). */
  layout: LayoutId | null;
  /** Bytes of the file as served (a ZIP entry: its uncompressed bytes), before any decoding. */
  size_bytes: number;
  /** SHA-256 (lower-case hex) of those same bytes. */
  sha256: string;
  /** Physical lines of the file (a final line break does not start another line; empty lines count). */
  line_count: number;
  /** The SAE header's record count (summed over `EXTRACT` sections); null without one. */
  header_record_count: number | null;
  /** The SAE header's journal amount total as an exact decimal string (e.g. `375312.9100`, no `+`); null without one. */
  header_journal_amount_total: string | null;
  /** The SAE header's batch id (5-field header only); null otherwise. */
  header_batch_id: number | null;
  /** The SAE header's batch date (`YYYY-MM-DD`); null without one. */
  header_batch_date: string | null;
  /** DETAIL lines of an SAE file (lines checked before a failure); 0 for other layouts. */
  detail_line_count: number;
  /** Exact sum of the DETAIL journal amounts (field 169), at the header's scale; null for other layouts. */
  detail_journal_amount_total: string | null;
  verification: Verification;
  /** Why the file failed (a DataError with a file-check code and `{file, line}` context); undefined otherwise. */
  error?: ConnectorError;
}

export interface CheckOptions extends OpenOptions {
  /** The `file_encoding` option (default utf-8). */
  encoding?: FileEncoding;
}

/**
 * The first pass over a downloaded body: one FileCheck per file, in order.
 * File-content failures (including a ZIP that cannot be read: one failed
 * check named after the body) go into the checks; only other errors (the
 * body cannot be read from disk, a bug) are thrown.
 */
export async function checkExtractFiles(
  path: string,
  opts: CheckOptions
): Promise<FileCheck[]> {
  const checks: FileCheck[] = [];
  try {
    for await (const {name, stream} of openExtractFiles(path, opts)) {
      checks.push(await checkFile(stream, name, opts.encoding));
    }
  } catch (err) {
    if (!isFileFailure(err)) throw err;
    const file = err.context.file ?? opts.defaultName;
    // The archive (or an entry that could not even be opened): its bytes as served.
    checks.push(failedCheck(file, err, await meterOf(createReadStream(path))));
  }
  return checks;
}

/**
 * The first pass over one file (its bytes as served, in `encoding`). With
 * `sha256: false` the bytes are not hashed and `sha256` is '': the caller
 * hashes them itself (the check thread's sender, check-thread.ts).
 */
export async function checkFile(
  input: ByteSource,
  file: string,
  encoding: FileEncoding = DEFAULT_FILE_ENCODING,
  {sha256 = true}: {sha256?: boolean} = {}
): Promise<FileCheck> {
  const meter = new Meter(sha256);
  const decoder = new Utf8Decoder(encoding, file);
  const scanner = new ContentScanner(file);
  let error: ConnectorError | undefined;
  const content = (step: () => void): void => {
    if (error) return; // after a failure, the bytes are only measured
    try {
      step();
    } catch (err) {
      if (!isFileFailure(err)) throw err;
      error = withContext(err, {file});
    }
  };
  try {
    for await (const chunk of input) {
      const buf = toBuffer(chunk);
      meter.add(buf);
      content(() => scanner.push(decoder.push(buf)));
    }
  } catch (err) {
    // The bytes themselves (ZIP CRC, size, inflate): the root cause, whatever the text said.
    if (!isFileFailure(err)) throw err;
    return failedCheck(file, withContext(err, {file}), meter.result());
  }
  content(() => {
    scanner.push(decoder.end());
    scanner.end();
  });
  if (error) {
    return {
      ...failedCheck(file, error, meter.result()),
      layout: scanner.layoutId,
    };
  }
  const totals = scanner.totals();
  return {
    file,
    layout: scanner.layoutId,
    ...meter.result(),
    header_record_count: totals?.headerRecordCount ?? null,
    header_journal_amount_total: totals?.headerJournalTotal ?? null,
    header_batch_id: totals?.headerBatchId ?? null,
    header_batch_date: totals?.headerBatchDate ?? null,
    detail_line_count: totals?.detailLines ?? 0,
    detail_journal_amount_total: totals?.detailJournalTotal ?? null,
    verification: totals?.verifiable ? 'verified' : 'unverifiable',
  };
}

/** A file-content failure: what a FileCheck records (anything else is thrown). */
export function isFileFailure(err: unknown): err is ConnectorError {
  return err instanceof DataError;
}

type Measured = Pick<FileCheck, 'size_bytes' | 'sha256' | 'line_count'>;

function failedCheck(
  file: string,
  error: ConnectorError,
  measured: Measured
): FileCheck {
  return {
    file,
    layout: null,
    ...measured,
    header_record_count: null,
    header_journal_amount_total: null,
    header_batch_id: null,
    header_batch_date: null,
    detail_line_count: 0,
    detail_journal_amount_total: null,
    verification: 'failed',
    error,
  };
}

const LF = 0x0a;

/** Size, SHA-256 (unless told not to) and physical lines of the bytes as served. */
class Meter {
  private readonly hash?: Hash;
  private size = 0;
  private lfs = 0;
  private last = -1;

  constructor(sha256 = true) {
    if (sha256) this.hash = createHash('sha256');
  }

  add(buf: Buffer): void {
    if (buf.length === 0) return;
    this.hash?.update(buf);
    this.size += buf.length;
    this.lfs += countLf(buf);
    this.last = buf[buf.length - 1];
  }

  result(): Measured {
    return {
      size_bytes: this.size,
      sha256: this.hash?.digest('hex') ?? '',
      line_count: this.lfs + (this.size > 0 && this.last !== LF ? 1 : 0),
    };
  }
}

async function meterOf(input: ByteSource): Promise<Measured> {
  const meter = new Meter();
  for await (const chunk of input) meter.add(toBuffer(chunk));
  return meter.result();
}
