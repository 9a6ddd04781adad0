/**
 * Every HTTP failure becomes a ConnectorError here, before anyone decides on
 * a retry (the taxonomy in src/errors.ts decides). Raw axios errors never
 * leave: they carry the request config, headers and form bodies.
 */
import {STATUS_CODES} from 'http';

import {
  ApiError,
  ConfigError,
  ConnectorError,
  DataError,
  ErrorCode,
  statusCode,
} from '../errors';
import {errorMessageOf, quote} from './xml';

/** A failure with no HTTP answer (reset, timeout, refused…); `nodeCode` is Node's error code. */
export class NetworkError extends ApiError {
  constructor(
    message: string,
    readonly nodeCode: string,
    retriable: boolean
  ) {
    super(message, {code: networkCode(nodeCode), retriable});
  }
}

/** Network failures after which the call may succeed if repeated. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNABORTED',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'BODY_CUT_SHORT',
]);

/** Node's codes for a TLS handshake that failed: retrying cannot help, the URL or a proxy is wrong. */
const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|EPROTO$|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

function networkCode(nodeCode: string): ErrorCode {
  return TLS_CODE.test(nodeCode) ? 'CONCUR_TLS_FAILED' : 'CONCUR_UNREACHABLE';
}

/** Failures that happen before a connection exists: the server cannot have seen the request. */
const NEVER_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** True when the failure proves the request did not reach the server's logic. */
export function provablyNotProcessed(err: ConnectorError): boolean {
  if (err.status === 429) return true; // "too many requests": refused, not performed (docs/concur-extract-api.md#errors-and-retries)
  return err instanceof NetworkError && NEVER_SENT_CODES.has(err.nodeCode);
}

/** The error for an HTTP answer outside 2xx. `what` is "GET /path" (no host, no query). */
export function statusError(
  what: string,
  status: number,
  headers: Record<string, unknown>,
  body: string
): ApiError {
  const detail = bodyMessage(body, String(headers['content-type'] ?? ''));
  const reason = STATUS_CODES[status] ?? 'Unknown Status';
  return new ApiError(
    `${what} answered ${status} ${reason}${detail ? `: ${detail}` : ''}`,
    {
      code: statusCode(status),
      status,
      retryAfterSeconds: parseRetryAfter(headers['retry-after']),
    }
  );
}

/** Any thrown value from axios, a stream or a file → a ConnectorError with a clean message. */
export function toConnectorError(what: string, err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = (err ?? {}) as {code?: unknown; message?: unknown};
  const code = typeof e.code === 'string' ? e.code : 'UNKNOWN';
  const message = quote(
    typeof e.message === 'string' ? e.message : String(err)
  );
  if (code === 'ENOTFOUND') {
    return new ConfigError(
      `${what} failed: cannot resolve the host (${message}); check the base URLs.`,
      {code: 'CONCUR_HOST_UNKNOWN'}
    );
  }
  if (/maxContentLength/.test(message)) {
    return new DataError(
      `${what} answered a body larger than expected (${message}).`,
      {code: 'CONCUR_ANSWER_INVALID'}
    );
  }
  if (code === 'ERR_BAD_RESPONSE' && /aborted/i.test(message)) {
    return new NetworkError(
      `${what} failed: the body was cut short (${message})`,
      'BODY_CUT_SHORT',
      true
    );
  }
  if (/^(aborted|socket hang up)$/i.test(message) && code === 'UNKNOWN') {
    return new NetworkError(`${what} failed: ${message}`, 'ECONNRESET', true);
  }
  return new NetworkError(
    `${what} failed: ${code} (${message})`,
    code,
    TRANSIENT_CODES.has(code)
  );
}

/** Retry-After in seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined if unreadable. */
export function parseRetryAfter(
  value: unknown,
  now: number = Date.now()
): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** The human part of an error body: Concur's `<Error><Message>`, a JSON message, or short text. */
function bodyMessage(body: string, contentType: string): string | undefined {
  const text = body.trim();
  if (text === '') return undefined;
  if (text.startsWith('<'))
    return /html/i.test(contentType) ? undefined : errorMessageOf(text);
  if (text.startsWith('{')) return jsonMessage(text);
  return /^text\/plain/i.test(contentType) ? quote(text) : undefined;
}

function jsonMessage(text: string): string | undefined {
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    const parts = [
      o.Message ?? o.message ?? o.error,
      o.error_description,
    ].filter((p) => typeof p === 'string' && p.length > 0);
    return parts.length ? quote(parts.join(': ')) : undefined;
  } catch {
    return undefined;
  }
}
