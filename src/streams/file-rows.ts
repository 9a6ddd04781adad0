import {promises as fs} from 'fs';
import path from 'path';

import {Definition, Job} from '../concur/types';
import {withContext} from '../errors';
import {checkExtractFiles, readExtractRecords} from '../extract-file';
import {Output} from '../protocol/output';
import {StreamState} from '../state';
import {ConcurStream, StreamEvent} from './base';
import {SyncContext} from './context';
import {advance, jobsToEmit} from './cursor';
import {applyFileChecks} from './file-checks';
import {listJobs} from './job-window';
import {formatBytes, startProgress} from './progress';

export class ExtractFileRows extends ConcurStream {
  get name(): string {
    return 'extract_file_rows';
  }
  get primaryKey(): string[][] {
    return [['job_id'], ['file_name'], ['line_number']];
  }
  override get cursorField(): string[] {
    return ['job_stop_time'];
  }

  /**
   * Per definition: its Completed jobs after the cursor, oldest first; all rows
   * of a job, then a checkpoint for that job. A job that fails stops its
   * definition there (the cursor cannot skip it); other definitions go on.
   * A job whose files fail their checks emits none of their rows: with
   * invalid_file_handling `fail` it stops its definition, with `skip` the
   * other files are emitted and the cursor moves on (file-checks.ts).
   */
  async *sync(
    ctx: SyncContext,
    incremental: boolean,
    state: StreamState
  ): AsyncGenerator<StreamEvent> {
    for (const def of await ctx.definitions()) {
      try {
        let cursor = incremental ? state[def.id] : undefined;
        const completed = (await listJobs(ctx, def, cursor)).filter(
          (j) => j.status === 'Completed'
        );
        for (const job of jobsToEmit(completed, cursor, ctx.config.startDate)) {
          yield* this.jobRows(ctx, def, job);
          if (incremental) {
            cursor = advance(cursor, job);
            state = {...state, [def.id]: cursor};
            yield {state};
          }
        }
      } catch (err) {
        ctx.fail(err, def);
      }
    }
  }

  private async *jobRows(
    ctx: SyncContext,
    def: Definition,
    job: Job
  ): AsyncGenerator<StreamEvent> {
    const body = path.join(ctx.workDir, `${def.id}-${job.id}.body`);
    let bytes = 0;
    const progress = startProgress(
      ctx.logger,
      (s) =>
        `Definition "${def.name}", job ${job.id}: downloading, ${formatBytes(bytes)} read in ${s}s`
    );
    try {
      await ctx.client.downloadFile(job, body, (n) => (bytes = n));
    } finally {
      progress.stop();
    }
    const counts = new Map<string, number>();
    try {
      const opts = {
        defaultName: `${job.id}.txt`,
        maxUnzippedBytes: ctx.config.maxUnzippedBytes,
        encoding: ctx.config.fileEncoding,
      };
      // The first pass: no row of a file leaves before the whole file passed its checks.
      const checks = await checkExtractFiles(body, opts);
      applyFileChecks(ctx, def, job, checks);
      const fields = {
        definition_id: def.id,
        definition_name: def.name,
        job_id: job.id,
        job_stop_time: job.stopTime,
      };
      const envelope = {
        before: () => Output.recordPrefix(this.name),
        after: '}}\n',
      };
      for await (const {file, count, bytes} of readExtractRecords(body, {
        ...opts,
        checks,
        fields,
        envelope,
      })) {
        if (count) yield {raw: bytes, count};
        counts.set(file, (counts.get(file) ?? 0) + count);
      }
    } catch (err) {
      throw withContext(err, {job: job.id});
    } finally {
      await fs.rm(body, {force: true});
    }
    ctx.logger.info(
      `Definition "${def.name}", job ${job.id} (${formatBytes(bytes)}): ${[...counts].map(([f, n]) => `${f}: ${n} rows`).join(', ') || 'no files'}`
    );
  }
}
