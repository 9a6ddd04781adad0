import {isUtf8} from 'buffer';

import {DataError} from '../errors';
import {FieldsError, splitRecord, UNTERMINATED} from './fields';

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

/**
 * The longest line (or multi-line record) accepted, in bytes. An SAE v3 DETAIL
 * line whose 400 fields are all at their documented maximum length is about
 * 13 KB (of ASCII); 1 MiB leaves room for multi-byte text and unknown layouts,
 * and bounds the memory a file without line breaks (or with a quote that is
 * never closed) can take.
 */
export const MAX_LINE_BYTES = 1024 * 1024;

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

const LF = 0x0a;
const QUOTE = 0x22;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

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
    opts.raw ?? false
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
  /** Bytes after the last line break seen, not yet a complete line. */
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private atStart = true;
  /** Physical number of the next line to start. */
  private nextLine = 1;
  /** A record whose quoted field is still open, waiting for its next line. */
  private pending?: {text: string; lineNumber: number};
  private batch: (ParsedLine | RawLine)[] = [];

  constructor(
    private readonly fileName: string,
    private readonly batchSize: number,
    private readonly raw: boolean
  ) {}

  *push(chunk: Uint8Array): Generator<(ParsedLine | RawLine)[]> {
    let buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.atStart) {
      buf = this.dropBom(buf);
      if (buf.length === 0) return;
    }
    const lastLf = buf.lastIndexOf(LF);
    if (lastLf === -1) {
      this.keep(buf);
      return;
    }
    const region = this.withTail(buf.subarray(0, lastLf + 1));
    this.tail = [];
    this.tailBytes = 0;
    yield* this.splitRegion(region);
    this.keep(buf.subarray(lastLf + 1));
  }

  *end(): Generator<(ParsedLine | RawLine)[]> {
    if (this.atStart && this.tailBytes > 0) {
      // Fewer than 3 bytes in the whole file: the BOM check never ran.
      const all = this.dropBomNow(Buffer.concat(this.tail));
      this.tail = all.length ? [all] : [];
      this.tailBytes = all.length;
    }
    if (this.tailBytes > 0) {
      const last = Buffer.concat(this.tail, this.tailBytes);
      this.tail = [];
      this.tailBytes = 0;
      yield* this.splitRegion(last);
    }
    if (this.pending) {
      throw this.error(
        this.pending.lineNumber,
        'a quoted field opened on this line is never closed (unbalanced quote)'
      );
    }
    if (this.batch.length) yield this.batch;
    this.batch = [];
  }

  /** Splits a run of lines (each ends with LF, except perhaps the file's last one). */
  private *splitRegion(region: Buffer): Generator<(ParsedLine | RawLine)[]> {
    if (!isUtf8(region)) this.throwInvalidUtf8(region, this.nextLine);
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
        throw this.error(this.nextLine, tooLong());
      }
      if (this.raw && quote < start) {
        quote = region.indexOf(QUOTE, start);
        if (quote === -1) quote = n;
      }
      let added = false;
      if (this.raw && quote >= end && end > start && !this.pending) {
        this.batch.push({lineNumber: this.nextLine, bytes: region, start, end});
        added = true;
      } else if (end > start || this.pending) {
        const text = region.toString('utf8', start, end);
        const sep = lf < n ? (hasCr ? '\r\n' : '\n') : hasCr ? '\r' : '';
        this.addLine(text, sep);
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

  /** One physical line (without its line break `sep`) → a record, or part of one. */
  private addLine(text: string, sep: string): void {
    let lineNumber = this.nextLine;
    if (this.pending) {
      lineNumber = this.pending.lineNumber;
      text = this.pending.text + text;
      this.pending = undefined;
    }
    let values: string[] | typeof UNTERMINATED;
    try {
      values = splitRecord(text);
    } catch (err) {
      if (err instanceof FieldsError) throw this.error(lineNumber, err.message);
      throw err;
    }
    if (values === UNTERMINATED) {
      if (text.length + sep.length > MAX_LINE_BYTES) {
        throw this.error(lineNumber, tooLong());
      }
      this.pending = {text: text + sep, lineNumber};
      return;
    }
    this.batch.push({lineNumber, values, plain: !NOT_PLAIN.test(text), text});
  }

  /** Keeps the bytes after the last line break until the rest of their line arrives. */
  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.tail.push(bytes);
    this.tailBytes += bytes.length;
    if (this.tailBytes > MAX_LINE_BYTES) {
      throw this.error(this.pending?.lineNumber ?? this.nextLine, tooLong());
    }
  }

  private withTail(bytes: Buffer): Buffer {
    return this.tailBytes === 0
      ? bytes
      : Buffer.concat([...this.tail, bytes], this.tailBytes + bytes.length);
  }

  /** Waits for 3 bytes before deciding about the BOM (chunks may be tiny). */
  private dropBom(buf: Buffer): Buffer {
    if (this.tailBytes + buf.length < BOM.length) {
      this.keep(buf);
      return Buffer.alloc(0);
    }
    const head = this.withTail(buf);
    this.tail = [];
    this.tailBytes = 0;
    return this.dropBomNow(head);
  }

  private dropBomNow(buf: Buffer): Buffer {
    this.atStart = false;
    return buf.subarray(0, BOM.length).equals(BOM)
      ? buf.subarray(BOM.length)
      : buf;
  }

  /** Finds the first line that is not valid UTF-8 (error path only). */
  private throwInvalidUtf8(region: Buffer, firstLine: number): never {
    let line = firstLine;
    let start = 0;
    for (;;) {
      let lf = region.indexOf(LF, start);
      if (lf === -1) lf = region.length;
      if (!isUtf8(region.subarray(start, lf))) break;
      line++;
      start = lf + 1;
    }
    throw this.error(line, NOT_UTF8);
  }

  private error(line: number, message: string): DataError {
    return new DataError(message, {context: {file: this.fileName, line}});
  }
}

/** The message for bytes that are not UTF-8 (file_encoding utf-8, the default). */
export const NOT_UTF8 =
  "the text is not valid UTF-8; if this tenant's extract files are in a legacy encoding, " +
  'set the file_encoding option (windows-1252 or iso-8859-1)';

export function tooLong(): string {
  return `line longer than ${MAX_LINE_BYTES} bytes (no line break, or a quote that is never closed?)`;
}
