/**
 * The one way in for every HTTP call (API XML, token endpoint, file download):
 * one axios instance, timeouts, and retries of transient failures with
 * exponential backoff + full jitter, honouring Retry-After. Whether a failure
 * is retried is decided by the taxonomy (`isRetriable`) on the ConnectorError
 * it was converted to; requests that change Concur data add one more rule.
 */
import axios, {AxiosInstance} from 'axios';

import {ConnectorError, isRetriable} from '../errors';
import {
  BodyObserver,
  downloadOnce,
  DownloadProgress,
  DownloadResult,
} from './download';
import {
  provablyNotProcessed,
  statusError,
  toConnectorError,
} from './http-errors';
import {
  MAX_XML_BYTES,
  REQUEST_TIMEOUT_MS,
  RETRY_AFTER_CAP_MS,
  RETRY_BASE_DELAY_MS,
  RETRY_MAX_ATTEMPTS,
  RETRY_MAX_DELAY_MS,
} from './limits';
import {
  describeRequest,
  flatHeaders,
  HttpRequest,
  HttpResponse,
} from './request';
import {Logger, RetryPolicy} from './types';

export type {HttpRequest, HttpResponse} from './request';

export interface HttpOptions {
  logger: Logger;
  retry?: Partial<RetryPolicy>;
  /** Socket idle timeout per call. */
  timeoutMs?: number;
  /** For tests: how to wait, and the jitter source. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /**
   * Called before waiting out a 429, with when Concur said the quota resets
   * (epoch ms, from Retry-After; undefined when it did not say).
   */
  onRateLimited?: (quotaResetMs: number | undefined) => void;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: RETRY_MAX_ATTEMPTS,
  baseDelayMs: RETRY_BASE_DELAY_MS,
  maxDelayMs: RETRY_MAX_DELAY_MS,
  retryAfterCapMs: RETRY_AFTER_CAP_MS,
};

const USER_AGENT = 'airbyte-source-concur-extract';

/**
 * Operators (and the test suite, which cannot wait minutes per retry) may
 * shorten the timings through the environment; Airbyte users never need to.
 */
export function timingsFromEnv(env = process.env): {
  retry: Partial<RetryPolicy>;
  timeoutMs?: number;
} {
  const num = (name: string): number | undefined => {
    const v = Number(env[name]);
    return env[name] !== undefined && Number.isFinite(v) && v >= 0
      ? v
      : undefined;
  };
  const retry: Partial<RetryPolicy> = {};
  const base = num('CONCUR_RETRY_BASE_DELAY_MS');
  const max = num('CONCUR_RETRY_MAX_DELAY_MS');
  const cap = num('CONCUR_RETRY_AFTER_CAP_MS');
  if (base !== undefined) retry.baseDelayMs = base;
  if (max !== undefined) retry.maxDelayMs = max;
  if (cap !== undefined) retry.retryAfterCapMs = cap;
  return {retry, timeoutMs: num('CONCUR_REQUEST_TIMEOUT_MS')};
}

export class Http {
  readonly policy: RetryPolicy;
  private readonly axios: AxiosInstance;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly onRateLimited?: (quotaResetMs: number | undefined) => void;

  constructor(opts: HttpOptions) {
    const fromEnv = timingsFromEnv();
    this.policy = {...DEFAULT_RETRY_POLICY, ...fromEnv.retry, ...opts.retry};
    this.logger = opts.logger;
    this.timeoutMs = opts.timeoutMs ?? fromEnv.timeoutMs ?? REQUEST_TIMEOUT_MS;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
    this.onRateLimited = opts.onRateLimited;
    this.axios = axios.create({
      headers: {'User-Agent': USER_AGENT},
      validateStatus: () => true,
      transitional: {
        clarifyTimeoutError: true,
        silentJSONParsing: true,
        forcedJSONParsing: false,
      },
    });
  }

  /** A call whose body is read as text (XML, JSON). */
  request(req: HttpRequest): Promise<HttpResponse> {
    return this.withRetries(req, () => this.requestOnce(req));
  }

  /**
   * Streams a body to `dest` (truncated first on every attempt); a body cut
   * short is retried from scratch like any transient failure.
   */
  download(
    req: HttpRequest,
    dest: string,
    onProgress?: DownloadProgress,
    observe?: () => BodyObserver
  ): Promise<DownloadResult> {
    return this.withRetries(req, () =>
      downloadOnce(this.axios, req, dest, {
        timeoutMs: this.timeoutMs,
        logger: this.logger,
        onProgress,
        observe,
      })
    );
  }

  private async requestOnce(req: HttpRequest): Promise<HttpResponse> {
    const what = describeRequest(req);
    const started = Date.now();
    let res;
    try {
      res = await this.axios.request<string>({
        method: req.method,
        url: req.url,
        headers: req.headers,
        data: req.body,
        responseType: 'text',
        transformResponse: [(data: unknown) => data],
        maxContentLength: MAX_XML_BYTES,
        maxRedirects: 0,
        timeout: this.timeoutMs,
      });
    } catch (err) {
      throw toConnectorError(what, err);
    }
    const body = typeof res.data === 'string' ? res.data : '';
    const headers = flatHeaders(res.headers as Record<string, unknown>);
    this.logger.debug(
      `${what} answered ${res.status} in ${Date.now() - started} ms`
    );
    if (
      (res.status >= 200 && res.status < 300) ||
      req.answerStatuses?.includes(res.status)
    ) {
      return {status: res.status, headers, body};
    }
    throw statusError(what, res.status, headers, body);
  }

  private async withRetries<T>(
    req: HttpRequest,
    attempt: () => Promise<T>
  ): Promise<T> {
    const what = describeRequest(req);
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (thrown) {
        const err = toConnectorError(what, thrown);
        // Asked even on the last attempt: a POST's check may find the job it created.
        const retry = await this.mayRetry(req, err);
        if (!retry || n >= this.policy.maxAttempts) {
          if (n > 1) err.message += ` (gave up after ${n} attempts)`;
          err.host ??= hostOf(req.url);
          throw err;
        }
        const delay = this.delayFor(err, n);
        if (err.status === 429) {
          this.onRateLimited?.(
            err.retryAfterSeconds === undefined
              ? undefined
              : Date.now() + err.retryAfterSeconds * 1000
          );
        }
        this.logger.warn(
          `${err.message}; attempt ${n} of ${this.policy.maxAttempts} failed, retrying in ${delay} ms`
        );
        await this.sleep(delay);
      }
    }
  }

  private async mayRetry(
    req: HttpRequest,
    err: ConnectorError
  ): Promise<boolean> {
    if (!isRetriable(err)) return false;
    const idempotent = req.idempotent ?? req.method === 'GET';
    if (idempotent || provablyNotProcessed(err)) return true;
    return (await req.confirmNotProcessed?.(err)) === true;
  }

  /** Retry-After when given (capped), else full jitter: random(0, min(max, base·2^(n-1))). */
  private delayFor(err: ConnectorError, attempt: number): number {
    const p = this.policy;
    if (err.retryAfterSeconds !== undefined) {
      return Math.min(err.retryAfterSeconds * 1000, p.retryAfterCapMs);
    }
    const ceiling = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(this.random() * ceiling);
  }
}

/** The host of a request (never its path or query, which may carry ids). */
export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
