import {Definition, Job} from '../concur/types';
import {DataError, describeError} from '../errors';
import {FileCheck} from '../extract-file';
import {SyncContext} from './context';

/**
 * What a job's first pass (checkExtractFiles) means for the sync, by the
 * `invalid_file_handling` option:
 *  - every file passed: all are emitted;
 *  - `fail` (default): the first failed file's error is thrown before any row
 *    of the job is emitted — its definition stops at this job (state stays
 *    before it), the other definitions go on (a DataError is definition-scoped);
 *  - `skip`: each failed file is logged as a WARN with its reason and left
 *    out; the files that passed are emitted and the cursor moves past the job.
 * An SAE file whose bare `EXTRACT` header carries no count or total cannot be
 * verified: it is emitted, with a WARN.
 *
 * The emitting pass then reads only the files whose check passed.
 */
export function applyFileChecks(
  ctx: SyncContext,
  def: Definition,
  job: Job,
  checks: readonly FileCheck[]
): void {
  const where = `Definition "${def.name || def.id}", job ${job.id}`;
  for (const c of checks) {
    if (c.verification === 'unverifiable' && c.layout?.startsWith('sae')) {
      ctx.logger.warn(
        `${where}, file ${c.file}: its EXTRACT header has no record count or journal total, ` +
          `so the file cannot be verified (${c.detail_line_count} DETAIL lines totalling ` +
          `${c.detail_journal_amount_total}); its rows are synced unverified`
      );
    }
  }
  const failed = checks.filter((c) => c.verification === 'failed');
  if (failed.length === 0) return;
  if (ctx.config.invalidFileHandling === 'fail') {
    const more =
      failed.length > 1 ? ` (and ${failed.length - 1} more file(s))` : '';
    throw refusal(
      failed[0],
      `${more}. No row of this job was emitted and the definition's state stays before it. ` +
        'Only the Concur side can fix the file (correct and re-run the extract); to sync the ' +
        'definition\'s later jobs without it, set invalid_file_handling to "skip"'
    );
  }
  for (const c of failed) {
    ctx.logger.warn(
      `${where}: file ${c.file} skipped (invalid_file_handling is "skip"), its rows withheld: ${describeError(c.error)}`
    );
  }
}

/** The failed file's error with what happens next appended (same code, type and context). */
function refusal(check: FileCheck, hint: string): DataError {
  const e = check.error!;
  return new DataError(`${e.message}${hint}`, {
    code: e.code,
    failureType: e.failureType,
    context: {file: check.file, ...e.context},
    cause: e,
  });
}
