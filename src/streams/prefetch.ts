import {promises as fs} from 'fs';

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
 * The module owns the spooled files: a job's file is removed when the
 * consumer asks for the next job, and on every way out — a failed download
 * (its partial file), the consumer stopping early or throwing (the current
 * file and the one ahead). A download or check error is thrown when the
 * consumer reaches that job, after every earlier job was handed over, exactly
 * as if the downloads ran one after the other: checkpoints and failures are
 * those of a sequential sync.
 */

export interface PrefetchOptions<J, T, D = T> {
  /** Where a job's file is spooled (one path per job). */
  spoolPath(job: J): string;
  /**
   * Downloads the job's file to `path`. `signal` is aborted when the consumer
   * stops while this download runs (a download that ignores it is awaited
   * before its file is removed).
   */
  download(job: J, path: string, signal: AbortSignal): Promise<D>;
  /**
   * Works on the downloaded file (the check pass) while the next job
   * downloads; what it returns comes with the job. Default: the download's result.
   */
  prepare?(job: J, path: string, downloaded: D): Promise<T>;
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
}

export async function* prefetch<J, T, D = T>(
  jobs: readonly J[],
  opts: PrefetchOptions<J, T, D>
): AsyncGenerator<Prefetched<J, T>> {
  const abort = new AbortController();
  const start = (job: J): InFlight<D> => {
    const path = opts.spoolPath(job);
    const done = opts.download(job, path, abort.signal);
    done.catch(() => undefined); // rethrown when the consumer reaches the job
    return {path, done};
  };
  const prepare =
    opts.prepare ?? ((_job: J, _path: string, d: D) => Promise.resolve(d));
  let ahead = jobs.length ? start(jobs[0]) : undefined;
  let current: string | undefined;
  try {
    for (let i = 0; i < jobs.length; i++) {
      const {path, done} = ahead!;
      ahead = undefined;
      current = path;
      const downloaded = await done;
      if (i + 1 < jobs.length) ahead = start(jobs[i + 1]);
      const result = (await prepare(jobs[i], path, downloaded)) as T;
      yield {job: jobs[i], path, result};
      current = undefined;
      await remove(path);
    }
  } finally {
    abort.abort();
    if (current !== undefined) await remove(current);
    if (ahead) {
      await ahead.done.catch(() => undefined);
      await remove(ahead.path);
    }
  }
}

function remove(path: string): Promise<void> {
  return fs.rm(path, {force: true});
}
