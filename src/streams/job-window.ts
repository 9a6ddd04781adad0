import {MAX_LISTED_JOBS} from '../concur/limits';
import {Definition, Job} from '../concur/types';
import {Logger} from '../protocol/logger';
import {DefinitionCursor} from '../state';
import {compareTimes} from './cursor';

/**
 * Concur lists only the last 100 jobs of a definition. When the list is full
 * and even its oldest job finished after our cursor, jobs between the two may
 * have rolled off the list before we could read them: say so, loudly.
 */
export function warnIfJobsRolledOff(
  logger: Logger,
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
  logger.warn(
    `POSSIBLE DATA GAP in definition "${def.name}" (${def.id}): Concur lists only the last ${MAX_LISTED_JOBS} jobs, ` +
      `and the oldest listed job finished at ${oldest}, ${hours.toFixed(1)} hours after the last synced job ` +
      `(${cursor.cursor}). Jobs that finished in between are no longer listed and cannot be read. ` +
      `Sync more often than this definition runs 100 jobs.`
  );
}
