/**
 * API limits and timing of the Concur Extract Web Service, each with why it
 * has the value it has. "§" refers to /work/shared/docs/concur-extract-api.md.
 */

/** The path of the Extract service on every host; the docs list definitions with the trailing slash (§2, §4.1). */
export const EXTRACT_BASE_PATH = '/api/expense/extract/v1.0/';

/** The OAuth2 token endpoint path on the oauth base URL (§3.2). */
export const TOKEN_PATH = '/oauth2/v0/token';

/** Concur lists only the last 100 jobs of a definition, without paging (§4.3, §9.4). */
export const MAX_LISTED_JOBS = 100;

/**
 * "Responses expected within 60 s" (§6): a socket idle that long means the call
 * is lost. It is an idle timeout, not a deadline, so it also ends a file
 * download whose body stalls without limiting how long a large file may take.
 */
export const REQUEST_TIMEOUT_MS = 60_000;

/** XML documents are small (100 jobs ≈ 60 KB, §4.3); anything past this is not an Extract answer. */
export const MAX_XML_BYTES = 16 * 1024 * 1024;

/** How much of an error body is read to find its message (`<Error><Message>`, §6). */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Error texts from Concur are quoted in our messages up to this length. */
export const MAX_QUOTED_ERROR_CHARS = 300;

/** Access tokens live 1 hour (§3.2); used when `expires_in` is missing or unreadable. */
export const DEFAULT_TOKEN_LIFETIME_S = 3600;

/**
 * A token is renewed this long before it expires, so that no call starts with a
 * token that dies in flight (1-hour tokens, §3.2; a call may take 60 s, §6).
 */
export const TOKEN_REFRESH_MARGIN_MS = 120_000;

/** Attempts per call (first try included) for 429, 5xx and network failures (§6). */
export const RETRY_MAX_ATTEMPTS = 6;

/** First backoff ceiling; doubled per attempt with full jitter (§6: 429 "slow the rate of requests"). */
export const RETRY_BASE_DELAY_MS = 2_000;

/** Backoff ceiling: 6 attempts then span up to ~4 minutes, near §6's "wait 5 minutes and retry". */
export const RETRY_MAX_DELAY_MS = 120_000;

/** A Retry-After longer than this is cut to it: §6 says a 503 maintenance needs 5 minutes. */
export const RETRY_AFTER_CAP_MS = 300_000;

/** Redirects are followed only for file downloads (a file may live on storage); never more than this. */
export const MAX_DOWNLOAD_REDIRECTS = 3;
