import {isUtf8} from 'buffer';

import {ErrorCode, withContext} from '../errors';
import {isDetail} from './byte-checks';
import {DetailBytes} from './detail-bytes';
import {fileError} from './file-error';
import {
  checkFieldCount,
  detectHeader,
  FileLayout,
  fileLayoutOf,
  LayoutId,
  LineLayout,
  saeLayoutOfWidth,
  typedValue,
} from './layouts';
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
import {JOURNAL_AMOUNT, SaeTotals, SaeVerifier} from './verify';

/**
 * The content checks of a file's first pass, on its UTF-8 bytes: every check
 * the emitting pass (parser.ts, typer.ts, layouts) could fail on — UTF-8,
 * line length, quoting, field widths, typed values — plus the SAE header
 * verification, and the layout decision (SAE v2 or v3 from the DETAIL width).
 * The first failure is thrown (a DataError with file and line).
 *
 * It must cost little next to the emitting pass, so a line without `"` (all
 * but a few) is never split into strings: its `|` are counted on the bytes,
 * and only its non-empty typed fields (and the journal amount) become strings,
 * checked by the very converters the emitting pass uses. Lines with `"`, the
 * first line and header lines take the exact path: fields.ts' splitRecord, as
 * the parser does. The line rules (LF/CRLF, BOM, empty lines, multi-line
 * quoted records) mirror parser.ts; test/file.check.test.ts compares the two.
 */

const PIPE = 0x7c;
const DETAIL = 'DETAIL';

export class ContentScanner {
  private readonly tail = new LineTail();
  private readonly records: RecordJoiner;
  private nextLine = 1;
  private readonly bytes = new DetailBytes();
  private seenFirst = false;
  /** 'sae': an SAE header without batch id; v2 or v3 is decided by the first DETAIL line. */
  private decided: LayoutId | 'sae' | null = null;
  private layout?: FileLayout;
  private detail?: LineLayout;
  private firstDetail?: {line: number; width: number};
  private verifier?: SaeVerifier;

  constructor(private readonly fileName: string) {
    this.records = new RecordJoiner(fileName);
  }

  /** The layout the file is read with (null: unknown, or not decided when it failed). */
  get layoutId(): LayoutId | null {
    return this.layout?.layout ?? null;
  }

  /** The SAE totals, for SAE files. */
  totals(): SaeTotals | undefined {
    return this.layout && this.layout.layout !== 'prae'
      ? this.verifier?.totals()
      : undefined;
  }

  push(chunk: Buffer): void {
    const buf = this.tail.begin(chunk);
    if (!buf) return;
    const lastLf = buf.lastIndexOf(LF);
    if (lastLf === -1) {
      this.keep(buf);
      return;
    }
    let from = 0;
    if (this.tail.length > 0) {
      // The line the tail began ends here: on its own, so the rest is not copied.
      from = buf.indexOf(LF) + 1;
      this.region(this.tail.take(buf.subarray(0, from)));
    }
    if (from <= lastLf) this.region(buf.subarray(from, lastLf + 1));
    this.keep(buf.subarray(lastLf + 1));
  }

  end(): void {
    const last = this.tail.rest();
    if (last.length) this.region(last);
    this.records.finish();
    if (this.decided === 'sae' && !this.layout) {
      // No DETAIL line: not SAE (a Standard Request Extract has the same header).
      this.decided = null;
      this.verifier = undefined;
    }
    this.verifier?.finish();
  }

  private region(region: Buffer): void {
    if (!isUtf8(region)) {
      const line = firstInvalidUtf8Line(region, this.nextLine);
      throw this.error(line, NOT_UTF8, 'FILE_ENCODING_INVALID');
    }
    const n = region.length;
    let quote = region.indexOf(QUOTE);
    let start = 0;
    while (start < n) {
      let lf = region.indexOf(LF, start);
      if (lf === -1) lf = n;
      let end = lf;
      const hasCr = end > start && region[end - 1] === CR;
      if (hasCr) end--;
      if (end - start > MAX_LINE_BYTES) {
        throw this.error(this.nextLine, tooLong(), 'FILE_LINE_TOO_LONG');
      }
      const open = this.records.openLine !== undefined;
      if (end > start || open) {
        if (quote !== -1 && quote < start) quote = region.indexOf(QUOTE, start);
        if (
          open ||
          !this.seenFirst ||
          (quote !== -1 && quote < end) ||
          !this.fastLine(region, start, end)
        ) {
          const text = region.toString('utf8', start, end);
          const sep = lf < n ? (hasCr ? '\r\n' : '\n') : hasCr ? '\r' : '';
          this.slowLine(text, sep);
        }
      }
      this.nextLine++;
      start = lf + 1;
    }
  }

  /**
   * A line without `"` of a file whose layout is known: its DETAIL fields on
   * the bytes. False when the line needs the exact path (a header, a layout
   * still undecided).
   */
  private fastLine(buf: Buffer, start: number, end: number): boolean {
    if (this.decided === null) return true; // unknown layout: nothing to check
    const ll = this.detail;
    if (!ll) return false;
    let pipe = buf.indexOf(PIPE, start);
    if (pipe === -1 || pipe > end) pipe = end;
    if (!isDetail(buf, start, pipe)) {
      const type = buf.toString('utf8', start, pipe);
      return this.layout!.lineLayout([type]) === undefined; // another record type: nothing to check
    }
    const d = this.bytes;
    const width = d.scan(buf, pipe + 1, end, ll, this.fileName, this.nextLine);
    if (width !== ll.fieldCount) this.widthError(ll, width, this.nextLine);
    if (d.bad) throw d.bad;
    this.verifier!.detail(d.amount, this.nextLine);
    return true;
  }

  /** One physical line as text (the parser's rules): a record, or part of one. */
  private slowLine(text: string, sep: string): void {
    const record = this.records.line(text, sep, this.nextLine);
    if (!record) return;
    try {
      this.record(record.values, record.lineNumber);
    } catch (err) {
      throw withContext(err, {file: this.fileName, line: record.lineNumber});
    }
  }

  /** A record's values: the layout decision, widths, typed values, the SAE header check. */
  private record(values: string[], lineNumber: number): void {
    if (!this.seenFirst) {
      this.seenFirst = true;
      this.decided = detectHeader(values);
      if (this.decided === 'sae') {
        this.verifier = new SaeVerifier(this.fileName);
      } else if (this.decided) {
        this.use(this.decided);
        if (this.decided === 'sae_v3') {
          this.verifier = new SaeVerifier(this.fileName);
        }
      }
    }
    if (this.decided === null) return;
    if (!this.layout && values[0] === DETAIL) {
      const layout = saeLayoutOfWidth(values.length);
      if (!layout) {
        throw fileError(
          `DETAIL line has ${values.length} fields, SAE DETAIL lines have 400 (v3) or 256 (v2)`,
          'FILE_WIDTH_MISMATCH'
        );
      }
      this.use(layout);
      this.firstDetail = {line: lineNumber, width: values.length};
    }
    // Undecided (an SAE header without batch id): its header is typed alike in v2 and v3.
    const ll = (this.layout ?? fileLayoutOf('sae_v3')).lineLayout(values);
    if (!ll) return;
    if (ll.role === 'detail' && values.length !== ll.fieldCount) {
      const lost = values.some((v) => v.includes('"'));
      this.widthError(ll, values.length, lineNumber, lost);
    }
    checkFieldCount(ll, values);
    // An SAE header's count and total are reported as such (SAE_HEADER_INVALID).
    if (ll.role === 'header' && ll.layout !== 'prae') {
      this.verifier?.header(values, lineNumber);
    }
    for (let k = 0; k < ll.indexes.length; k++) {
      const raw = values[ll.indexes[k]];
      if (raw !== '' && ll.converters[k] !== undefined) typedValue(ll, k, raw);
    }
    if (ll.layout !== 'prae' && ll.role === 'detail') {
      this.verifier?.detail(values[JOURNAL_AMOUNT], lineNumber);
    }
  }

  private use(layout: LayoutId): void {
    this.layout = fileLayoutOf(layout);
    this.detail = this.layout.lineLayout([DETAIL]);
    if (layout === 'prae') this.detail = undefined; // PRAE lines take the exact path (rare)
  }

  private widthError(
    ll: LineLayout,
    width: number,
    line: number,
    lostQuotes = false
  ): never {
    const first = this.firstDetail;
    const why =
      (lostQuotes ? ' (a field containing "|" may have lost its quotes)' : '') +
      (first
        ? `; the file's first DETAIL line (line ${first.line}) has ${first.width}, which made it ${ll.layout}`
        : '');
    throw fileError(
      `DETAIL line has ${width} fields, ${ll.layout === 'sae_v2' ? 'SAE v2' : 'SAE v3'} ` +
        `DETAIL lines have ${ll.fieldCount}${why}`,
      'FILE_WIDTH_MISMATCH',
      {file: this.fileName, line}
    );
  }

  private keep(bytes: Buffer): void {
    if (!this.tail.keep(bytes)) {
      const line = this.records.openLine ?? this.nextLine;
      throw this.error(line, tooLong(), 'FILE_LINE_TOO_LONG');
    }
  }

  private error(line: number, message: string, code: ErrorCode) {
    return fileError(message, code, {file: this.fileName, line});
  }
}
