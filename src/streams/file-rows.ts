import {withContext} from '../errors';
import {LayoutId, readExtractRecords, RecordOptions} from '../extract-file';
import {Output} from '../protocol/output';
import {SyncContext} from './context';
import {FileStream, JobBody, JobRecords} from './file-group';

/** A stream of one record per line of a job's files: extract_file_rows, sae_rows, prae_rows. */
export abstract class RowStream extends FileStream {
  get primaryKey(): string[][] {
    return [['job_id'], ['file_name'], ['line_number']];
  }

  /** The layouts whose DETAIL lines are the stream's records; undefined: every line of every file. */
  protected get layouts(): readonly LayoutId[] | undefined {
    return undefined;
  }

  async *jobRecords(
    ctx: SyncContext,
    body: JobBody
  ): AsyncGenerator<JobRecords> {
    try {
      const opts = recordOptions(ctx, body, this.name);
      const batches = readExtractRecords(body.path, opts, this.layouts);
      for await (const {count, bytes} of batches) {
        if (count) yield {raw: bytes, count};
      }
    } catch (err) {
      throw withContext(err, {job: body.job.id});
    }
  }
}

/**
 * extract_file_rows: every line of every file, lossless (`values`), typed
 * where the layout is known. Jobs, cursors and the one download per job:
 * file-group.ts.
 */
export class ExtractFileRows extends RowStream {
  get name(): string {
    return 'extract_file_rows';
  }
}

/** What every row writer of a job needs: the body's name, limits, record front and envelope. */
export function recordOptions(
  ctx: SyncContext,
  body: JobBody,
  stream: string
): RecordOptions {
  return {
    defaultName: body.defaultName,
    maxUnzippedBytes: ctx.config.maxUnzippedBytes,
    encoding: ctx.config.fileEncoding,
    checks: body.files,
    amountsAs: ctx.config.amountsAs,
    fields: body.fields,
    envelope: Output.envelope(stream),
    pool: ctx.emitPool,
  };
}
