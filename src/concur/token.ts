/** The token endpoint's answers (docs/concur-extract-api.md#token-endpoint-and-grants): a token, or an error to explain to the user. */
import {checkBaseUrl} from '../config';
import {ConfigError, DataError, ErrorCode} from '../errors';
import {registerSecret} from '../redact';
import {DEFAULT_TOKEN_LIFETIME_S, TOKEN_PATH} from './limits';
import {quote} from './xml';

export type TokenGrant =
  | {kind: 'refresh_token'; form: URLSearchParams}
  | {
      kind: 'password';
      credtype: 'password' | 'authtoken';
      form: URLSearchParams;
    };

export interface TokenAnswer {
  accessToken: string;
  refreshToken?: string;
  expiresInSeconds: number;
  /** The token's geolocation, checked like a configured base URL. */
  geolocation?: string;
}

/** Reads a 2xx token answer; every token in it is registered as a secret at once. */
export function readTokenAnswer(body: string): TokenAnswer {
  const o = parseJsonObject(body);
  for (const field of ['access_token', 'refresh_token', 'id_token'])
    registerSecret(o?.[field]);
  const accessToken = o?.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new DataError(
      'The Concur token endpoint answered without an access_token.',
      {code: 'CONCUR_ANSWER_INVALID'}
    );
  }
  return {
    accessToken,
    refreshToken:
      typeof o?.refresh_token === 'string' && o.refresh_token
        ? o.refresh_token
        : undefined,
    expiresInSeconds: expiresIn(o?.expires_in),
    geolocation: geolocationOf(o?.geolocation),
  };
}

/** `expires_in` is a number or a numeric string (docs/concur-extract-api.md#token-endpoint-and-grants); anything else means the documented hour. */
function expiresIn(value: unknown): number {
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0
    ? n
    : DEFAULT_TOKEN_LIFETIME_S;
}

function geolocationOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  // A non-loopback http:// geolocation is refused: the token would travel unencrypted.
  return checkBaseUrl(
    'The geolocation returned with the Concur token',
    value.trim(),
    'CONCUR_GEOLOCATION_INVALID'
  );
}

/**
 * A 4xx token answer `{"error","error_description","code"[,"geolocation"]}` as an
 * actionable ConfigError that never quotes a secret.
 */
export function tokenError(
  status: number,
  body: string,
  grant: TokenGrant
): {error: ConfigError; geolocation?: string} {
  const o = parseJsonObject(body);
  const str = (v: unknown): string | undefined =>
    typeof v === 'string' && v ? v : undefined;
  const parts = [str(o?.error), str(o?.error_description)].filter(Boolean);
  const code = o?.code !== undefined ? `, code ${String(o.code)}` : '';
  const detail = parts.length
    ? quote(`${parts.join(': ')}${code}`)
    : `HTTP ${status}`;
  const error = str(o?.error);
  const message = error
    ? advice(error, detail, grant)
    : `The token endpoint answered ${status} without an OAuth error; check oauth_base_url (the host of POST ${TOKEN_PATH}).`;
  const errorCode: ErrorCode = !error
    ? 'AUTH_ENDPOINT_INVALID'
    : error === 'invalid_client' || error === 'unauthorized_client'
      ? 'AUTH_INVALID_CLIENT'
      : 'AUTH_INVALID_GRANT';
  const geolocation =
    o?.code === 16 || o?.code === '16' ? str(o?.geolocation) : undefined;
  return {
    error: new ConfigError(message, {code: errorCode, status}),
    geolocation,
  };
}

function advice(
  error: string | undefined,
  detail: string,
  grant: TokenGrant
): string {
  if (error === 'invalid_client' || error === 'unauthorized_client') {
    return `Concur rejected the client credentials (${detail}); check credentials.client_id and credentials.client_secret.`;
  }
  if (grant.kind === 'refresh_token') {
    return `Concur rejected the refresh token (${detail}); obtain a new refresh token and update the source's credentials.`;
  }
  if (grant.credtype === 'authtoken') {
    return `Concur rejected the company UUID and request token (${detail}); a company request token is valid for 24 hours: generate a new one and update credentials.password (and check credentials.username is the company UUID).`;
  }
  return `Concur rejected the user name and password (${detail}); check credentials.username and credentials.password.`;
}

function parseJsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const o: unknown = JSON.parse(body);
    return o && typeof o === 'object' && !Array.isArray(o)
      ? (o as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
