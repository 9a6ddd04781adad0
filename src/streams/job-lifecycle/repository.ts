import {MAX_LISTED_JOBS} from '../../concur/limits';
import {Definition, Job} from '../../concur/types';
import {DefinitionCursor} from '../../state';
import {SyncContext} from '../context';
import {compareTimes} from '../cursor';
import {isActive} from './status';

/**
 * Where jobs come from: the client lists, reads and starts them; this adds
 * what the lifecycle needs on top (the data-gap warning, the 409 fallback).
 */

/** A definition's jobs as Concur lists them, with the data-gap warning below. */
export async function listJobs(
  ctx: SyncContext,
  def: Definition,
  cursor: DefinitionCursor | undefined
): Promise<Job[]> {
  const jobs = await ctx.client.listJobs(def);
  warnIfJobsRolledOff(ctx, def, jobs, cursor);
  return jobs;
}

/**
 * Concur lists only the last 100 jobs of a definition. When the list is full
 * and even its oldest job finished after our cursor, jobs between the two may
 * have rolled off the list before we could read them: say so, loudly.
 */
function warnIfJobsRolledOff(
  ctx: SyncContext,
  def: Definition,
  jobs: readonly Job[],
  cursor: DefinitionCursor | undefined
): void {
  if (!cursor || jobs.length < MAX_LISTED_JOBS) return;
  const finished = jobs
    .filter((j) => j.stopTime)
    .map((j) => j.stopTime as string);
  if (finished.length === 0) return;
  const oldest = finished.reduce((a, b) => (compareTimes(a, b) <= 0 ? a : b));
  if (compareTimes(oldest, cursor.cursor) <= 0) return;
  const hours = (Date.parse(oldest) - Date.parse(cursor.cursor)) / 3_600_000;
  ctx.logger.warn(
    `POSSIBLE DATA GAP in definition "${def.name}" (${def.id}): Concur lists only the last ${MAX_LISTED_JOBS} jobs, ` +
      `and the oldest listed job finished at ${oldest}, ${hours.toFixed(1)} hours after the last synced job ` +
      `(${cursor.cursor}). Jobs that finished in between are no longer listed and cannot be read. ` +
      `Sync more often than this definition runs 100 jobs.`
  );
}

/**
 * Starts a job of `def`, or — when Concur answers 409 (one is queued or
 * running) — finds that job to wait for instead. Undefined: 409, yet none listed.
 */
export async function startOrFindActive(
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
