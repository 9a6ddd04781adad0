import {Logger} from '../protocol/logger';

/** Airbyte shows logs live; a line at least this often proves the source is alive and says why it waits. */
export const PROGRESS_LOG_INTERVAL_MS = 30_000;

/**
 * Logs `describe()` every PROGRESS_LOG_INTERVAL_MS while a long operation
 * (waiting for a job, downloading a file) runs. Stop it with `stop()`.
 */
export function startProgress(
  logger: Logger,
  describe: (elapsedSeconds: number) => string,
  intervalMs = Number(process.env.CONCUR_PROGRESS_INTERVAL_MS) ||
    PROGRESS_LOG_INTERVAL_MS
): {stop(): void} {
  const started = Date.now();
  const timer = setInterval(
    () => logger.info(describe(Math.round((Date.now() - started) / 1000))),
    intervalMs
  );
  timer.unref();
  return {stop: () => clearInterval(timer)};
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
