import type {AmountsAs} from '../config';
import {withContext} from '../errors';
import {CheckOptions, FileCheck} from './check';
import type {EmitPool} from './emit-pool';
import {decodeToUtf8, DEFAULT_FILE_ENCODING} from './encoding';
import {JsonBytes} from './json-bytes';
import {columnsInto, LayoutId, LineLayout} from './layouts';
import {
  ByteSource,
  isRaw,
  materialize,
  ParsedLine,
  parseLines,
  ParseOptions,
} from './parser';
import {PlainWriter} from './plain-writer';
import {openExtractFiles} from './reader';
import {Envelope, recordFrame} from './record-frame';
import {LineTyper} from './typer';

/**
 * The extract-file layer for the file streams, in two passes over a
 * downloaded body (on disk):
 *  1. checkExtractFiles (check.ts): every check that can fail a file (UTF-8 or
 *     the configured encoding, quoting, widths, typed values, the SAE header's
 *     count and total, ZIP CRC and size) and its layout, one FileCheck per file;
 *  2. readExtractRecords: the records of the files whose check passed, typed
 *     in the layout the check decided. No byte of a failed file is emitted.
 *
 * Records are yielded in batches as they are parsed. Every emitted file
 * yields at least once (an empty batch for an empty file).
 *
 * Errors are DataErrors with `{file, line}` context (`{file}` for the archive).
 */

export type {CheckOptions, FileCheck, Verification} from './check';
export {checkExtractFiles, checkFile} from './check';
export {EmitPool} from './emit-pool';
export type {FileEncoding} from './encoding';
export {DEFAULT_FILE_ENCODING, FILE_ENCODINGS} from './encoding';
export type {Columns, LayoutId, LayoutTable} from './layouts';
export {FIXED_ROW_FIELDS, LAYOUT_TABLES} from './layouts';
export {schemaWithAmountsAs} from './layouts/amounts';
export type {OpenOptions} from './reader';
export type {Envelope} from './record-frame';

/** The parsed shape of a record's `data` (for readers and tests). */
export type ExtractRecord = Record<string, unknown> & {
  file_name: string;
  line_number: number;
  record_type: string;
  layout: LayoutId | null;
  values: string[];
};

export interface RecordOptions extends CheckOptions {
  /**
   * The body's first pass (checkExtractFiles): only files whose check did not
   * fail are read, in the layout it decided.
   */
  checks: readonly FileCheck[];
  /** Copied to the front of every record (definition_id, definition_name, job_id, job_stop_time). */
  fields?: Readonly<Record<string, unknown>>;
  envelope?: Envelope;
  /** Decimal columns as JSON numbers (default) or as their exact text. */
  amountsAs?: AmountsAs;
  /** Parse workers to write the records with (none: this thread). */
  pool?: EmitPool;
}

/**
 * A batch of records: `count` records as UTF-8 bytes, each `before + data +
 * after`. The `data` of a record: the caller's `fields` (definition and job),
 * then `file_name`, `line_number`, `record_type`, `layout`, `values`, then
 * the typed columns, all top level, empty ones omitted.
 */
export interface RecordBatch {
  /** ZIP entry name, or the default name of a plain body. */
  file: string;
  count: number;
  bytes: Buffer;
}

/**
 * The records of every file of a downloaded body that passed its check, ready
 * to write: every line (extract_file_rows), or only the DETAIL lines of the
 * given layouts (sae_rows, prae_rows: layout-rows.ts). file-task.ts.
 */
export {bodyRecords as readExtractRecords} from './file-task';

/** The files of a body whose check passed, as UTF-8 text, with their layout. */
export async function* passedFiles(
  path: string,
  opts: CheckOptions & {checks: readonly FileCheck[]}
): AsyncGenerator<{
  file: string;
  layout: LayoutId | null;
  /** Bytes of the file as served (its check's size_bytes). */
  size: number;
  text: ByteSource;
}> {
  const byName = new Map(opts.checks.map((c) => [c.file, c]));
  const encoding = opts.encoding ?? DEFAULT_FILE_ENCODING;
  for await (const {name, stream} of openExtractFiles(path, opts)) {
    const check = byName.get(name);
    if (!check) throw new Error(`file ${name} was not checked before reading`);
    if (check.verification === 'failed') continue;
    yield {
      file: name,
      layout: check.layout,
      size: check.size_bytes,
      text: decodeToUtf8(stream, encoding, name),
    };
  }
}

/** The records of one file (UTF-8 text), in the layout its check decided. */
export async function* fileRecords(
  input: ByteSource,
  file: string,
  fields: Readonly<Record<string, unknown>> = {},
  envelope?: Envelope,
  layout: LayoutId | null = null,
  amountsAs: AmountsAs = 'number',
  /** A part of the file cut at a record boundary (the parse workers: parallel.ts). */
  region?: ParseOptions['region']
): AsyncGenerator<RecordBatch> {
  // Everything before the line number is the same for the whole file.
  const {before: batchStart, head, after} = recordFrame(file, fields, envelope);
  const typer = new LineTyper(file, layout, amountsAs);
  const out = new JsonBytes();
  let yielded = false;
  const bytes = new PlainWriter(typer);
  for await (const batch of parseLines(input, file, {raw: true, region})) {
    const before = batchStart();
    for (const line of batch) {
      out.reserve(
        before.length + head.length + after.length + FIXED_KEYS_BYTES
      );
      out.bytes(before);
      out.bytes(head);
      out.ascii(String(line.lineNumber));
      try {
        if (!isRaw(line)) writeLine(out, line, typer);
        else if (!bytes.write(out, line)) {
          writeLine(out, materialize(line), typer);
        }
      } catch (err) {
        throw withContext(err, {file, line: line.lineNumber});
      }
      out.reserve(after.length);
      out.bytes(after);
    }
    yield {file, count: batch.length, bytes: out.take()};
    yielded = true;
  }
  out.retire();
  if (!yielded) yield {file, count: 0, bytes: Buffer.alloc(0)};
}

/** The full path: split values, typed by the layout (the byte writer's reference). */
function writeLine(out: JsonBytes, line: ParsedLine, typer: LineTyper): void {
  const ll = typer.line(line.lineNumber, line.values);
  if (line.plain) writePlain(out, line, ll);
  else writeEscaped(out, line, ll);
}

/** Room for the line number and the fixed keys around record_type, layout and values. */
const FIXED_KEYS_BYTES = 96;

/** A printable-ASCII line without `"` or `\`: every field is its own JSON string text. */
function writePlain(
  out: JsonBytes,
  {values, text}: ParsedLine,
  ll: LineLayout | null
): void {
  // values: ≤ 3 bytes per character (`|` → `","`); columns: their raw text plus keys and quotes.
  out.reserve(4 * text.length + 64 + (ll ? ll.jsonBudget : 0));
  out.ascii(',"record_type":"');
  out.ascii(values[0]);
  out.ascii(
    ll ? `","layout":"${ll.layout}","values":` : '","layout":null,"values":'
  );
  out.asciiFields(text);
  if (ll) columnsInto(ll, values, out, true);
}

/** Any other line: strings escaped as JSON.stringify escapes them. */
function writeEscaped(
  out: JsonBytes,
  {values}: ParsedLine,
  ll: LineLayout | null
): void {
  const layout = ll ? `"${ll.layout}"` : 'null';
  out.utf8(
    `,"record_type":${JSON.stringify(values[0])},"layout":${layout},"values":${JSON.stringify(values)}`
  );
  if (ll) {
    out.reserve(ll.jsonBudget);
    columnsInto(ll, values, out, false);
  }
}
