/** The shapes the Concur client hands to the rest of the connector. */

export type JobStatus = 'Queued' | 'Running' | 'Completed' | 'Failed';

/** An extract definition (docs/concur-extract-api.md#definitions). `id` is the opaque last path segment of `url`. */
export interface Definition {
  id: string;
  name: string;
  /** The definition's `id` link as Concur sent it (whitespace removed). */
  url: string;
  /** Where jobs are listed and started; `<url>/job` when Concur's link lacks `/job`. */
  jobLink: string;
}

/** An extract job (docs/concur-extract-api.md#jobs). Times are `YYYY-MM-DDTHH:MM:SS.sssZ` (see normalise.ts). */
export interface Job {
  id: string;
  definitionId: string;
  status: JobStatus;
  startTime: string | null;
  stopTime: string | null;
  fileLink: string | null;
  url: string;
  statusLink: string;
}

/** The logging the client needs (the CDK's AirbyteLogger fits). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

/** How failed calls are retried; every field can be scaled down in tests. */
export interface RetryPolicy {
  /** Attempts per call, the first one included. */
  maxAttempts: number;
  /** Backoff ceiling for the first retry; doubles per attempt (full jitter). */
  baseDelayMs: number;
  /** Backoff ceiling never exceeds this. */
  maxDelayMs: number;
  /** A server's Retry-After is honoured up to this. */
  retryAfterCapMs: number;
}
