import {isUtf8} from 'buffer';

import {splitRecord} from './fields';
import {fileError} from './file-error';
import {
  CR,
  firstInvalidUtf8Line,
  LF,
  LineTail,
  MAX_LINE_BYTES,
  NOT_UTF8,
  QUOTE,
  RecordJoiner,
  tooLong,
} from './lines';

/**
 * Bytes of one extract file → its records, in batches.
 *
 * Line rules (decided here, documented in src/extract-file/README.md):
 *  - lines end with LF or CRLF; the last line may lack its line break; a lone
 *    CR is data (a CR-only file is one long line and hits {@link MAX_LINE_BYTES});
 *  - a UTF-8 byte order mark at the start of the file is dropped; the text
 *    must be valid UTF-8, anything else is refused (never silently replaced);
 *  - empty lines are skipped, wherever they are, but still counted: line
 *    numbers are always the physical 1-based line numbers of the file;
 *  - a quoted field may span lines (as in CSV); the record is numbered by the
 *    line it starts on, and the lines it consumes produce no record of their own.
 */

export {MAX_LINE_BYTES} from './lines';

/**
 * Records per yielded batch by default: large enough to make the per-batch
 * async overhead negligible (a batch of SAE lines is ~3 ms of work), small
 * enough that what a batch keeps alive (its lines, values and the records
 * built from them: ~10 KB per SAE line) stays well inside V8's young
 * generation. Measured on 50 MB of SAE lines: 100 rows per batch is ~1.5×
 * faster end to end than 500, and ~2× faster than 1000.
 */
export const BATCH_SIZE = 100;

export interface ParseOptions {
  /** Records per yielded batch (default {@link BATCH_SIZE}). */
  batchSize?: number;
  /**
   * Yield lines without any `"` as {@link RawLine}s (their bytes, unsplit)
   * for the byte writer; {@link materialize} turns one into the ParsedLine
   * the default mode would have yielded.
   */
  raw?: boolean;
  /**
   * The input is a part of a file cut at a record boundary (regions.ts):
   * the physical number of its first line, and whether it starts the file
   * (only there is a byte order mark dropped). Default: the whole file.
   */
  region?: {firstLine: number; atStart: boolean};
}

/** Chunks of a file: a Readable, or any (async) iterable of bytes or text. */
export type ByteSource =
  | AsyncIterable<Buffer | Uint8Array | string>
  | Iterable<Buffer | Uint8Array | string>;

export interface ParsedLine {
  /** 1-based physical line number where the record starts. */
  lineNumber: number;
  /** Every field of the record, after CSV unquoting. */
  values: string[];
  /**
   * The record is printable ASCII without `"` or `\`: its fields go into
   * JSON as they are, byte for byte (the fast writer); other records are
   * escaped as JSON.stringify does.
   */
  plain: boolean;
  /** The record's text (its physical lines joined, without the final line break). */
  text: string;
}

/**
 * A record without any `"` (so exactly one physical line, its fields split at
 * every `|`), as bytes: `bytes[start, end)`, without the line break.
 */
export interface RawLine {
  lineNumber: number;
  bytes: Buffer;
  start: number;
  end: number;
}

export function isRaw(line: ParsedLine | RawLine): line is RawLine {
  return (line as RawLine).bytes !== undefined;
}

/** The ParsedLine the default mode yields for the same line (same text, same split). */
export function materialize({
  lineNumber,
  bytes,
  start,
  end,
}: RawLine): ParsedLine {
  const text = bytes.toString('utf8', start, end);
  const values = splitRecord(text) as string[]; // no `"`: never UNTERMINATED
  return {lineNumber, values, plain: !NOT_PLAIN.test(text), text};
}

/** Any character but printable ASCII other than `"` and `\`. */
const NOT_PLAIN = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

/** Reads `input` (bytes, e.g. a file or ZIP entry stream) and yields its records in batches. */
export function parseLines(
  input: ByteSource,
  fileName: string,
  opts?: ParseOptions & {raw?: false}
): AsyncGenerator<ParsedLine[]>;
export function parseLines(
  input: ByteSource,
  fileName: string,
  opts: ParseOptions & {raw: true}
): AsyncGenerator<(ParsedLine | RawLine)[]>;
export async function* parseLines(
  input: ByteSource,
  fileName: string,
  opts: ParseOptions = {}
): AsyncGenerator<(ParsedLine | RawLine)[]> {
  const lines = new LineSplitter(
    fileName,
    opts.batchSize ?? BATCH_SIZE,
    opts.raw ?? false,
    opts.region
  );
  for await (const chunk of input) {
    yield* lines.push(
      typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
    );
  }
  yield* lines.end();
}

/**
 * The core: chunks of bytes in, batches of records out. Batches are made
 * while the caller consumes them, so only one batch of a chunk is alive at a
 * time (what stays alive across V8's young-generation collections is most of
 * the cost at these rates).
 */
export class LineSplitter {
  private readonly tail: LineTail;
  private readonly records: RecordJoiner;
  /** Physical number of the next line to start. */
  private nextLine: number;
  private batch: (ParsedLine | RawLine)[] = [];

  constructor(
    private readonly fileName: string,
    private readonly batchSize: number,
    private readonly raw: boolean,
    region: ParseOptions['region'] = {firstLine: 1, atStart: true}
  ) {
    this.records = new RecordJoiner(fileName);
    this.tail = new LineTail(region.atStart);
    this.nextLine = region.firstLine;
  }

  *push(chunk: Uint8Array): Generator<(ParsedLine | RawLine)[]> {
    const buf = this.tail.begin(
      Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    );
    if (!buf || buf.length === 0) return;
    const lastLf = buf.lastIndexOf(LF);
    if (lastLf === -1) {
      this.keep(buf);
      return;
    }
    let from = 0;
    if (this.tail.length > 0) {
      // The line the tail began ends here: joined on its own, so the rest of the chunk is not copied.
      from = buf.indexOf(LF) + 1;
      yield* this.splitRegion(this.tail.take(buf.subarray(0, from)));
    }
    if (from <= lastLf) yield* this.splitRegion(buf.subarray(from, lastLf + 1));
    this.keep(buf.subarray(lastLf + 1));
  }

  *end(): Generator<(ParsedLine | RawLine)[]> {
    const last = this.tail.rest();
    if (last.length > 0) yield* this.splitRegion(last);
    this.records.finish();
    if (this.batch.length) yield this.batch;
    this.batch = [];
  }

  /** Splits a run of lines (each ends with LF, except perhaps the file's last one). */
  private *splitRegion(region: Buffer): Generator<(ParsedLine | RawLine)[]> {
    if (!isUtf8(region)) {
      throw this.error(
        firstInvalidUtf8Line(region, this.nextLine),
        NOT_UTF8,
        'FILE_ENCODING_INVALID'
      );
    }
    const n = region.length;
    let start = 0;
    // Raw mode: the first `"` at or after `start` (n: none), searched once per quote, not per line.
    let quote = -1;
    while (start < n) {
      let lf = region.indexOf(LF, start);
      if (lf === -1) lf = n; // unterminated last line
      let end = lf;
      const hasCr = end > start && region[end - 1] === CR;
      if (hasCr) end--;
      if (end - start > MAX_LINE_BYTES) {
        throw this.error(this.nextLine, tooLong(), 'FILE_LINE_TOO_LONG');
      }
      if (this.raw && quote < start) {
        quote = region.indexOf(QUOTE, start);
        if (quote === -1) quote = n;
      }
      const open = this.records.openLine !== undefined;
      let added = false;
      if (this.raw && quote >= end && end > start && !open) {
        this.batch.push({lineNumber: this.nextLine, bytes: region, start, end});
        added = true;
      } else if (end > start || open) {
        const text = region.toString('utf8', start, end);
        const sep = lf < n ? (hasCr ? '\r\n' : '\n') : hasCr ? '\r' : '';
        const record = this.records.line(text, sep, this.nextLine);
        if (record) {
          this.batch.push({...record, plain: !NOT_PLAIN.test(record.text)});
        }
        added = true;
      }
      if (added && this.batch.length >= this.batchSize) {
        const full = this.batch;
        this.batch = [];
        yield full;
      }
      this.nextLine++;
      start = lf + 1;
    }
  }

  /** Keeps the bytes after the last line break until the rest of their line arrives. */
  private keep(bytes: Buffer): void {
    if (!this.tail.keep(bytes)) {
      const line = this.records.openLine ?? this.nextLine;
      throw this.error(line, tooLong(), 'FILE_LINE_TOO_LONG');
    }
  }

  private error(
    line: number,
    message: string,
    code: 'FILE_ENCODING_INVALID' | 'FILE_LINE_TOO_LONG'
  ) {
    return fileError(message, code, {file: this.fileName, line});
  }
}
