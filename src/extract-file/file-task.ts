import type {AmountsAs} from '../config';
import {fileRecords, passedFiles, RecordBatch, RecordOptions} from './index';
import {fileLayoutRecords} from './layout-rows';
import type {LayoutId} from './layouts';
import {parallelRecords} from './parallel';
import type {ByteSource, ParseOptions} from './parser';
import type {Envelope} from './record-frame';

/**
 * What a row stream writes for one file, as plain data: the same in the
 * thread that reads the file and in a parse worker (emit-worker.ts), which
 * gets it with each region of the file.
 */
export interface FileTask {
  file: string;
  /** The layout the file's check decided. */
  layout: LayoutId | null;
  /** The front of every record (definition and job). */
  fields: Readonly<Record<string, unknown>>;
  envelope?: Envelope;
  amountsAs: AmountsAs;
  /**
   * The per-layout streams (sae_rows, prae_rows): the layouts whose DETAIL
   * lines become records. Absent: every line, with its values (extract_file_rows).
   */
  layouts?: readonly LayoutId[];
}

/** The records of a file (or of one region of it) as `task` says. */
export function taskRecords(
  input: ByteSource,
  task: FileTask,
  region?: ParseOptions['region']
): AsyncGenerator<RecordBatch> {
  const {file, layout, fields, envelope, amountsAs, layouts} = task;
  return layouts
    ? fileLayoutRecords(input, file, layout, {
        layouts,
        fields,
        envelope,
        amountsAs,
        region,
      })
    : fileRecords(input, file, fields, envelope, layout, amountsAs, region);
}

/**
 * The records of every file of a downloaded body that passed its check:
 * written by the parse workers when there is a pool and the file is large
 * enough for it, in this thread otherwise.
 */
export async function* bodyRecords(
  path: string,
  opts: RecordOptions,
  layouts?: readonly LayoutId[]
): AsyncGenerator<RecordBatch> {
  for await (const {file, layout, size, text} of passedFiles(path, opts)) {
    const task: FileTask = {
      file,
      layout,
      fields: opts.fields ?? {},
      envelope: opts.envelope,
      amountsAs: opts.amountsAs ?? 'number',
      layouts,
    };
    yield* opts.pool?.takes(size)
      ? parallelRecords(text, task, opts.pool)
      : taskRecords(text, task);
  }
}
