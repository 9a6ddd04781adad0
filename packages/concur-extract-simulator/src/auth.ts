/** OAuth2 token endpoint (`POST /oauth2/v0/token`) and API token checks. */
import {randomBytes, randomUUID} from 'crypto';

import {Clock} from './jobs';
import {ScenarioClient, ScenarioCredentials} from './scenario';

const SIX_MONTHS_S = 180 * 24 * 3600;

interface AccessToken {
  clientId: string;
  expiresAt: number;
}

interface RefreshToken {
  clientId: string;
  expiresAt: number;
  valid: boolean;
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

export type AuthCheck =
  | {ok: true; token: string; static: boolean}
  | {ok: false; status: number; message: string; token?: string};

const b64url = (v: unknown) =>
  Buffer.from(JSON.stringify(v)).toString('base64url');

function jwtLike(claims: Record<string, unknown>): string {
  return `${b64url({alg: 'RS256', typ: 'JWT', kid: 'simulator'})}.${b64url(claims)}.${randomBytes(32).toString('base64url')}`;
}

export class AuthServer {
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, RefreshToken>();
  private readonly staticTokens: Set<string>;
  private readonly issuedAccess: string[] = [];
  private readonly issuedRefresh: string[] = [];

  constructor(
    private readonly creds: ScenarioCredentials,
    private readonly clock: Clock
  ) {
    this.staticTokens = new Set(creds.static_tokens ?? []);
    const expiresAt = clock.now() + this.refreshTtl() * 1000;
    for (const c of creds.clients ?? []) {
      for (const t of c.refresh_tokens ?? []) {
        this.refresh.set(t, {clientId: c.client_id, expiresAt, valid: true});
      }
    }
  }

  get expiredStatus(): number {
    return this.creds.expired_status ?? 401;
  }

  issuedAccessTokens(): string[] {
    return [...this.issuedAccess];
  }

  issuedRefreshTokens(): string[] {
    return [...this.issuedRefresh];
  }

  private accessTtl(): number {
    return this.creds.access_token_ttl_seconds ?? 3600;
  }

  private refreshTtl(): number {
    return this.creds.refresh_token_ttl_seconds ?? SIX_MONTHS_S;
  }

  private client(form: URLSearchParams): ScenarioClient | undefined {
    const c = (this.creds.clients ?? []).find(
      (x) => x.client_id === form.get('client_id')
    );
    return c && c.client_secret === form.get('client_secret') ? c : undefined;
  }

  /** Handle one token request (form fields already parsed). */
  token(form: URLSearchParams, geolocation: string): TokenAnswer {
    const err = (
      status: number,
      error: string,
      description: string,
      code: number
    ): TokenAnswer => ({
      status,
      body: {error, error_description: description, code, geolocation},
    });
    const grant = form.get('grant_type');
    if (grant !== 'password' && grant !== 'refresh_token') {
      return err(
        400,
        'unsupported_grant_type',
        `grant_type ${grant ?? '(none)'} is not supported`,
        2
      );
    }
    for (const field of ['client_id', 'client_secret']) {
      if (!form.get(field))
        return err(400, 'invalid_request', `${field} was not supplied`, 1);
    }
    const client = this.client(form);
    if (!client)
      return err(
        401,
        'invalid_client',
        'Incorrect Credentials. Please Retry',
        5
      );
    const now = this.clock.now();
    if (grant === 'refresh_token') {
      const given = form.get('refresh_token');
      if (!given)
        return err(
          400,
          'invalid_request',
          'refresh_token was not supplied',
          106
        );
      const rt = this.refresh.get(given);
      if (
        !rt ||
        !rt.valid ||
        rt.clientId !== client.client_id ||
        rt.expiresAt <= now
      ) {
        return err(400, 'invalid_grant', 'bad or expired refresh token', 108);
      }
      let refreshToken = given;
      if (this.creds.rotate_refresh_tokens) {
        rt.valid = false;
        refreshToken = this.newRefreshToken(client.client_id);
      }
      return this.answer(client.client_id, refreshToken, geolocation);
    }
    const credtype = form.get('credtype') ?? 'password';
    const user = (client.users ?? []).find(
      (u) =>
        u.username === form.get('username') &&
        u.password === form.get('password') &&
        (u.credtype ?? 'password') === credtype
    );
    if (!user)
      return err(
        401,
        'invalid_grant',
        'Incorrect Credentials. Please Retry',
        5
      );
    return this.answer(
      client.client_id,
      this.newRefreshToken(client.client_id),
      geolocation
    );
  }

  private newRefreshToken(clientId: string): string {
    const token = randomUUID();
    this.refresh.set(token, {
      clientId,
      expiresAt: this.clock.now() + this.refreshTtl() * 1000,
      valid: true,
    });
    this.issuedRefresh.push(token);
    return token;
  }

  private answer(
    clientId: string,
    refreshToken: string,
    geolocation: string
  ): TokenAnswer {
    const now = this.clock.now();
    const ttl = this.accessTtl();
    const exp = Math.floor(now / 1000 + ttl);
    const accessToken = jwtLike({
      sub: clientId,
      scope: 'EXTRCT',
      exp,
      jti: randomUUID(),
    });
    this.access.set(accessToken, {clientId, expiresAt: now + ttl * 1000});
    this.issuedAccess.push(accessToken);
    const expiresIn = Math.ceil(ttl);
    const body: Record<string, unknown> = {
      expires_in:
        this.creds.expires_in_type === 'string' ? String(expiresIn) : expiresIn,
      scope: 'EXTRCT',
      token_type: 'Bearer',
      access_token: accessToken,
      refresh_token: refreshToken,
      refresh_expires_in: Math.floor(
        this.refresh.get(refreshToken)!.expiresAt / 1000
      ),
      geolocation,
    };
    if (this.creds.id_token !== false) {
      body.id_token = jwtLike({
        sub: clientId,
        iss: geolocation,
        aud: clientId,
        exp,
      });
    }
    return {status: 200, body};
  }

  /** Check an `Authorization` header of an API call. */
  check(header: string | undefined): AuthCheck {
    if (!header)
      return {
        ok: false,
        status: 401,
        message: 'Authorization header is missing',
      };
    const m = /^(Bearer|OAuth)\s+(\S+)\s*$/i.exec(header);
    if (!m)
      return {
        ok: false,
        status: 401,
        message: 'Authorization header is malformed',
      };
    const token = m[2];
    if (this.staticTokens.has(token)) return {ok: true, token, static: true};
    const at = this.access.get(token);
    if (!at)
      return {
        ok: false,
        status: this.expiredStatus,
        message: 'Invalid token',
        token,
      };
    if (at.expiresAt <= this.clock.now()) {
      return {
        ok: false,
        status: this.expiredStatus,
        message: 'Token expired',
        token,
      };
    }
    return {ok: true, token, static: false};
  }

  /** Expire an issued access token now (fault injection). Static tokens are kept. */
  expire(token: string): void {
    const at = this.access.get(token);
    if (at) at.expiresAt = Math.min(at.expiresAt, this.clock.now());
  }
}
