import {Definition, Job} from '../concur/types';
import {JobError} from '../errors';
import {SyncContext} from './context';
import {startProgress} from './progress';

/** First status poll after this long: Concur jobs often finish in seconds (docs/concur-extract-api.md#job-lifecycle-and-times). */
export const POLL_INITIAL_MS = 1_000;
/** Polls back off to at most one a minute: long jobs need no faster polling. */
export const POLL_MAX_MS = 60_000;

const isActive = (j: Job): boolean =>
  j.status === 'Queued' || j.status === 'Running';

/**
 * `start_new_jobs`: request one job per selected definition (all of them first),
 * then wait for each. A 409 means a job is already queued or running: that job
 * is waited for instead. A job that fails or outlives the timeout is a failure
 * of its definition only; the streams then read whatever finished.
 */
export async function startAndWaitForJobs(ctx: SyncContext): Promise<void> {
  const defs = await ctx.definitions();
  const started: {def: Definition; job: Job}[] = [];
  for (const def of defs) {
    try {
      const job = await startOrFindRunning(ctx, def);
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

async function startOrFindRunning(
  ctx: SyncContext,
  def: Definition
): Promise<Job | undefined> {
  const res = await ctx.client.startJob(def);
  if (!res.conflict) {
    ctx.logger.info(
      `Definition "${def.name}": started job ${res.job.id} (${res.job.status}).`
    );
    return res.job;
  }
  const running = (await ctx.client.listJobs(def)).find(isActive);
  if (!running) {
    ctx.logger.warn(
      `Definition "${def.name}": Concur answered 409 (a job is queued or running) but lists none.`
    );
    return undefined;
  }
  ctx.logger.info(
    `Definition "${def.name}": a job is already ${running.status.toLowerCase()} (${running.id}); waiting for it instead of starting another.`
  );
  return running;
}

async function waitForJob(
  ctx: SyncContext,
  def: Definition,
  job: Job
): Promise<Job> {
  // CONCUR_JOB_WAIT_TIMEOUT_MS: an operator/test knob below the spec's 1-minute minimum.
  const timeoutMs =
    Number(process.env.CONCUR_JOB_WAIT_TIMEOUT_MS) ||
    ctx.config.jobWaitTimeoutMs;
  const deadline = Date.now() + timeoutMs;
  let current = job;
  const progress = startProgress(
    ctx.logger,
    (s) =>
      `Definition "${def.name}": waiting for job ${current.id}, status ${current.status}, ${s}s elapsed`
  );
  try {
    let delay = POLL_INITIAL_MS;
    while (isActive(current)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new JobError(
          `job ${current.id} did not finish within ${formatMinutes(timeoutMs)} (last status ${current.status}). ` +
            `It may still finish in Concur; the next sync will pick it up.`,
          {
            code: 'JOB_WAIT_TIMEOUT',
            context: {definition: def.name, job: current.id},
          }
        );
      }
      await sleep(Math.min(delay, left));
      delay = Math.min(delay * 2, POLL_MAX_MS);
      current = await ctx.client.getJob(current);
    }
  } finally {
    progress.stop();
  }
  if (current.status === 'Failed') {
    throw new JobError(
      `job ${current.id} ended with status Failed in Concur; it produced no file.`,
      {code: 'JOB_FAILED', context: {definition: def.name, job: current.id}}
    );
  }
  ctx.logger.info(
    `Definition "${def.name}": job ${current.id} completed at ${current.stopTime}.`
  );
  return current;
}

function formatMinutes(ms: number): string {
  const m = ms / 60_000;
  return `${Number.isInteger(m) ? m : m.toFixed(2)} minute${m === 1 ? '' : 's'}`;
}

const sleep = (ms: number): Promise<void> =>
  new Promise((r) => setTimeout(r, ms));
