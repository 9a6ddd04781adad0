/**
 * The connector's one error taxonomy. Every failure that leaves a module is a
 * ConnectorError; two questions decide what happens next, and they are
 * answered here only:
 *  - retriable?   → the HTTP layer retries it (with backoff), nobody else does;
 *  - failureType? → the read wrapper prints it in the Airbyte TRACE message.
 */

export type FailureType = 'config_error' | 'system_error' | 'transient_error';

/** Where in the data an error happened; printed as a prefix of the message. */
export interface ErrorContext {
  definition?: string;
  job?: string;
  file?: string;
  line?: number;
}

export interface ConnectorErrorOptions {
  /**
   * A stable upper-case code for this kind of failure (e.g. SAE_TOTAL_MISMATCH,
   * AUTH_INVALID_CLIENT): what tests assert and the TRACE internal_message begins with.
   */
  code?: string;
  failureType?: FailureType;
  retriable?: boolean;
  /** HTTP status, when the error is an HTTP answer. */
  status?: number;
  /** Seconds the server asked us to wait (Retry-After). */
  retryAfterSeconds?: number;
  context?: ErrorContext;
  cause?: unknown;
}

export class ConnectorError extends Error {
  readonly code: string;
  readonly failureType: FailureType;
  readonly retriable: boolean;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  readonly context: ErrorContext;

  constructor(message: string, opts: ConnectorErrorOptions = {}) {
    super(message);
    this.name = new.target.name;
    this.code = opts.code ?? DEFAULT_CODES[new.target.name] ?? 'INTERNAL_ERROR';
    this.failureType = opts.failureType ?? 'system_error';
    this.retriable = opts.retriable ?? false;
    this.status = opts.status;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.context = opts.context ?? {};
    if (opts.cause !== undefined) {
      (this as {cause?: unknown}).cause = opts.cause;
    }
  }

  /** The message with its data context: "definition X, job Y, file Z, line N: …". */
  describe(): string {
    const where = describeContext(this.context);
    return where ? `${where}: ${this.message}` : this.message;
  }
}

/** The code of an error raised without one (until every raise names its own). */
const DEFAULT_CODES: Record<string, string> = {
  ConfigError: 'CONFIG_INVALID',
  ApiError: 'CONCUR_API_ERROR',
  DataError: 'DATA_INVALID',
  JobError: 'JOB_FAILED',
};

/** The user's configuration is wrong (bad secret, bad URL, unknown definition…). */
export class ConfigError extends ConnectorError {
  constructor(
    message: string,
    opts: Omit<ConnectorErrorOptions, 'failureType'> = {}
  ) {
    super(message, {...opts, failureType: 'config_error'});
  }
}

/** Concur (or the network) answered something we cannot use right now. */
export class ApiError extends ConnectorError {}

/** An extract file or API document whose content is wrong (bad XML, ZIP, quote, totals…). */
export class DataError extends ConnectorError {
  constructor(
    message: string,
    opts: Omit<ConnectorErrorOptions, 'failureType' | 'retriable'> = {}
  ) {
    super(message, {...opts, failureType: 'system_error', retriable: false});
  }
}

/** A started job did not finish in time or ended Failed. */
export class JobError extends ConnectorError {}

/**
 * How an HTTP status is classified: the single table that decides retries.
 * 429 and 5xx are transient (429 "slow the rate", 503 maintenance: docs/concur-extract-api.md#errors-and-retries);
 * 401/403 are credential problems (the auth layer refreshes once before this applies);
 * other 4xx are permanent.
 */
export function classifyStatus(status: number): {
  retriable: boolean;
  failureType: FailureType;
} {
  if (status === 429 || status >= 500) {
    return {retriable: true, failureType: 'transient_error'};
  }
  if (status === 401 || status === 403) {
    return {retriable: false, failureType: 'config_error'};
  }
  return {retriable: false, failureType: 'system_error'};
}

export function isRetriable(err: unknown): boolean {
  return err instanceof ConnectorError && err.retriable;
}

/** The failure type for a TRACE message; anything unknown is a system error. */
export function failureTypeOf(err: unknown): FailureType {
  if (err instanceof ConnectorError) {
    // A transient error that survived every retry is reported as a system error:
    // Airbyte retries the whole sync for either, and the message says what happened.
    return err.failureType === 'config_error' ? 'config_error' : 'system_error';
  }
  return 'system_error';
}

export function describeContext(ctx: ErrorContext): string {
  const parts: string[] = [];
  if (ctx.definition) parts.push(`definition "${ctx.definition}"`);
  if (ctx.job) parts.push(`job ${ctx.job}`);
  if (ctx.file) parts.push(`file ${ctx.file}`);
  if (ctx.line !== undefined) parts.push(`line ${ctx.line}`);
  return parts.join(', ');
}

/**
 * Adds context to an error on its way up (keeping what the inner layer already
 * knew: an inner `line` is never overwritten by an outer call).
 */
export function withContext(err: unknown, ctx: ErrorContext): ConnectorError {
  const e =
    err instanceof ConnectorError
      ? err
      : new ConnectorError(err instanceof Error ? err.message : String(err), {
          cause: err,
        });
  const merged = {...ctx, ...stripUndefined(e.context)};
  (e as {context: ErrorContext}).context = merged;
  return e;
}

/** The human message of any error, with its context. */
export function describeError(err: unknown): string {
  if (err instanceof ConnectorError) return err.describe();
  if (err instanceof Error) return err.message;
  return String(err);
}

function stripUndefined(ctx: ErrorContext): ErrorContext {
  const out: ErrorContext = {};
  for (const [k, v] of Object.entries(ctx)) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
