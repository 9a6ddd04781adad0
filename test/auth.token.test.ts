import {ServerResponse} from 'http';

import {ConcurClient} from '../src/concur/client';
import {resolveConfig} from '../src/config';
import {ApiError, ConfigError} from '../src/errors';
import {
  EXTRACT,
  FAST_RETRY,
  LocalServer,
  memoryLogger,
  NS,
  refreshConfig,
  SECRETS,
  SeenRequest,
  send,
  serve,
  staticConfig,
  tokenAnswer,
} from './helpers/client';

const EMPTY = `<definitions xmlns="${NS}"/>`;
const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(
  handler: (req: SeenRequest, res: ServerResponse) => void
): Promise<LocalServer> {
  const s = await serve(handler);
  servers.push(s);
  return s;
}

const isToken = (r: SeenRequest): boolean => r.url === '/oauth2/v0/token';
const form = (r: SeenRequest): Record<string, string> =>
  Object.fromEntries(new URLSearchParams(r.body));

function client(
  config: ReturnType<typeof refreshConfig>,
  rotated: string[] = []
) {
  const logger = memoryLogger();
  const c = ConcurClient.create(config, {
    logger,
    retry: FAST_RETRY,
    onRefreshTokenRotated: (t) => rotated.push(t),
  });
  return {client: c, logger};
}

/** A Concur that issues tokens at-1, at-2… and accepts only the latest one. */
async function concur(
  tokenExtra: (n: number) => Record<string, unknown> = () => ({})
) {
  let issued = 0;
  return start((req, res) => {
    if (isToken(req)) {
      issued++;
      return send(
        res,
        200,
        tokenAnswer(`at-${issued}-xxxx`, tokenExtra(issued)),
        {
          'Content-Type': 'application/json',
        }
      );
    }
    if (req.headers.authorization !== `Bearer at-${issued}-xxxx`)
      return send(res, 401);
    send(res, 200, EMPTY);
  });
}

describe('refresh_token grant', () => {
  it('posts the documented form and reuses the token until it nears expiry', async () => {
    const s = await concur();
    const {client: c} = client(refreshConfig(s.url, s.url));
    await c.authenticate();
    await c.authenticate();
    await c.listDefinitions();
    await c.listDefinitions();
    const tokenCalls = s.requests.filter(isToken);
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0].method).toBe('POST');
    expect(tokenCalls[0].headers['content-type']).toBe(
      'application/x-www-form-urlencoded'
    );
    expect(form(tokenCalls[0])).toEqual({
      client_id: 'client-id-1',
      client_secret: SECRETS.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: SECRETS.refreshToken,
    });
    const api = s.requests.filter((r) => !isToken(r));
    expect(api.map((r) => r.url)).toEqual([`${EXTRACT}/`, `${EXTRACT}/`]);
    expect(api[0].headers.authorization).toBe('Bearer at-1-xxxx');
    expect(api[0].headers.accept).toBe('application/xml');
  });

  it('gets a new token when expires_in (number or string) is within the refresh margin', async () => {
    // 60 s tokens: the margin is half the lifetime (30 s), not the full 120 s,
    // so a fresh token is reused and one 31 s old is renewed.
    for (const expires of [60, '60']) {
      const s = await concur(() => ({expires_in: expires}));
      const {client: c} = client(refreshConfig(s.url, s.url));
      await c.listDefinitions();
      await c.listDefinitions();
      expect(s.requests.filter(isToken)).toHaveLength(1);
      const realNow = Date.now;
      try {
        Date.now = () => realNow() + 31_000;
        await c.listDefinitions();
      } finally {
        Date.now = realNow;
      }
      expect(s.requests.filter(isToken)).toHaveLength(2);
    }
  });

  it('shares one token request between concurrent calls', async () => {
    const s = await concur();
    const {client: c} = client(refreshConfig(s.url, s.url));
    await Promise.all([
      c.listDefinitions(),
      c.listDefinitions(),
      c.authenticate(),
    ]);
    expect(s.requests.filter(isToken)).toHaveLength(1);
  });

  it.each([401, 403])(
    'refreshes once and repeats the call after a %i',
    async (status) => {
      let issued = 0;
      let refused = false;
      const s = await start((req, res) => {
        if (isToken(req))
          return send(res, 200, tokenAnswer(`at-${++issued}-xxxx`), {
            'Content-Type': 'application/json',
          });
        if (!refused) {
          refused = true;
          return send(
            res,
            status,
            '<Error><Message>Token expired</Message></Error>'
          );
        }
        send(res, 200, EMPTY);
      });
      const {client: c, logger} = client(refreshConfig(s.url, s.url));
      expect(await c.listDefinitions()).toEqual([]);
      expect(s.requests.filter(isToken)).toHaveLength(2);
      const api = s.requests.filter((r) => !isToken(r));
      expect(api.map((r) => r.headers.authorization)).toEqual([
        'Bearer at-1-xxxx',
        'Bearer at-2-xxxx',
      ]);
      expect(logger.lines.join('\n')).toMatch(
        /answered \d+ .*Token expired; refreshing the access token/
      );
    }
  );

  it('fails with a config error when a fresh token is refused too', async () => {
    const s = await start((req, res) => {
      if (isToken(req))
        return send(res, 200, tokenAnswer('at-any-xxxx'), {
          'Content-Type': 'application/json',
        });
      send(
        res,
        403,
        '<Error><Message>Insufficient privileges</Message></Error>'
      );
    });
    const {client: c} = client(refreshConfig(s.url, s.url));
    const err = await c.listDefinitions().catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe('AUTH_FORBIDDEN');
    expect(err.status).toBe(403);
    // The explanation (the call, Concur's text, the roles to grant) is the feature.
    expect(err.message).toMatch(
      /^GET \/api\/expense\/extract\/v1\.0\/ answered 403 Forbidden: Insufficient privileges\. Concur refused a freshly issued access token/
    );
    expect(s.requests.filter((r) => !isToken(r))).toHaveLength(2);
  });

  it('uses a rotated refresh token from then on and reports it', async () => {
    let issued = 0;
    let refused = false;
    const s = await start((req, res) => {
      if (isToken(req)) {
        issued++;
        return send(
          res,
          200,
          tokenAnswer(`at-${issued}-xxxx`, {
            refresh_token: `rt-new-${issued}-yyyy`,
          }),
          {
            'Content-Type': 'application/json',
          }
        );
      }
      if (!refused) {
        refused = true;
        return send(res, 401);
      }
      send(res, 200, EMPTY);
    });
    const rotated: string[] = [];
    const {client: c} = client(refreshConfig(s.url, s.url), rotated);
    await c.listDefinitions();
    const grants = s.requests.filter(isToken).map((r) => form(r).refresh_token);
    expect(grants).toEqual([SECRETS.refreshToken, 'rt-new-1-yyyy']);
    expect(rotated).toEqual(['rt-new-1-yyyy', 'rt-new-2-yyyy']);
  });

  it('does not report a refresh token that did not change', async () => {
    const s = await concur();
    const rotated: string[] = [];
    await client(refreshConfig(s.url, s.url), rotated).client.authenticate();
    expect(rotated).toEqual([]);
  });

  it('retries the token endpoint on 5xx', async () => {
    let n = 0;
    const s = await start((req, res) => {
      if (n++ === 0)
        return send(res, 502, 'bad gateway', {'Content-Type': 'text/html'});
      send(res, 200, tokenAnswer('at-1-xxxx'), {
        'Content-Type': 'application/json',
      });
    });
    await client(refreshConfig(s.url, s.url)).client.authenticate();
    expect(s.requests).toHaveLength(2);
  });
});

describe('token endpoint errors (docs/concur-extract-api.md#token-endpoint-and-grants)', () => {
  async function refusing(body: object, status = 400) {
    return start((_req, res) =>
      send(res, status, JSON.stringify(body), {
        'Content-Type': 'application/json',
      })
    );
  }

  it('explains a rejected refresh token without quoting it', async () => {
    const s = await refusing({
      error: 'invalid_grant',
      error_description: 'bad or expired refresh token',
      code: 108,
    });
    const err = await client(refreshConfig(s.url))
      .client.authenticate()
      .catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe('AUTH_INVALID_GRANT');
    expect(err.failureType).toBe('config_error');
    // The explanation is the feature: Concur's reason, what to do, no token.
    expect(err.message).toBe(
      "Concur rejected the refresh token (invalid_grant: bad or expired refresh token, code 108); obtain a new refresh token and update the source's credentials."
    );
    expect(s.requests).toHaveLength(1);
  });

  it('explains rejected client credentials', async () => {
    const s = await refusing(
      {error: 'invalid_client', error_description: 'client not found', code: 1},
      401
    );
    const err = await client(refreshConfig(s.url))
      .client.authenticate()
      .catch((e) => e);
    expect(err.code).toBe('AUTH_INVALID_CLIENT');
    // The explanation is the feature.
    expect(err.message).toMatch(
      /^Concur rejected the client credentials \(invalid_client: client not found, code 1\); check credentials\.client_id/
    );
  });

  it('explains a rejected company request token (password grant, credtype authtoken)', async () => {
    const s = await refusing({
      error: 'invalid_grant',
      error_description: 'Incorrect Credentials. Please Retry',
      code: 5,
    });
    const config = resolveConfig({
      credentials: {
        auth_type: 'oauth2_password',
        client_id: 'cid',
        client_secret: SECRETS.clientSecret,
        username: 'company-uuid',
        password: SECRETS.password,
        credtype: 'authtoken',
      },
      oauth_base_url: s.url,
    });
    const err = await client(config)
      .client.authenticate()
      .catch((e) => e);
    expect(form(s.requests[0])).toEqual({
      client_id: 'cid',
      client_secret: SECRETS.clientSecret,
      grant_type: 'password',
      username: 'company-uuid',
      password: SECRETS.password,
      credtype: 'authtoken',
    });
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe('AUTH_INVALID_GRANT');
    // The explanation (which credential, how long it is valid) is the feature.
    expect(err.message).toMatch(
      /^Concur rejected the company UUID and request token \(invalid_grant: Incorrect Credentials\. Please Retry, code 5\); a company request token is valid for 24 hours/
    );
  });

  it('follows a "user lives elsewhere" answer to the geolocation it names, once', async () => {
    const home = await start((_req, res) =>
      send(res, 200, tokenAnswer('at-1-xxxx'), {
        'Content-Type': 'application/json',
      })
    );
    const s = await refusing({
      error: 'invalid_request',
      error_description: 'user lives elsewhere',
      code: 16,
      geolocation: home.url,
    });
    await client(refreshConfig(s.url)).client.authenticate();
    expect(home.requests).toHaveLength(1);
  });

  it('points at oauth_base_url when the token endpoint answers without an OAuth error', async () => {
    const s = await start((_req, res) =>
      send(res, 404, '<html>Not here</html>', {'Content-Type': 'text/html'})
    );
    const err = await client(refreshConfig(s.url))
      .client.authenticate()
      .catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe('AUTH_ENDPOINT_INVALID');
    // Pointing at the setting is the feature.
    expect(err.message).toBe(
      'The token endpoint answered 404 without an OAuth error; check oauth_base_url (the host of POST /oauth2/v0/token).'
    );
  });

  it('refuses a 2xx answer without an access token', async () => {
    const s = await start((_req, res) =>
      send(res, 200, '{"token_type":"Bearer"}', {
        'Content-Type': 'application/json',
      })
    );
    await expect(
      client(refreshConfig(s.url)).client.authenticate()
    ).rejects.toMatchObject({code: 'CONCUR_ANSWER_INVALID'});
  });
});

describe('API base (docs/concur-extract-api.md#hosts-and-paths)', () => {
  it("calls the token's geolocation when api_base_url is not set", async () => {
    const geo = await start((_req, res) => send(res, 200, EMPTY));
    const auth = await start((_req, res) =>
      send(res, 200, tokenAnswer('at-1-xxxx', {geolocation: geo.url}), {
        'Content-Type': 'application/json',
      })
    );
    await client(refreshConfig(auth.url)).client.listDefinitions();
    expect(geo.requests.map((r) => r.url)).toEqual([`${EXTRACT}/`]);
    expect(auth.requests).toHaveLength(1);
  });

  it('prefers api_base_url over the geolocation', async () => {
    const api = await start((_req, res) => send(res, 200, EMPTY));
    const auth = await start((req, res) =>
      isToken(req)
        ? send(
            res,
            200,
            tokenAnswer('at-1-xxxx', {
              geolocation: 'https://us.api.concursolutions.com',
            }),
            {
              'Content-Type': 'application/json',
            }
          )
        : send(res, 500)
    );
    await client(refreshConfig(auth.url, api.url)).client.listDefinitions();
    expect(api.requests).toHaveLength(1);
  });

  it('refuses a plain-http geolocation that is not loopback', async () => {
    const auth = await start((_req, res) =>
      send(
        res,
        200,
        tokenAnswer('at-1-xxxx', {
          geolocation: 'http://us.api.concursolutions.com',
        }),
        {
          'Content-Type': 'application/json',
        }
      )
    );
    const err = await client(refreshConfig(auth.url))
      .client.authenticate()
      .catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe('CONCUR_GEOLOCATION_INVALID');
  });
});

describe('static access token', () => {
  it.each([
    [undefined, 'Bearer'],
    ['OAuth' as const, 'OAuth'],
  ])('sends it with scheme %s', async (scheme, expected) => {
    const api = await start((_req, res) => send(res, 200, EMPTY));
    await client(staticConfig(api.url, scheme)).client.listDefinitions();
    expect(api.requests[0].headers.authorization).toBe(
      `${expected} ${SECRETS.accessToken}`
    );
  });

  it('cannot be refreshed: a 401 is a config error', async () => {
    const api = await start((_req, res) =>
      send(res, 401, '<Error><Message>Invalid token</Message></Error>')
    );
    const err = await client(staticConfig(api.url))
      .client.listDefinitions()
      .catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe('AUTH_TOKEN_REFUSED');
    // The explanation (why, and what to do) is the feature.
    expect(err.message).toMatch(
      /answered 401 Unauthorized: Invalid token\. The configured access token was refused .* cannot be refreshed/
    );
    expect(api.requests).toHaveLength(1);
  });

  it('makes no network call to authenticate', async () => {
    const api = await start((_req, res) => send(res, 500));
    await client(staticConfig(api.url)).client.authenticate();
    expect(api.requests).toHaveLength(0);
  });

  it('keeps other API errors as they are', async () => {
    const api = await start((_req, res) =>
      send(res, 404, '<Error><Message>nope</Message></Error>')
    );
    const err = await client(staticConfig(api.url))
      .client.listDefinitions()
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('CONCUR_REQUEST_REJECTED');
    expect(err.status).toBe(404);
  });
});
