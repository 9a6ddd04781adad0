import {withContext} from '../errors';
import {readExtractRecords, RecordOptions} from '../extract-file';
import {Output} from '../protocol/output';
import {SyncContext} from './context';
import {FileStream, JobBody, JobRecords} from './file-group';

/**
 * extract_file_rows: every line of every file, lossless (`values`), typed
 * where the layout is known. Jobs, cursors and the one download per job:
 * file-group.ts.
 */
export class ExtractFileRows extends FileStream {
  get name(): string {
    return 'extract_file_rows';
  }
  get primaryKey(): string[][] {
    return [['job_id'], ['file_name'], ['line_number']];
  }

  async *jobRecords(
    ctx: SyncContext,
    body: JobBody
  ): AsyncGenerator<JobRecords> {
    try {
      for await (const {count, bytes} of readExtractRecords(
        body.path,
        recordOptions(ctx, body, this.name)
      )) {
        if (count) yield {raw: bytes, count};
      }
    } catch (err) {
      throw withContext(err, {job: body.job.id});
    }
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
  };
}
