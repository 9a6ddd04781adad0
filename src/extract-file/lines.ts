import {isUtf8} from 'buffer';

import {FieldsError, splitRecord, UNTERMINATED} from './fields';
import {fileError} from './file-error';

/**
 * What the parser (parser.ts) and the first pass's scanner (scan.ts) share
 * about the lines of a file: the tail of bytes kept across chunks, the byte
 * order mark, the longest line, UTF-8, and records whose quoted field spans
 * lines. The line rules themselves are in src/extract-file/README.md.
 */

/**
 * The longest line (or multi-line record) accepted, in bytes. An SAE v3 DETAIL
 * line whose 400 fields are all at their documented maximum length is about
 * 13 KB (of ASCII); 1 MiB leaves room for multi-byte text and unknown layouts,
 * and bounds the memory a file without line breaks (or with a quote that is
 * never closed) can take.
 */
export const MAX_LINE_BYTES = 1024 * 1024;

export const LF = 0x0a;
export const CR = 0x0d;
export const QUOTE = 0x22;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const EMPTY = Buffer.alloc(0);

/** The message for bytes that are not UTF-8 (file_encoding utf-8, the default). */
export const NOT_UTF8 =
  "the text is not valid UTF-8; if this tenant's extract files are in a legacy encoding, " +
  'set the file_encoding option (windows-1252 or iso-8859-1)';

export function tooLong(): string {
  return `line longer than ${MAX_LINE_BYTES} bytes (no line break, or a quote that is never closed?)`;
}

/** The bytes after the last line break seen, kept until the rest of their line arrives. */
export class LineTail {
  private parts: Buffer[] = [];
  private size = 0;

  /** `atStart` false: the bytes go on from a part of the file already read (no byte order mark to drop). */
  constructor(private atStart = true) {}

  get length(): number {
    return this.size;
  }

  /**
   * A chunk as it arrives: at the start of the file, bytes wait until there
   * are 3 to drop a byte order mark from (chunks may be tiny); undefined
   * while they wait.
   */
  begin(chunk: Buffer): Buffer | undefined {
    if (!this.atStart) return chunk;
    if (this.size + chunk.length < BOM.length) {
      this.parts.push(chunk);
      this.size += chunk.length;
      return undefined;
    }
    return this.dropBom(this.take(chunk));
  }

  /** What is left at the end of the file (its BOM dropped if the file is that short). */
  rest(): Buffer {
    const last = this.take();
    return this.atStart ? this.dropBom(last) : last;
  }

  /** Keeps bytes; false when the line they belong to is now longer than MAX_LINE_BYTES. */
  keep(bytes: Buffer): boolean {
    if (bytes.length === 0) return true;
    this.parts.push(bytes);
    this.size += bytes.length;
    return this.size <= MAX_LINE_BYTES;
  }

  /** The kept bytes followed by `bytes` (copied only when something is kept); the tail is emptied. */
  take(bytes: Buffer = EMPTY): Buffer {
    if (this.size === 0) return bytes;
    const all = Buffer.concat([...this.parts, bytes], this.size + bytes.length);
    this.parts = [];
    this.size = 0;
    return all;
  }

  private dropBom(buf: Buffer): Buffer {
    this.atStart = false;
    return buf.subarray(0, BOM.length).equals(BOM)
      ? buf.subarray(BOM.length)
      : buf;
  }
}

/** The physical number of the first line of `region` that is not valid UTF-8 (error path only). */
export function firstInvalidUtf8Line(
  region: Buffer,
  firstLine: number
): number {
  let line = firstLine;
  let start = 0;
  for (;;) {
    let lf = region.indexOf(LF, start);
    if (lf === -1) lf = region.length;
    if (!isUtf8(region.subarray(start, lf))) return line;
    line++;
    start = lf + 1;
  }
}

/** A record complete: numbered by the line it starts on, its fields, its text (lines joined). */
export interface JoinedRecord {
  lineNumber: number;
  values: string[];
  text: string;
}

/** Physical lines → records, where a quoted field may go on over several lines (as in CSV). */
export class RecordJoiner {
  private pending?: {text: string; lineNumber: number};

  constructor(private readonly fileName: string) {}

  /** The line a record still open started on (undefined: none is open). */
  get openLine(): number | undefined {
    return this.pending?.lineNumber;
  }

  /**
   * One physical line `line` (without its line break `sep`): the record it
   * completes, or undefined when a quoted field goes on past it. Bad quoting
   * and an overlong record are DataErrors with the file and line.
   */
  line(text: string, sep: string, line: number): JoinedRecord | undefined {
    let lineNumber = line;
    if (this.pending) {
      lineNumber = this.pending.lineNumber;
      text = this.pending.text + text;
      this.pending = undefined;
    }
    let values: string[] | typeof UNTERMINATED;
    try {
      values = splitRecord(text);
    } catch (err) {
      if (!(err instanceof FieldsError)) throw err;
      throw this.error(lineNumber, err.message, 'FILE_QUOTE_INVALID');
    }
    if (values === UNTERMINATED) {
      if (text.length + sep.length > MAX_LINE_BYTES) {
        throw this.error(lineNumber, tooLong(), 'FILE_LINE_TOO_LONG');
      }
      this.pending = {text: text + sep, lineNumber};
      return undefined;
    }
    return {lineNumber, values, text};
  }

  /** At the end of the file: a record still open is an unbalanced quote. */
  finish(): void {
    if (this.pending) {
      throw this.error(
        this.pending.lineNumber,
        'a quoted field opened on this line is never closed (unbalanced quote)',
        'FILE_QUOTE_INVALID'
      );
    }
  }

  private error(
    line: number,
    message: string,
    code: 'FILE_QUOTE_INVALID' | 'FILE_LINE_TOO_LONG'
  ) {
    return fileError(message, code, {file: this.fileName, line});
  }
}
