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
import {prefetch} from './prefetch';
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
        const jobs = jobsToEmit(completed, cursor, ctx.config.startDate);
        // The next job's file downloads while this one is emitted (prefetch.ts).
        for await (const {job, path: body, result: bytes} of prefetch(jobs, {
          spoolPath: (job) =>
            path.join(ctx.workDir, `${def.id}-${job.id}.body`),
          download: (job, body) => this.download(ctx, def, job, body),
        })) {
          yield* this.jobRows(ctx, def, job, body, bytes);
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

  /** Downloads a job's body to `body`; returns its size. */
  private async download(
    ctx: SyncContext,
    def: Definition,
    job: Job,
    body: string
  ): Promise<number> {
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
    return bytes;
  }

  private async *jobRows(
    ctx: SyncContext,
    def: Definition,
    job: Job,
    body: string,
    bytes: number
  ): AsyncGenerator<StreamEvent> {
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
    }
    ctx.logger.info(
      `Definition "${def.name}", job ${job.id} (${formatBytes(bytes)}): ${[...counts].map(([f, n]) => `${f}: ${n} rows`).join(', ') || 'no files'}`
    );
  }
}
