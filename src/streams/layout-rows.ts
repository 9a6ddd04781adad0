import {AmountsAs} from '../config';
import {withContext} from '../errors';
import {readLayoutRecords} from '../extract-file/layout-rows';
import {SyncContext} from './context';
import {FileStream, JobBody, JobRecords} from './file-group';
import {recordOptions} from './file-rows';
import {LAYOUT_STREAMS, LayoutStreamName} from './layout-streams';

/**
 * sae_rows and prae_rows: one record per DETAIL line of their layouts, typed
 * and named exactly as in extract_file_rows, without `values`.
 */
export class LayoutRows extends FileStream {
  constructor(
    private readonly streamName: LayoutStreamName,
    amountsAs: AmountsAs = 'number'
  ) {
    super(amountsAs);
  }
  get name(): string {
    return this.streamName;
  }
  get primaryKey(): string[][] {
    return [['job_id'], ['file_name'], ['line_number']];
  }

  async *jobRecords(
    ctx: SyncContext,
    body: JobBody
  ): AsyncGenerator<JobRecords> {
    const layouts = LAYOUT_STREAMS[this.streamName].tables.map((t) => t.layout);
    try {
      for await (const {count, bytes} of readLayoutRecords(body.path, {
        ...recordOptions(ctx, body, this.name),
        layouts,
      })) {
        if (count) yield {raw: bytes, count};
      }
    } catch (err) {
      throw withContext(err, {job: body.job.id});
    }
  }
}
