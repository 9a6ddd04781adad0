/**
 * No secret (client secret, refresh token, password, access tokens — the
 * configured one and every issued one) may appear in an error message, stack,
 * inspected error, or log line; even when Concur echoes them back.
 */
import {ServerResponse} from 'http';
import path from 'path';
import {inspect} from 'util';

import {ConcurClient} from '../src/concur/client';
import {resolveConfig, ResolvedConfig} from '../src/config';
import {
  EXTRACT,
  FAST_RETRY,
  LocalServer,
  memoryLogger,
  refreshConfig,
  SECRETS,
  SeenRequest,
  send,
  serve,
  staticConfig,
} from './helpers/client';
import {tempDir} from './helpers/temp';

const ISSUED = 'at-issued-eyJ0eXAiOiJKV1Qi-0001';
const ROTATED = 'rt-rotated-9f8e7d6c5b4a-0002';
const ALL = [
  SECRETS.clientSecret,
  SECRETS.refreshToken,
  SECRETS.password,
  SECRETS.accessToken,
  ISSUED,
  ROTATED,
];

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Everything a failure could leak through. */
function exposed(err: unknown, lines: string[]): string {
  const e = err as Error;
  return [
    e?.message,
    e?.stack,
    inspect(err, {depth: 8}),
    JSON.stringify(err),
    ...lines,
  ].join('\n');
}

function expectClean(text: string): void {
  for (const secret of ALL) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(encodeURIComponent(secret));
  }
}

/** Runs `act` against a server that echoes every request (headers and body) back in its answers. */
async function run(
  config: (url: string) => ResolvedConfig,
  handler: (req: SeenRequest, res: ServerResponse, echo: string) => void,
  act: (c: ConcurClient) => Promise<unknown>
): Promise<void> {
  server = await serve((req, res) =>
    handler(req, res, `${req.body} ${req.headers.authorization ?? ''}`)
  );
  const logger = memoryLogger();
  const client = ConcurClient.create(config(server.url), {
    logger,
    retry: FAST_RETRY,
  });
  const err = await act(client).then(
    () => undefined,
    (e) => e
  );
  expect(err).toBeDefined();
  expectClean(exposed(err, logger.lines));
}

const echoXml = (echo: string): string =>
  `<Error><Message>${echo.replace(/[<&]/g, ' ')}</Message></Error>`;
const json = {'Content-Type': 'application/json'};

describe('no secret leaks', () => {
  it('token endpoint error echoing the form body (refresh grant)', async () => {
    await run(
      (u) => refreshConfig(u, u),
      (_req, res, echo) =>
        send(
          res,
          400,
          JSON.stringify({
            error: 'invalid_grant',
            error_description: echo,
            code: 108,
          }),
          json
        ),
      (c) => c.authenticate()
    );
  });

  it('token endpoint 5xx echoing the form body as text', async () => {
    await run(
      (u) => refreshConfig(u, u),
      (_req, res, echo) => send(res, 503, echo, {'Content-Type': 'text/plain'}),
      (c) => c.authenticate()
    );
  });

  it('password grant error echoing the form body', async () => {
    const config = (u: string): ResolvedConfig =>
      resolveConfig({
        credentials: {
          auth_type: 'oauth2_password',
          client_id: 'cid',
          client_secret: SECRETS.clientSecret,
          username: 'user@example.com',
          password: SECRETS.password,
        },
        oauth_base_url: u,
      });
    await run(
      config,
      (_req, res, echo) =>
        send(
          res,
          401,
          JSON.stringify({
            error: 'invalid_grant',
            error_description: echo,
            code: 5,
          }),
          json
        ),
      (c) => c.authenticate()
    );
  });

  it('API refusing issued tokens and echoing the Authorization header; rotated refresh token', async () => {
    await run(
      (u) => refreshConfig(u, u),
      (req, res, echo) =>
        req.url === '/oauth2/v0/token'
          ? send(
              res,
              200,
              JSON.stringify({
                access_token: ISSUED,
                refresh_token: ROTATED,
                expires_in: 3600,
                token_type: 'Bearer',
              }),
              json
            )
          : send(res, 401, echoXml(`${echo} ${ROTATED}`)),
      (c) => c.listDefinitions()
    );
  });

  it('static token refused with an echo', async () => {
    await run(
      (u) => staticConfig(u),
      (_req, res, echo) => send(res, 403, echoXml(echo)),
      (c) => c.listDefinitions()
    );
  });

  it('network failures on POST and on a download', async () => {
    const def = {
      id: 'D$1',
      name: 'n',
      url: `https://x${EXTRACT}/D$1`,
      jobLink: `https://x${EXTRACT}/D$1/job`,
    };
    await run(
      (u) => staticConfig(u),
      (req, res) =>
        req.method === 'POST'
          ? res.socket?.destroy()
          : send(res, 200, '<jobs/>'),
      (c) => c.startJob(def)
    );
    await server?.close();
    await run(
      (u) => staticConfig(u),
      (_req, res, echo) => {
        res.writeHead(200, {
          'Content-Length': '1000',
          'X-Echo': encodeURIComponent(echo),
        });
        res.write('abc');
        setTimeout(() => res.socket?.destroy(), 10);
      },
      (c) =>
        c.downloadFile(
          {
            id: 'J',
            definitionId: 'D',
            status: 'Completed',
            startTime: null,
            stopTime: null,
            fileLink: `https://x${EXTRACT}/D/job/J/file?access_token=${SECRETS.accessToken}`,
            url: 'u',
            statusLink: 's',
          },
          path.join(tempDir('concur-secret-'), 'body')
        )
    );
  });
});
