/**
 * The connector's one error taxonomy. Every failure that leaves a module is a
 * ConnectorError; two questions decide what happens next, and they are
 * answered here only:
 *  - retriable?   → the HTTP layer retries it (with backoff), nobody else does;
 *  - failureType? → the read wrapper prints it in the Airbyte TRACE message.
 */

import {CodeInfo, codeInfo, ErrorCode, FailureType} from './error-codes';

export type {CodeInfo, ErrorCode, FailureType} from './error-codes';
export {codeInfo, ERROR_CODES} from './error-codes';

/** Where in the data an error happened; printed as a prefix of the message. */
export interface ErrorContext {
  definition?: string;
  job?: string;
  file?: string;
  line?: number;
}

export interface ConnectorErrorOptions {
  /**
   * A stable upper-case code for this kind of failure (see ERROR_CODES): it
   * decides the failure type, what tests assert and what the TRACE
   * internal_message begins with.
   */
  code: ErrorCode;
  /** Overrides the code's retriable flag (network errors decide per Node error). */
  retriable?: boolean;
  /** HTTP status, when the error is an HTTP answer. */
  status?: number;
  /** Seconds the server asked us to wait (Retry-After). */
  retryAfterSeconds?: number;
  /** The host that failed (no path, no query): named by check. */
  host?: string;
  context?: ErrorContext;
  cause?: unknown;
}

export class ConnectorError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  host?: string;
  readonly context: ErrorContext;

  constructor(message: string, opts: ConnectorErrorOptions) {
    super(message);
    this.name = new.target.name;
    this.code = opts.code;
    const info: CodeInfo = codeInfo(opts.code);
    this.retriable = opts.retriable ?? info.retriable ?? false;
    this.status = opts.status;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.host = opts.host;
    this.context = opts.context ?? {};
    if (opts.cause !== undefined) {
      (this as {cause?: unknown}).cause = opts.cause;
    }
  }

  /** Decided by the code, in ERROR_CODES only. */
  get failureType(): FailureType {
    return codeInfo(this.code).failureType;
  }

  /** The message with its data context: "definition X, job Y, file Z, line N: …". */
  describe(): string {
    const where = describeContext(this.context);
    return where ? `${where}: ${this.message}` : this.message;
  }
}

/** The user's configuration is wrong (bad secret, bad URL, unknown definition…). */
export class ConfigError extends ConnectorError {}

/** Concur (or the network) answered something we cannot use right now. */
export class ApiError extends ConnectorError {}

/**
 * An extract file or API document whose content is wrong (bad XML, ZIP, quote,
 * totals…), each kind with its own code.
 */
export class DataError extends ConnectorError {
  constructor(message: string, opts: Omit<ConnectorErrorOptions, 'retriable'>) {
    super(message, {...opts, retriable: false});
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
export function statusCode(status: number): ErrorCode {
  if (status === 429) return 'CONCUR_RATE_LIMITED';
  if (status >= 500) return 'CONCUR_UNAVAILABLE';
  if (status === 401 || status === 403) return 'AUTH_FORBIDDEN';
  return 'CONCUR_REQUEST_REJECTED';
}

export function isRetriable(err: unknown): boolean {
  return err instanceof ConnectorError && err.retriable;
}

/** The failure type for a TRACE message: the code's; anything that is not a ConnectorError is a bug. */
export function failureTypeOf(err: unknown): FailureType {
  return err instanceof ConnectorError ? err.failureType : 'system_error';
}

/**
 * Whether a failure stops the sync: a configuration error (credentials,
 * permissions) fails every definition alike; one definition's bad file does not.
 */
export function stopsSync(err: ConnectorError): boolean {
  return (
    err.failureType === 'config_error' && !codeInfo(err.code).definitionScoped
  );
}

/** The code for a TRACE message's internal_message. */
export function codeOf(err: unknown): ErrorCode {
  return err instanceof ConnectorError ? err.code : 'INTERNAL_ERROR';
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
          code: 'INTERNAL_ERROR',
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
