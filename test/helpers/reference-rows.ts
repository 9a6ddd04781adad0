/**
 * The plain, object-building reference reader of extract files (not shipped):
 * the same lines the connector emits, each as an object with its typed columns
 * apart. test/file.records compares the byte writer of readExtractRecords with
 * it (record for record, against JSON.stringify); scripts/parse-speed.js times
 * it. Too slow to emit records with. It imports only src/, so
 * tsconfig.build.json compiles it for the script.
 */
import type {AmountsAs} from '../../src/config';
import {withContext} from '../../src/errors';
import {
  checkExtractFiles,
  CheckOptions,
  Columns,
  LayoutId,
  passedFiles,
} from '../../src/extract-file';
import {
  checkFieldCount,
  LineLayout,
  typedValue,
} from '../../src/extract-file/layouts';
import {
  BATCH_SIZE,
  ByteSource,
  LineSplitter,
  ParsedLine,
  parseLines,
} from '../../src/extract-file/parser';
import {LineTyper} from '../../src/extract-file/typer';

/** A line with its typed columns apart. */
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

/** The rows of every file of a body; checks the body first and throws the first failed file's error. */
export async function* readExtractRows(
  path: string,
  opts: CheckOptions
): AsyncGenerator<FileRows> {
  const checks = await checkExtractFiles(path, opts);
  const failed = checks.find((c) => c.error);
  if (failed) throw failed.error;
  for await (const {file, layout, text} of passedFiles(path, {
    ...opts,
    checks,
  })) {
    yield* fileRows(text, file, layout);
  }
}

/** The rows of one file (UTF-8 text), in the layout its check decided. */
export async function* fileRows(
  input: ByteSource,
  file: string,
  layout: LayoutId | null,
  amountsAs: AmountsAs = 'number'
): AsyncGenerator<FileRows> {
  const typer = new LineTyper(file, layout, amountsAs);
  let yielded = false;
  for await (const batch of parseLines(input, file)) {
    const rows: FileRow[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const {lineNumber, values} = batch[i];
      const columns = newRecord() as Columns;
      const ll = typer.line(lineNumber, values);
      if (ll) {
        try {
          columnsFor(ll, values, columns);
        } catch (err) {
          throw withContext(err, {file, line: lineNumber});
        }
      }
      rows[i] = {
        line_number: lineNumber,
        record_type: values[0],
        layout: ll ? ll.layout : null,
        values,
        columns,
      };
    }
    yield {file, rows};
    yielded = true;
  }
  if (!yielded) yield {file, rows: []};
}

/**
 * The typed columns of a line. Empty fields are omitted (contract: SAE lines
 * are sparse). Throws a DataError naming the column and the bad value; the
 * caller adds the file and line.
 */
function columnsFor(
  ll: LineLayout,
  values: readonly string[],
  into: Columns = {}
): Columns {
  checkFieldCount(ll, values);
  const {indexes, names} = ll;
  for (let i = 0; i < indexes.length; i++) {
    const raw = values[indexes[i]];
    if (raw !== '') into[names[i]] = typedValue(ll, i, raw);
  }
  return into;
}

/** Parses one whole text at once (the parser's rules, synchronously). */
export function parseText(text: string, fileName: string): ParsedLine[] {
  const lines = new LineSplitter(fileName, BATCH_SIZE, false);
  return [
    ...lines.push(Buffer.from(text, 'utf8')),
    ...lines.end(),
  ].flat() as ParsedLine[];
}

/**
 * A plain object (normal prototype) in V8's dictionary mode. Rows get 100+
 * keys from a sparse set of 400: adding them to an ordinary object walks a new
 * hidden-class chain for almost every line. Measured per SAE line, building +
 * JSON.stringify: ~30 µs like this, ~55 µs with an ordinary object, ~350 µs
 * when the columns are spread into an object literal (`{...fixed, ...columns}`).
 */
function newRecord(): Record<string, unknown> {
  return Object.setPrototypeOf(Object.create(null), Object.prototype);
}
