import {promises as fs} from 'fs';

import type {DownloadProgress} from '../concur/download';

/**
 * Downloads that overlap emitting: the files of a list of jobs, handed to the
 * consumer in order, each only once it is fully downloaded and prepared
 * (checked), while the next job's file downloads in the background — at most
 * one file ahead, spooled to disk. The next download starts as soon as the
 * current one has arrived, so it also overlaps the current file's check, and
 * the link never idles between jobs: a sync of many jobs takes about
 * max(transfer, check + emit) instead of their sum, with at most two files on
 * disk, the one being checked or emitted and the next one.
 *
 * When the consumer is already waiting for the current download (the link is
 * the bottleneck), the next one starts a little before the current one ends
 * ({@link nextRequestLead}): its request's round trip then overlaps the
 * current body's last bytes instead of leaving the link idle once per job.
 * Those two downloads are still the only files on disk.
 *
 * The module owns the spooled files: a job's file is removed when the
 * consumer asks for the next job, and on every way out — a failed download
 * (its partial file), the consumer stopping early or throwing (the current
 * file and the ones ahead). A download or check error is thrown when the
 * consumer reaches that job, after every earlier job was handed over, exactly
 * as if the downloads ran one after the other: checkpoints and failures are
 * those of a sequential sync.
 */

/**
 * How long before the current body's estimated end the next request goes
 * out, when the consumer waits for the link: twice the current request's
 * time to first byte (the next one's will be about the same: a round trip
 * plus the server starting the body), within these bounds. Why: an earlier
 * start only shares the link with the current body, which then arrives later
 * (on a 40 MB/s link a fixed 0.3 s delayed the first job's rows by ~0.3 s,
 * README "Benchmark"); the floor covers the moments this process is busy
 * elsewhere, the ceiling a slow server (Concur's first byte can take a few
 * hundred ms).
 */
export const NEXT_REQUEST_LEAD_MIN_S = 0.05;
export const NEXT_REQUEST_LEAD_MAX_S = 0.3;

/**
 * The lead for a request whose first byte came `firstByteS` after it went out;
 * the ceiling when that time is not a finite number (a clock gone wrong).
 */
export function nextRequestLead(firstByteS: number): number {
  if (!Number.isFinite(firstByteS)) return NEXT_REQUEST_LEAD_MAX_S;
  return Math.min(
    NEXT_REQUEST_LEAD_MAX_S,
    Math.max(NEXT_REQUEST_LEAD_MIN_S, 2 * firstByteS)
  );
}

export interface PrefetchOptions<J, T, D = T> {
  /** Where a job's file is spooled (one path per job). */
  spoolPath(job: J): string;
  /**
   * Downloads the job's file to `path`. `signal` is aborted when the consumer
   * stops while this download runs (a download that ignores it is awaited
   * before its file is removed). `progress`, when called, lets the next
   * download start before this one ends.
   */
  download(
    job: J,
    path: string,
    signal: AbortSignal,
    progress: DownloadProgress
  ): Promise<D>;
  /**
   * Works on the downloaded file (the check pass) while the next job
   * downloads; what it returns comes with the job. Default: the download's result.
   */
  prepare?(job: J, path: string, downloaded: D): Promise<T>;
  /** Seconds since some fixed point (tests pass their own clock). */
  now?(): number;
}

export interface Prefetched<J, T> {
  job: J;
  /** The job's fully downloaded file; removed once the consumer moves on. */
  path: string;
  result: T;
}

interface InFlight<D> {
  path: string;
  done: Promise<D>;
  /** The body's end is estimated within the lead ({@link nextRequestLead}). */
  endingSoon: boolean;
}

export async function* prefetch<J, T, D = T>(
  jobs: readonly J[],
  opts: PrefetchOptions<J, T, D>
): AsyncGenerator<Prefetched<J, T>> {
  const abort = new AbortController();
  const now = opts.now ?? (() => performance.now() / 1000);
  /** Downloads started and not yet handed over, by job index. */
  const flights = new Map<number, InFlight<D>>();
  /** The job the consumer waits for (-1: it works on one it was given). */
  let waitingFor = -1;
  const start = (i: number): void => {
    if (i >= jobs.length || flights.has(i) || abort.signal.aborted) return;
    const path = opts.spoolPath(jobs[i]);
    const startedAt = now();
    const flight: InFlight<D> = {path, done: undefined!, endingSoon: false};
    let lead: number | undefined;
    const progress: DownloadProgress = (bytes, expected) => {
      if (flight.endingSoon || !expected || bytes <= 0) return;
      const t = now();
      lead ??= nextRequestLead(t - startedAt); // the first bytes: the time to first byte
      // The rate since the request went out: low at first, so never too early.
      const left = ((expected - bytes) * (t - startedAt)) / bytes;
      if (left > lead) return;
      flight.endingSoon = true;
      if (waitingFor === i) start(i + 1);
    };
    flight.done = opts.download(jobs[i], path, abort.signal, progress);
    flight.done.catch(() => undefined); // rethrown when the consumer reaches the job
    flights.set(i, flight);
  };
  const prepare =
    opts.prepare ?? ((_job: J, _path: string, d: D) => Promise.resolve(d));
  let current: string | undefined;
  start(0);
  try {
    for (let i = 0; i < jobs.length; i++) {
      const flight = flights.get(i)!;
      current = flight.path;
      waitingFor = i;
      if (flight.endingSoon) start(i + 1);
      const downloaded = await flight.done;
      waitingFor = -1;
      flights.delete(i);
      start(i + 1);
      const result = (await prepare(jobs[i], flight.path, downloaded)) as T;
      yield {job: jobs[i], path: flight.path, result};
      current = undefined;
      await remove(flight.path);
    }
  } finally {
    abort.abort();
    if (current !== undefined) await remove(current);
    for (const ahead of flights.values()) {
      if (ahead.path === current) continue;
      await ahead.done.catch(() => undefined);
      await remove(ahead.path);
    }
  }
}

function remove(path: string): Promise<void> {
  return fs.rm(path, {force: true});
}
