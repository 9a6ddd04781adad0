/**
 * API limits and timing of the Concur Extract Web Service, each with why it
 * has the value it has, citing the section of docs/concur-extract-api.md it comes from.
 */

/** The path of the Extract service on every host; the docs list definitions with the trailing slash (docs/concur-extract-api.md#hosts-and-paths). */
export const EXTRACT_BASE_PATH = '/api/expense/extract/v1.0/';

/** The OAuth2 token endpoint path on the oauth base URL (docs/concur-extract-api.md#token-endpoint-and-grants). */
export const TOKEN_PATH = '/oauth2/v0/token';

/** Concur lists only the last 100 jobs of a definition, without paging (docs/concur-extract-api.md#jobs). */
export const MAX_LISTED_JOBS = 100;

/**
 * "Responses expected within 60 s" (docs/concur-extract-api.md#errors-and-retries): a socket idle that long means the call
 * is lost. It is an idle timeout, not a deadline, so it also ends a file
 * download whose body stalls without limiting how long a large file may take.
 */
export const REQUEST_TIMEOUT_MS = 60_000;

/** XML documents are small (100 jobs ≈ 60 KB, docs/concur-extract-api.md#resources); anything past this is not an Extract answer. */
export const MAX_XML_BYTES = 16 * 1024 * 1024;

/** How much of an error body is read to find its message (`<Error><Message>`, docs/concur-extract-api.md#errors-and-retries). */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Error texts from Concur are quoted in our messages up to this length. */
export const MAX_QUOTED_ERROR_CHARS = 300;

/** Access tokens live 1 hour (docs/concur-extract-api.md#token-lifetimes-and-rotation); used when `expires_in` is missing or unreadable. */
export const DEFAULT_TOKEN_LIFETIME_S = 3600;

/**
 * A token is renewed this long before it expires, so that no call starts with a
 * token that dies in flight (1-hour tokens and 60 s calls: docs/concur-extract-api.md#token-lifetimes-and-rotation, #errors-and-retries).
 */
export const TOKEN_REFRESH_MARGIN_MS = 120_000;

/** Attempts per call (first try included) for 429, 5xx and network failures (docs/concur-extract-api.md#errors-and-retries). */
export const RETRY_MAX_ATTEMPTS = 6;

/** First backoff ceiling; doubled per attempt with full jitter (429 "slow the rate of requests": docs/concur-extract-api.md#errors-and-retries). */
export const RETRY_BASE_DELAY_MS = 2_000;

/** Backoff ceiling: 6 attempts then span up to ~4 minutes, near Concur's "wait 5 minutes and retry" (docs/concur-extract-api.md#errors-and-retries). */
export const RETRY_MAX_DELAY_MS = 120_000;

/** A Retry-After longer than this is cut to it: a 503 maintenance needs 5 minutes (docs/concur-extract-api.md#errors-and-retries). */
export const RETRY_AFTER_CAP_MS = 300_000;

/** Redirects are followed only for file downloads (a file may live on storage); never more than this. */
export const MAX_DOWNLOAD_REDIRECTS = 3;
