/**
 * Access tokens (docs/concur-extract-api.md#authentication): the OAuth2 token endpoint (refresh_token and password
 * grants), or a static token; reuse until shortly before expiry; one refresh
 * and one retry when an API call answers 401/403; rotated refresh tokens; the
 * API base (api_base_url, else the token's geolocation, else the legacy host).
 */
import {
  checkBaseUrl,
  Credentials,
  DEFAULT_API_BASE_URL,
  ResolvedConfig,
} from '../config';
import {ConfigError, ConnectorError} from '../errors';
import {registerSecret} from '../redact';
import {Http} from './http';
import {TOKEN_PATH, TOKEN_REFRESH_MARGIN_MS} from './limits';
import {readTokenAnswer, TokenAnswer, tokenError, TokenGrant} from './token';
import {Logger} from './types';

/** What an API call needs: the Authorization header value and the host it belongs to. */
export interface Session {
  authorization: string;
  apiBaseUrl: string;
}

interface Token extends Session {
  expiresAt: number;
  /**
   * Renew this long before expiry: TOKEN_REFRESH_MARGIN_MS, or half the
   * lifetime of a token shorter than twice that (else every call would renew).
   */
  refreshMarginMs: number;
}

export interface AuthOptions {
  logger: Logger;
  onRefreshTokenRotated?: (token: string) => void;
  now?: () => number;
}

export class Auth {
  private token?: Token;
  private pending?: Promise<Token>;
  private refreshToken?: string;
  private readonly now: () => number;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly http: Http,
    private readonly opts: AuthOptions
  ) {
    this.now = opts.now ?? (() => Date.now());
    const c = config.credentials;
    if (c.auth_type === 'oauth2_refresh_token')
      this.refreshToken = c.refresh_token;
  }

  /** A valid session, fetching a token when none is held or it is about to expire. */
  session(): Promise<Session> {
    if (
      this.token &&
      this.token.expiresAt - this.token.refreshMarginMs > this.now()
    ) {
      return Promise.resolve(this.token);
    }
    // One token request at a time, shared by concurrent callers.
    this.pending ??= this.obtain()
      .then((token) => (this.token = token))
      .finally(() => (this.pending = undefined));
    return this.pending;
  }

  /**
   * Runs an API call with a session; when it answers 401/403 the token is
   * refreshed once and the call repeated once.
   */
  async call<T>(fn: (s: Session) => Promise<T>): Promise<T> {
    const first = await this.session();
    try {
      return await fn(first);
    } catch (err) {
      if (!isAuthFailure(err)) throw err;
      if (this.config.credentials.auth_type === 'access_token')
        throw staticTokenRefused(err);
      this.opts.logger.info(
        `${err.message}; refreshing the access token and trying once more.`
      );
      if (this.token === first) this.token = undefined;
    }
    const second = await this.session();
    try {
      return await fn(second);
    } catch (err) {
      throw isAuthFailure(err) ? refusedAfterRefresh(err) : err;
    }
  }

  private async obtain(): Promise<Token> {
    const c = this.config.credentials;
    if (c.auth_type === 'access_token') {
      registerSecret(c.access_token);
      return {
        authorization: `${c.token_scheme ?? 'Bearer'} ${c.access_token}`,
        apiBaseUrl: this.config.apiBaseUrl ?? DEFAULT_API_BASE_URL,
        expiresAt: Number.POSITIVE_INFINITY,
        refreshMarginMs: 0,
      };
    }
    const grant = this.grant(c);
    const answer = await this.requestToken(this.config.oauthBaseUrl, grant);
    this.adoptRefreshToken(answer.refreshToken, grant);
    const apiBaseUrl =
      this.config.apiBaseUrl ?? answer.geolocation ?? DEFAULT_API_BASE_URL;
    this.opts.logger.info(
      `Obtained a Concur access token (${grant.kind} grant), valid ${answer.expiresInSeconds} s; API base ${apiBaseUrl}.`
    );
    return {
      authorization: `Bearer ${answer.accessToken}`,
      apiBaseUrl,
      expiresAt: this.now() + answer.expiresInSeconds * 1000,
      refreshMarginMs: Math.min(
        TOKEN_REFRESH_MARGIN_MS,
        (answer.expiresInSeconds * 1000) / 2
      ),
    };
  }

  /** POSTs the grant; a "user lives elsewhere" answer naming another geolocation is followed once. */
  private async requestToken(
    base: string,
    grant: TokenGrant,
    followed = false
  ): Promise<TokenAnswer> {
    const res = await this.http.request({
      method: 'POST',
      url: `${base}${TOKEN_PATH}`,
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: grant.form.toString(),
      // Asking for a token changes no Concur data.
      idempotent: true,
      answerStatuses: [400, 401, 403, 404],
    });
    if (res.status >= 200 && res.status < 300) return readTokenAnswer(res.body);
    const err = tokenError(res.status, res.body, grant);
    if (!followed && err.geolocation && err.geolocation !== base) {
      const elsewhere = checkBaseUrl(
        'the geolocation Concur named',
        err.geolocation,
        'CONCUR_GEOLOCATION_INVALID'
      );
      this.opts.logger.info(
        `The token endpoint points to ${elsewhere}; asking there.`
      );
      return this.requestToken(elsewhere, grant, true);
    }
    throw err.error;
  }

  private grant(
    c: Exclude<Credentials, {auth_type: 'access_token'}>
  ): TokenGrant {
    const form = new URLSearchParams({
      client_id: c.client_id,
      client_secret: c.client_secret,
    });
    if (c.auth_type === 'oauth2_password') {
      form.set('grant_type', 'password');
      form.set('username', c.username);
      form.set('password', c.password);
      form.set('credtype', c.credtype ?? 'password');
      return {kind: 'password', credtype: c.credtype ?? 'password', form};
    }
    form.set('grant_type', 'refresh_token');
    form.set('refresh_token', this.refreshToken ?? c.refresh_token);
    return {kind: 'refresh_token', form};
  }

  /**
   * A refresh answer may carry a new refresh token (docs/concur-extract-api.md#token-lifetimes-and-rotation: store the returned one):
   * it is used from now on and handed to the source to store. Password grants
   * keep using the password (it is what the configuration holds).
   */
  private adoptRefreshToken(
    token: string | undefined,
    grant: TokenGrant
  ): void {
    if (!token || grant.kind !== 'refresh_token' || token === this.refreshToken)
      return;
    this.refreshToken = token;
    this.opts.logger.info('Concur issued a new refresh token.');
    this.opts.onRefreshTokenRotated?.(token);
  }
}

function isAuthFailure(err: unknown): err is ConnectorError {
  return (
    err instanceof ConnectorError && (err.status === 401 || err.status === 403)
  );
}

function staticTokenRefused(err: ConnectorError): ConfigError {
  return new ConfigError(
    `${err.message}. The configured access token was refused (expired, revoked, or lacking the EXTRCT scope) and a static token cannot be refreshed: provide a new access token, or use the oauth2_refresh_token credentials.`,
    {code: 'AUTH_TOKEN_REFUSED', status: err.status, context: err.context}
  );
}

function refusedAfterRefresh(err: ConnectorError): ConfigError {
  return new ConfigError(
    `${err.message}. Concur refused a freshly issued access token: the user needs the Company Administrator or Web Services Administrator role, and the app the EXTRCT scope.`,
    {code: 'AUTH_FORBIDDEN', status: err.status, context: err.context}
  );
}
