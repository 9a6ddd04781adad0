import path from 'path';

import type {DownloadProgress} from '../concur/download';
import {Definition, Job} from '../concur/types';
import {AmountsAs} from '../config';
import {withContext} from '../errors';
import {schemaWithAmountsAs} from '../extract-file';
import {checkExtractFiles, FileCheck} from '../extract-file';
import {StreamState} from '../state';
import {ConcurStream, StreamEvent} from './base';
import {SyncContext} from './context';
import {advance, compareTimes, jobsToEmit} from './cursor';
import {DownloadCheck} from './download-check';
import {applyFileChecks} from './file-checks';
import {isCompleted, listJobs} from './job-lifecycle';
import {prefetch} from './prefetch';
import {formatBytes, startProgress} from './progress';

/**
 * The file-derived streams (extract_file_rows, sae_rows, prae_rows,
 * extract_files) read together: per definition, each selected stream keeps
 * its own cursor, and each job that at least one of them still needs is
 * downloaded once, checked once (the ledger pass), and handed to every stream
 * that needs it — so a stream added later starts from the beginning of
 * Concur's job window while the others go on from their cursors.
 *
 * Per job: the check pass; if every file passed, the rows of each row stream
 * and its checkpoint; then the ledger's records and its checkpoint (the
 * ledger records a failed file too). A job with a failed file emits no row
 * and stops its definition there for the row streams (as a failed download
 * does for all of them); the other definitions go on.
 */

/** A downloaded, checked job body, as each stream gets it. */
export interface JobBody {
  def: Definition;
  job: Job;
  /** The body on disk (a text file or a ZIP). */
  path: string;
  /** The name of a body that is not a ZIP. */
  defaultName: string;
  /** definition_id, definition_name, job_id, job_stop_time: the front of every record. */
  fields: Readonly<Record<string, unknown>>;
  /** The check pass, one entry per file. */
  files: FileCheck[];
  /**
   * The row streams may emit the files that passed: false when a failed file
   * refuses the whole job (invalid_file_handling `fail`).
   */
  released: boolean;
}

/** Records of one job: RECORD lines already written, or objects to write. */
export type JobRecords = {raw: Buffer; count: number} | {records: object[]};

/** A stream whose records come from the files of Completed jobs. */
export abstract class FileStream extends ConcurStream {
  /** `amounts_as` of the configuration: the discovered schema declares decimals accordingly. */
  constructor(protected readonly amountsAs: AmountsAs = 'number') {
    super();
  }
  override getJsonSchema(): Record<string, any> {
    return schemaWithAmountsAs(
      super.getJsonSchema() as {properties: Record<string, any>},
      this.amountsAs
    );
  }
  override get cursorField(): string[] {
    return ['job_stop_time'];
  }
  /** The ledger records even a job whose files failed; row streams emit only released jobs. */
  get isLedger(): boolean {
    return false;
  }

  /** The stream's records of one job (RECORD lines, ready to write). */
  abstract jobRecords(
    ctx: SyncContext,
    body: JobBody
  ): AsyncGenerator<JobRecords>;

  /** Read alone (the read loop groups file streams with {@link readFileStreams}). */
  async *sync(
    ctx: SyncContext,
    incremental: boolean,
    state: StreamState
  ): AsyncGenerator<StreamEvent> {
    for await (const {event} of readFileStreams(ctx, [
      {stream: this, incremental, state},
    ])) {
      yield event;
    }
  }
}

export interface FileStreamRead {
  stream: FileStream;
  incremental: boolean;
  /** The stream's input state (per definition). */
  state: StreamState;
}

export interface TaggedEvent {
  stream: string;
  event: StreamEvent;
}

export async function* readFileStreams(
  ctx: SyncContext,
  reads: readonly FileStreamRead[]
): AsyncGenerator<TaggedEvent> {
  // The ledger after the row streams: it records what they emitted.
  const members = [...reads].sort(
    (a, b) => Number(a.stream.isLedger) - Number(b.stream.isLedger)
  );
  const states = members.map((m) => (m.incremental ? m.state : {}));
  // The check thread loads while the first job is listed; the parse workers once a download is large enough for them.
  ctx.checkThread?.warm();
  ctx.logger.info(
    ctx.emitPool
      ? `Extract file rows are written by ${ctx.emitPool.size} parse worker thread(s) (files of ${formatBytes(ctx.emitPool.minFileBytes)} or more)`
      : 'Extract file rows are written by the main thread (no parse workers)'
  );
  for (const def of await ctx.definitions()) {
    // The streams whose data a failure here is missing from (all, until a job narrows it).
    let affected = members;
    try {
      const cursors = members.map((m, i) =>
        m.incremental ? states[i][def.id] : undefined
      );
      const oldest = cursors.reduce((a, c) =>
        !a || !c ? undefined : compareTimes(a.cursor, c.cursor) <= 0 ? a : c
      );
      const completed = (await listJobs(ctx, def, oldest)).filter(isCompleted);
      const wanted = cursors.map(
        (c) => new Set(jobsToEmit(completed, c, ctx.config.startDate))
      );
      const todo = jobsToEmit(completed, undefined, undefined)
        .map((job) => ({
          job,
          needing: members.filter((_, i) => wanted[i].has(job)),
        }))
        .filter((t) => t.needing.length > 0);
      // A failed download surfaces at its job's turn: it misses from the streams needing that job.
      let k = 0;
      affected = todo[0]?.needing ?? members;
      // The next job downloads while this one is checked and emitted (prefetch.ts),
      // which also removes each body once its job is done.
      for await (const {job, result: body} of prefetch(
        todo.map((t) => t.job),
        {
          spoolPath: (job) =>
            path.join(ctx.workDir, `${def.id}-${job.id}.body`),
          download: (job, file, _signal, progress) =>
            downloadJob(ctx, def, job, file, progress),
          prepare: (job, file, downloaded) =>
            checkJob(ctx, def, job, file, downloaded),
        }
      )) {
        const needing = todo[k].needing;
        affected = needing;
        // invalid_file_handling: `fail` refuses the job (no row), `skip` withholds the failed files.
        let failure: unknown;
        try {
          applyFileChecks(ctx, def, job, body.files);
        } catch (err) {
          failure = err;
          body.released = false;
        }
        for (const m of needing) {
          const i = members.indexOf(m);
          if (!m.stream.isLedger && !body.released) continue;
          try {
            for await (const ev of m.stream.jobRecords(ctx, body)) {
              yield {stream: m.stream.name, event: ev};
            }
          } catch (err) {
            // A row writer refused a line the check pass let through (a typed value): the file failed.
            failure = withContext(err, {job: job.id});
            markFailed(body, failure);
            continue;
          }
          if (m.incremental) {
            cursors[i] = advance(cursors[i], job);
            states[i] = {...states[i], [def.id]: cursors[i]};
            yield {stream: m.stream.name, event: {state: states[i]}};
          }
        }
        logJob(ctx, body);
        if (failure) {
          // The ledger recorded the refused files: only the row streams miss data.
          affected = needing.filter((m) => !m.stream.isLedger);
          throw withContext(failure, {job: job.id});
        }
        k++;
        affected = todo[k]?.needing ?? members;
      }
    } catch (err) {
      for (const m of affected) ctx.fail(err, def, m.stream.name);
    }
  }
}

/** A downloaded body, and its text file's check made while it downloaded (undefined: check it from disk). */
interface Downloaded {
  checked: Promise<FileCheck[] | undefined>;
}

/** Downloads a job's body to `file`, checking a text body on the way (download-check.ts). */
async function downloadJob(
  ctx: SyncContext,
  def: Definition,
  job: Job,
  file: string,
  onProgress: DownloadProgress
): Promise<Downloaded> {
  let bytes = 0;
  const progress = startProgress(
    ctx.logger,
    (s) =>
      `Definition "${def.name}", job ${job.id}: downloading, ${formatBytes(bytes)} read in ${s}s`
  );
  const check = new DownloadCheck(
    defaultNameOf(job),
    ctx.config.fileEncoding,
    ctx.checkThread
  );
  try {
    const pool = ctx.emitPool;
    const read: DownloadProgress = (n, expected) => {
      bytes = n;
      pool?.warmFor(n, expected); // they load while the rest arrives
      onProgress(n, expected);
    };
    await ctx.client.downloadFile(job, file, read, check.observe);
  } finally {
    progress.stop();
  }
  return {checked: check.result()}; // never rejects: a failed check is redone from disk
}

/** The check pass over a downloaded body (the ledger's facts, every file's verdict). */
async function checkJob(
  ctx: SyncContext,
  def: Definition,
  job: Job,
  file: string,
  {checked}: Downloaded
): Promise<JobBody> {
  const defaultName = defaultNameOf(job);
  const files =
    (await checked) ??
    (await checkExtractFiles(file, {
      defaultName,
      maxUnzippedBytes: ctx.config.maxUnzippedBytes,
      encoding: ctx.config.fileEncoding,
    }));
  return {
    def,
    job,
    path: file,
    defaultName,
    fields: {
      definition_id: def.id,
      definition_name: def.name,
      job_id: job.id,
      job_stop_time: job.stopTime,
    },
    files,
    released: true,
  };
}

/** The file name of a body that is not a ZIP. */
function defaultNameOf(job: Job): string {
  return `${job.id}.txt`;
}

function markFailed(body: JobBody, err: unknown): void {
  const e = withContext(err, {});
  const f = body.files.find((x) => x.file === e.context.file) ?? body.files[0];
  if (f && !f.error) {
    f.verification = 'failed';
    f.error = e;
  }
  body.released = false;
}

function logJob(ctx: SyncContext, {def, job, files}: JobBody): void {
  const size = files.reduce((n, f) => n + f.size_bytes, 0);
  const each = files.map(
    (f) => `${f.file}: ${f.line_count} lines, ${f.verification}`
  );
  ctx.logger.info(
    `Definition "${def.name}", job ${job.id} (${formatBytes(size)}): ${each.join('; ') || 'no files'}`
  );
}
