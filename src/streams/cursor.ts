import {DefinitionCursor} from '../state';

/** What the cursor logic needs of a job. */
export interface CursorJob {
  id: string;
  stopTime: string | null;
}

/**
 * Stop times are compared on a fixed-width key (seven fraction digits, no zone)
 * so that `…:50Z`, `…:50.5Z` and `…:50.5000000Z` order as the instants they are.
 * All Concur times are UTC (docs/concur-extract-api.md#job-lifecycle-and-times).
 */
export function timeKey(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z?$/.exec(
    iso.trim()
  );
  if (!m) return iso;
  return `${m[1]}.${(m[2] ?? '').slice(0, 7).padEnd(7, '0')}`;
}

export function compareTimes(a: string, b: string): number {
  const ka = timeKey(a);
  const kb = timeKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Whether a finished job is still to be emitted under this cursor. */
export function isAfterCursor(
  job: CursorJob,
  cursor: DefinitionCursor | undefined
): boolean {
  if (!job.stopTime) return false;
  if (!cursor) return true;
  const c = compareTimes(job.stopTime, cursor.cursor);
  return c > 0 || (c === 0 && !cursor.ids_at_cursor.includes(job.id));
}

/** The cursor after `job` has been fully emitted (jobs are emitted oldest first). */
export function advance(
  cursor: DefinitionCursor | undefined,
  job: CursorJob
): DefinitionCursor {
  if (!job.stopTime) return cursor as DefinitionCursor;
  if (!cursor || compareTimes(job.stopTime, cursor.cursor) > 0) {
    return {cursor: job.stopTime, ids_at_cursor: [job.id]};
  }
  if (
    compareTimes(job.stopTime, cursor.cursor) === 0 &&
    !cursor.ids_at_cursor.includes(job.id)
  ) {
    return {
      cursor: cursor.cursor,
      ids_at_cursor: [...cursor.ids_at_cursor, job.id],
    };
  }
  return cursor;
}

/**
 * The finished jobs to emit, oldest first (ties broken by id so the order is
 * stable): those after the cursor, and on a first sync those that finished at
 * or after `startDate`.
 */
/** A job that finished before `start_date` (unfinished jobs never did). */
export function finishedBefore(
  job: CursorJob,
  startDate: Date | undefined
): boolean {
  return (
    !!startDate &&
    !!job.stopTime &&
    compareTimes(job.stopTime, startDate.toISOString()) < 0
  );
}

export function jobsToEmit<J extends CursorJob>(
  jobs: readonly J[],
  cursor: DefinitionCursor | undefined,
  startDate: Date | undefined
): J[] {
  const start = cursor ? undefined : startDate;
  return jobs
    .filter((j) => isAfterCursor(j, cursor) && !finishedBefore(j, start))
    .sort(
      (a, b) =>
        compareTimes(a.stopTime as string, b.stopTime as string) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
    );
}
