import {Definition, Job} from '../../concur/types';
import {JobError} from '../../errors';
import {SyncContext} from '../context';
import {startProgress} from '../progress';
import {isActive, isFailed} from './status';

/** First status poll after this long: Concur jobs often finish in seconds (docs/concur-extract-api.md#job-lifecycle-and-times). */
export const POLL_INITIAL_MS = 1_000;
/** Polls back off to at most one a minute: long jobs need no faster polling. */
export const POLL_MAX_MS = 60_000;

/** How long a sync waits for one job: `job_wait_timeout_minutes`, or the operator knob below. */
export function jobWaitTimeoutMs(ctx: SyncContext): number {
  // CONCUR_JOB_WAIT_TIMEOUT_MS: an operator/test knob below the spec's 1-minute minimum.
  return (
    Number(process.env.CONCUR_JOB_WAIT_TIMEOUT_MS) ||
    ctx.config.jobWaitTimeoutMs
  );
}

/**
 * Polls `job` (backing off from POLL_INITIAL_MS to POLL_MAX_MS) until it is
 * terminal. Completed: returned. Failed, or still active after the timeout:
 * a JobError naming definition and job.
 */
export async function waitForJob(
  ctx: SyncContext,
  def: Definition,
  job: Job
): Promise<Job> {
  const timeoutMs = jobWaitTimeoutMs(ctx);
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
  if (isFailed(current)) {
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
