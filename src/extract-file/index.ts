import {Columns, LayoutId} from './layouts';
import {ByteSource, parseLines} from './parser';
import {openExtractFiles, OpenOptions} from './reader';
import {LineTyper, newRecord} from './typer';

/**
 * The extract-file layer for the extract_file_rows stream: a downloaded body
 * → its files (text or ZIP entries) → their lines → records, typed where the
 * layout is known, with the SAE header verified at the end of each file.
 *
 * Records are yielded in batches as they are parsed; a verification failure
 * is thrown after the file's last batch. The stream must therefore advance
 * its state only after the whole body has been read without error. Every
 * file yields at least once (an empty batch for an empty file).
 *
 * Errors are DataErrors with `{file, line}` context (`{file}` for the archive).
 */

export type {Columns, JsonSchemaProperty, LayoutId} from './layouts';
export {FIXED_ROW_FIELDS, schemaProperties} from './layouts';
export type {OpenOptions} from './reader';

/**
 * An extract_file_rows record, as the JSON text of its `data`: the caller's
 * `fields` (definition and job), then `file_name`, `line_number`,
 * `record_type`, `layout`, `values`, then the typed columns, all top level,
 * empty ones omitted. Text rather than objects: the stream writes it as is,
 * which is about twice as fast as building 100+-key objects to stringify.
 */
export type RecordJson = string;

/** The parsed shape of a RecordJson (for readers and tests). */
export type ExtractRecord = Record<string, unknown> & {
  file_name: string;
  line_number: number;
  record_type: string;
  layout: LayoutId | null;
  values: string[];
};

export interface RecordOptions extends OpenOptions {
  /** Copied to the front of every record (definition_id, definition_name, job_id, job_stop_time). */
  fields?: Readonly<Record<string, unknown>>;
}

export interface FileRecords {
  /** ZIP entry name, or the default name of a plain body. */
  file: string;
  records: RecordJson[];
}

/** The records of every file of a downloaded body, ready to emit. */
export async function* readExtractRecords(
  path: string,
  opts: RecordOptions
): AsyncGenerator<FileRecords> {
  for await (const {name, stream} of openExtractFiles(path, opts)) {
    yield* fileRecords(stream, name, opts.fields ?? {});
  }
}

/** The records of one file. */
export async function* fileRecords(
  input: ByteSource,
  file: string,
  fields: Readonly<Record<string, unknown>> = {}
): AsyncGenerator<FileRecords> {
  // Everything before the line number is the same for the whole file.
  const fixed = JSON.stringify({...fields, file_name: file});
  const head = `${fixed.slice(0, -1)},"line_number":`;
  const typer = new LineTyper(file);
  let yielded = false;
  for await (const batch of parseLines(input, file)) {
    const records: RecordJson[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const {lineNumber, values, plain} = batch[i];
      const {layout, columns} = typer.json(lineNumber, values, plain);
      const valuesJson = plain
        ? `["${values.join('","')}"]`
        : JSON.stringify(values);
      records[i] =
        `${head}${lineNumber},"record_type":${plain ? `"${values[0]}"` : JSON.stringify(values[0])}` +
        `,"layout":${layout},"values":${valuesJson}${columns}}`;
    }
    yield {file, records};
    yielded = true;
  }
  typer.finish();
  if (!yielded) yield {file, records: []};
}

/** A line with its typed columns apart (see readExtractRows). */
export interface FileRow {
  /** 1-based physical line number (where the record starts). */
  line_number: number;
  /** Field 1 of the line. */
  record_type: string;
  layout: LayoutId | null;
  /** Every field, after CSV unquoting (lossless). */
  values: string[];
  /** Named, typed columns of a recognised layout; empty fields omitted; {} otherwise. */
  columns: Columns;
}

export interface FileRows {
  file: string;
  rows: FileRow[];
}

/**
 * Like readExtractRecords, with each line's columns in a separate object.
 * Merging them into a record with object spread is ~10× slower than
 * readExtractRecords: use that one to emit records.
 */
export async function* readExtractRows(
  path: string,
  opts: OpenOptions
): AsyncGenerator<FileRows> {
  for await (const {name, stream} of openExtractFiles(path, opts)) {
    yield* fileRows(stream, name);
  }
}

export async function* fileRows(
  input: ByteSource,
  file: string
): AsyncGenerator<FileRows> {
  const typer = new LineTyper(file);
  let yielded = false;
  for await (const batch of parseLines(input, file)) {
    const rows: FileRow[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const {lineNumber, values} = batch[i];
      const columns = newRecord() as Columns;
      const layout = typer.type(lineNumber, values, columns);
      rows[i] = {
        line_number: lineNumber,
        record_type: values[0],
        layout,
        values,
        columns,
      };
    }
    yield {file, rows};
    yielded = true;
  }
  typer.finish();
  if (!yielded) yield {file, rows: []};
}
