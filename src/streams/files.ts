import {ledgerError} from '../extract-file/ledger';
import {FileStream, JobBody, JobRecords} from './file-group';

/**
 * extract_files, the reconciliation ledger: one record per file of every job
 * read, from the check pass — also for a file that failed its checks (then
 * `rows_emitted` is false and `error` says why).
 */
export class ExtractFiles extends FileStream {
  get name(): string {
    return 'extract_files';
  }
  get primaryKey(): string[][] {
    return [['job_id'], ['file_name']];
  }
  override get isLedger(): boolean {
    return true;
  }

  async *jobRecords(_ctx: unknown, body: JobBody): AsyncGenerator<JobRecords> {
    if (body.files.length === 0) return;
    yield {
      records: body.files.map((f) => ({
        ...body.fields,
        ...f,
        rows_emitted: body.released,
        error: ledgerError(f),
      })),
    };
  }
}
