/**
 * The job lifecycle, in one place (after Airbyte's async-job retriever, kept
 * small): `status` says what a status means (active, completed, failed);
 * `repository` lists and starts jobs through the client (409 → the job
 * already running); `wait` polls one job to a terminal state within the
 * timeout; this orchestrator starts and waits for the jobs of a sync. The
 * streams read only Completed jobs; the cursor (../cursor.ts) decides which.
 */
import {Definition, Job} from '../../concur/types';
import {SyncContext} from '../context';
import {startOrFindActive} from './repository';
import {waitForJob} from './wait';

export {listJobs} from './repository';
export {isActive, isCompleted, isFailed} from './status';
export {POLL_INITIAL_MS, POLL_MAX_MS} from './wait';

/** Streams that read no job: starting jobs for them alone would be wasted work. */
const JOBLESS_STREAMS = new Set(['extract_definitions']);

/**
 * `start_new_jobs`, when any of `streams` reads jobs: request one job per
 * selected definition (all of them first), then wait for each. A job that
 * fails or outlives the timeout is a failure of its definition only
 * (ctx.fail); the streams then read whatever finished.
 */
export async function startJobsForSync(
  ctx: SyncContext,
  streams: readonly string[]
): Promise<void> {
  if (!ctx.config.startNewJobs) return;
  if (!streams.some((s) => !JOBLESS_STREAMS.has(s))) return;
  const started: {def: Definition; job: Job}[] = [];
  for (const def of await ctx.definitions()) {
    try {
      const job = await startOrFindActive(ctx, def);
      if (job) started.push({def, job});
    } catch (err) {
      ctx.fail(err, def);
    }
  }
  await Promise.all(
    started.map(({def, job}) =>
      waitForJob(ctx, def, job).catch((err) => {
        ctx.fail(err, def);
      })
    )
  );
}
