import {AmountsAs} from '../config';
import {describeError} from '../errors';
import {FileCheck} from '../extract-file';
import {SyncContext} from './context';
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

  async *jobRecords(
    ctx: SyncContext,
    body: JobBody
  ): AsyncGenerator<JobRecords> {
    if (body.files.length === 0) return;
    yield {
      records: body.files.map((f) =>
        ledgerRecord(body, f, ctx.config.amountsAs)
      ),
    };
  }
}

/** A file's check as its ledger record (the fields in the order the schema lists them). */
export function ledgerRecord(
  body: JobBody,
  f: FileCheck,
  amountsAs: AmountsAs
): object {
  const amount = (text: string | null): number | string | null =>
    text === null || amountsAs === 'string' ? text : Number(text);
  return {
    ...body.fields,
    file_name: f.file,
    layout: f.layout,
    size_bytes: f.size_bytes,
    sha256: f.sha256,
    line_count: f.line_count,
    header_record_count: f.header_record_count,
    header_journal_amount_total: amount(f.header_journal_amount_total),
    header_batch_id: f.header_batch_id,
    header_batch_date: f.header_batch_date,
    detail_line_count: f.detail_line_count,
    detail_journal_amount_total: amount(f.detail_journal_amount_total),
    verification: f.verification,
    rows_emitted: body.released && f.verification !== 'failed',
    error: f.error ? describeError(f.error) : null,
  };
}
