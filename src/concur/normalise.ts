/**
 * The doc quirks of job fields (docs/concur-extract-api.md#job-lifecycle-and-times, #doc-quirks): status spellings and numbers, and
 * timestamps with or without `Z` and with 0–7 fractional digits.
 */
import {DataError} from '../errors';
import {JobStatus} from './types';

const STATUSES: Record<string, JobStatus> = {
  queued: 'Queued',
  '0': 'Queued',
  running: 'Running',
  'in process': 'Running',
  '1': 'Running',
  completed: 'Completed',
  complete: 'Completed',
  '2': 'Completed',
  failed: 'Failed',
  '3': 'Failed',
};

/**
 * `Queued|Running|Completed|Failed` from Concur's spelling, case-insensitive:
 * `Complete` (doc examples), numbers 0–3 (the JSON enum order, docs/concur-extract-api.md#json-representation),
 * `In Process` (never documented, docs/concur-extract-api.md#assumptions). Anything else is a DataError.
 */
export function normaliseStatus(raw: string | undefined): JobStatus {
  const key = (raw ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
  const status = STATUSES[key];
  if (!status) {
    throw new DataError(
      `Concur sent an unknown job status "${raw ?? ''}" (expected Queued, Running, Completed or Failed).`,
      {code: 'CONCUR_ANSWER_INVALID'}
    );
  }
  return status;
}

const TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A Concur timestamp as `YYYY-MM-DDTHH:MM:SS.sssZ`, or null when absent/empty.
 *
 * Zone-less values are UTC (docs/concur-extract-api.md#job-lifecycle-and-times). The output is exactly `Date.prototype.toISOString()`'s
 * fixed-width form, so string order is time order, and values compare correctly
 * with any other JS-produced instant (start_date, state). Fractions beyond
 * milliseconds are truncated, never rounded: truncation is monotonic (a later
 * time never sorts before an earlier one) and never carries into the next
 * second; two jobs within the same millisecond share a cursor value, which
 * the incremental stream already handles (ids at the cursor).
 */
export function normaliseTime(raw: string | undefined): string | null {
  const text = (raw ?? '').trim();
  if (text === '') return null;
  const m = TIME.exec(text);
  if (!m) throw badTime(raw);
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = m;
  const fields = [y, mo, d, h, mi, s].map(Number);
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const local = Date.UTC(
    fields[0],
    fields[1] - 1,
    fields[2],
    fields[3],
    fields[4],
    fields[5],
    millis
  );
  if (!sameFields(new Date(local), fields)) throw badTime(raw);
  return new Date(local - offsetMs(zone)).toISOString();
}

/** Rejects dates like 2024-02-30 or 25:00 that Date.UTC would silently roll over. */
function sameFields(date: Date, f: number[]): boolean {
  return (
    date.getUTCFullYear() === f[0] &&
    date.getUTCMonth() === f[1] - 1 &&
    date.getUTCDate() === f[2] &&
    date.getUTCHours() === f[3] &&
    date.getUTCMinutes() === f[4] &&
    date.getUTCSeconds() === f[5]
  );
}

function offsetMs(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return (zone[0] === '-' ? -1 : 1) * minutes * 60_000;
}

function badTime(raw: string | undefined): DataError {
  return new DataError(
    `Concur sent a time "${raw ?? ''}" that is not an ISO 8601 date-time.`,
    {code: 'CONCUR_ANSWER_INVALID'}
  );
}
