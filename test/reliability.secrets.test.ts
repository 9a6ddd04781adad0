/**
 * No secret leaks: syncs (and check/discover) with faults, bad input and every
 * kind of credential failure, at LOG_LEVEL=debug, and then a scan of ALL their
 * stdout and stderr for every secret of every config used (right and wrong
 * ones) and every token the simulators issued, in every form they could take
 * (as is, URL-encoded, form-encoded, JSON-escaped): zero occurrences.
 *
 * The one exception is by design: an Airbyte CONTROL message (CONNECTOR_CONFIG)
 * hands the platform the whole configuration to store, with the rotated
 * refresh token and the other secrets in clear, since the platform needs
 * them for the next sync. The platform consumes CONTROL messages and never
 * logs them. So CONTROL lines are excluded from the scan, and the test asserts
 * that they are the only place a secret appears (and that they do carry them,
 * which also proves the scanner finds what it looks for).
 */
import {Faults} from 'concur-extract-simulator';

import {runCli, tempFiles} from './helpers/cli';
import {
  FAST_ENV,
  findSecrets,
  job,
  Leak,
  report,
  splitControl,
  sync,
  SyncResult,
  traces,
} from './helpers/reliability';
import {Scenario, SimulatorHandle, startSimulator} from './helpers/sim';

/** Secrets with characters that change when URL-, form- or JSON-encoded. */
const S = {
  clientSecret: 'cl!ent "secret"/+&=%20 ü-4f1a',
  refreshToken: 'rt/8c1e+ab&x=1 "q"-refresh',
  password: 'pässwörd "x" & y/z+1%-7b2c',
  companyToken: 'crt+/=&?#%-company-5d6e',
  staticToken: 'static.tok/en+=-3a9f',
  wrongRefresh: 'wrong-refresh/+&"-11aa',
  wrongSecret: 'wrong secret/+&"-22bb',
  wrongPassword: 'wrong pässword/+&"-33cc',
  wrongCompany: 'wrong+company/&"-44dd',
  wrongStatic: 'wrong.static/+=-55ee',
};
const CLIENT_ID = 'secrets-client';
const USERNAME = 'admin@example.com';
const COMPANY_UUID = '0c7d1a2b-3e4f-4a5b-8c9d-0e1f2a3b4c5d';
const DEF = 'sEcr$pDef00000000000000000000000000';

function scenario(rotate: boolean): Scenario {
  return {
    seed: 3,
    credentials: {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: S.clientSecret,
          refresh_tokens: [S.refreshToken],
          users: [
            {username: USERNAME, password: S.password, credtype: 'password'},
            {
              username: COMPANY_UUID,
              password: S.companyToken,
              credtype: 'authtoken',
            },
          ],
        },
      ],
      static_tokens: [S.staticToken],
      rotate_refresh_tokens: rotate,
    },
    definitions: [
      {
        id: DEF,
        name: 'Standard Accounting Extract',
        jobs: [
          job('s$p1', 1, {sae_v3: {details: 30, seed: 1}}),
          job('s$p2', 2, {
            zip: [{name: 'a.txt', file: {sae_v3: {details: 20, seed: 2}}}],
          }),
        ],
      },
    ],
  };
}

type Creds =
  | {kind: 'refresh'; secret?: string; token?: string}
  | {kind: 'password'; secret?: string; password?: string}
  | {kind: 'company'; token?: string}
  | {kind: 'static'; token?: string};

function config(sim: SimulatorHandle, c: Creds): any {
  const client = {client_id: CLIENT_ID, client_secret: S.clientSecret};
  let credentials: object;
  switch (c.kind) {
    case 'refresh':
      credentials = {
        auth_type: 'oauth2_refresh_token',
        ...client,
        client_secret: c.secret ?? S.clientSecret,
        refresh_token: c.token ?? S.refreshToken,
      };
      break;
    case 'password':
      credentials = {
        auth_type: 'oauth2_password',
        ...client,
        client_secret: c.secret ?? S.clientSecret,
        username: USERNAME,
        password: c.password ?? S.password,
        credtype: 'password',
      };
      break;
    case 'company':
      credentials = {
        auth_type: 'oauth2_password',
        ...client,
        username: COMPANY_UUID,
        password: c.token ?? S.companyToken,
        credtype: 'authtoken',
      };
      break;
    case 'static':
      credentials = {
        auth_type: 'access_token',
        access_token: c.token ?? S.staticToken,
        token_scheme: 'Bearer',
      };
      break;
  }
  return {
    credentials,
    oauth_base_url: sim.url,
    ...(c.kind === 'static' ? {api_base_url: sim.url} : {}),
  };
}

const ENV = {
  ...FAST_ENV,
  CONCUR_REQUEST_TIMEOUT_MS: '600',
  LOG_LEVEL: 'debug',
};

const NO_FAULTS: Faults = {
  rate_429: 0,
  rate_500: 0,
  rate_502: 0,
  rate_503: 0,
  reset_mid_body: 0,
  stall_rate: 0,
  expire_token_every: 0,
  forbidden_always: false,
  malformed_xml: 0,
  xml_entity: 0,
  only_paths: undefined,
  max_faults: undefined,
};

interface Run {
  name: string;
  sim: SimulatorHandle;
  stdout: string;
  stderr: string;
}

describe('no secret in any output (bin/main against the simulator)', () => {
  let plain: SimulatorHandle;
  let rotating: SimulatorHandle;
  const runs: Run[] = [];

  beforeAll(async () => {
    plain = await startSimulator(scenario(false));
    rotating = await startSimulator(scenario(true));
  });
  afterAll(async () => {
    await plain?.close();
    await rotating?.close();
  });

  /** A read with these faults; every output kept for the final scan. */
  async function read(
    name: string,
    sim: SimulatorHandle,
    creds: Creds,
    faults: Faults = {}
  ): Promise<SyncResult> {
    sim.setFault({...NO_FAULTS, ...faults});
    const res = await sync(config(sim, creds), {env: ENV});
    sim.setFault(NO_FAULTS);
    runs.push({name, sim, stdout: res.stdout, stderr: res.stderr});
    return res;
  }

  const fails = (res: SyncResult, type = 'config_error') => {
    expect(res.code).not.toBe(0);
    // One failure type; a definition's job list that fails fails each stream reading it.
    expect([
      ...new Set(traces(res.messages).map((t) => t.failure_type)),
    ]).toEqual([type]);
  };

  test('successful syncs through faults: 429/5xx/resets/stalls on the API and the token endpoint, expiring tokens', async () => {
    const faults: Faults = {
      seed: 4,
      rate_429: 0.1,
      rate_500: 0.05,
      rate_502: 0.05,
      rate_503: 0.05,
      reset_mid_body: 0.2,
      stall_rate: 0.05,
      stall_ms: 1_500,
      expire_token_every: 6,
      max_faults: 25,
    };
    const from = plain.requests.length;
    const ok = [
      await read('refresh, faults', plain, {kind: 'refresh'}, faults),
      await read(
        'password, faults',
        plain,
        {kind: 'password'},
        {
          ...faults,
          seed: 5,
        }
      ),
      await read(
        'company token',
        plain,
        {kind: 'company'},
        {
          ...faults,
          seed: 6,
        }
      ),
      await read('static token', plain, {kind: 'static'}),
    ];
    for (const res of ok) {
      expect(traces(res.messages)).toEqual([]);
      expect(res.code).toBe(0);
    }
    const seen = plain.requests.slice(from);
    // The faults did happen, on both endpoints; tokens expired (401s).
    expect(seen.some((r) => r.fault && r.path.startsWith('/oauth2/'))).toBe(
      true
    );
    expect(seen.some((r) => r.fault?.includes('reset_mid_body'))).toBe(true);
    expect(seen.some((r) => r.fault === 'expire_token')).toBe(true);
  });

  test('credential failures: wrong refresh token, client secret, password, company token, static token; 403s', async () => {
    fails(
      await read('wrong refresh token', plain, {
        kind: 'refresh',
        token: S.wrongRefresh,
      })
    );
    fails(
      await read('wrong client secret', plain, {
        kind: 'refresh',
        secret: S.wrongSecret,
      })
    );
    fails(
      await read('wrong password', plain, {
        kind: 'password',
        password: S.wrongPassword,
      })
    );
    fails(
      await read('wrong company token', plain, {
        kind: 'company',
        token: S.wrongCompany,
      })
    );
    fails(
      await read('wrong static token (401)', plain, {
        kind: 'static',
        token: S.wrongStatic,
      })
    );
    fails(
      await read(
        'static token, 403 everywhere',
        plain,
        {kind: 'static'},
        {
          forbidden_always: true,
        }
      )
    );
    fails(
      await read(
        'refresh token, 403 everywhere',
        plain,
        {kind: 'refresh'},
        {
          forbidden_always: true,
        }
      )
    );
    const statuses = new Set(plain.requests.map((r) => r.status));
    for (const s of [400, 401, 403]) expect(statuses.has(s)).toBe(true);
  });

  test('bad input and giving up: malformed and entity XML, a body cut short on every attempt', async () => {
    fails(
      await read(
        'malformed XML',
        plain,
        {kind: 'refresh'},
        {
          malformed_xml: true,
          only_paths: '/job$',
        }
      ),
      'system_error'
    );
    fails(
      await read(
        'entity XML',
        plain,
        {kind: 'password'},
        {
          xml_entity: true,
          only_paths: '/job$',
        }
      ),
      'system_error'
    );
    fails(
      await read(
        'resets until giving up',
        plain,
        {kind: 'refresh'},
        {
          reset_mid_body: 1,
          only_paths: '/file$',
        }
      ),
      // Concur's network failed every attempt: a later sync may succeed.
      'transient_error'
    );
  });

  test('check with bad credentials and with 403s', async () => {
    const cases: [string, Creds, Faults][] = [
      [
        'check, wrong password',
        {kind: 'password', password: S.wrongPassword},
        {},
      ],
      [
        'check, wrong refresh token',
        {kind: 'refresh', token: S.wrongRefresh},
        {},
      ],
      ['check, wrong static token', {kind: 'static', token: S.wrongStatic}, {}],
      ['check, 403', {kind: 'refresh'}, {forbidden_always: true}],
    ];
    for (const [name, creds, faults] of cases) {
      plain.setFault({...NO_FAULTS, ...faults});
      const files = tempFiles({config: config(plain, creds)});
      const res = await runCli(['check', '--config', files.config], {env: ENV});
      plain.setFault(NO_FAULTS);
      runs.push({name, sim: plain, stdout: res.stdout, stderr: res.stderr});
      const status = res.messages.find((m) => m.type === 'CONNECTION_STATUS');
      expect([name, status?.connectionStatus.status]).toEqual([name, 'FAILED']);
    }
  });

  test('rotated refresh tokens: CONTROL carries them; a lost token answer fails cleanly', async () => {
    const ok = await read(
      'rotation',
      rotating,
      {kind: 'refresh'},
      {
        expire_token_every: 4,
        only_paths: '^/api/',
      }
    );
    expect(ok.code).toBe(0);
    const controls = ok.messages.filter((m) => m.type === 'CONTROL');
    expect(controls.length).toBeGreaterThan(1);
    const latest = controls[controls.length - 1].control.connectorConfig.config;
    // The token answer carrying the new refresh token is cut off: the old one is dead.
    fails(
      await read(
        'rotation, token answer lost',
        rotating,
        {kind: 'refresh', token: latest.credentials.refresh_token},
        {reset_mid_body: 1, only_paths: '^/oauth2/', max_faults: 1}
      )
    );
  });

  test('the scan: no secret anywhere but in CONTROL messages', () => {
    const issued = (sim: SimulatorHandle) => [
      ...sim.issuedAccessTokens(),
      ...sim.issuedRefreshTokens(),
    ];
    const secrets = [
      ...Object.values(S),
      ...issued(plain),
      ...issued(rotating),
    ];
    expect(issued(plain).length).toBeGreaterThan(10);
    expect(issued(rotating).length).toBeGreaterThan(2);
    expect(runs.length).toBe(20);
    // Debug logging was on (every request is logged), so there was much to leak.
    expect(runs.some((r) => r.stdout.includes('"level":"DEBUG"'))).toBe(true);

    const leaks: Leak[] = [];
    const inControl: Leak[] = [];
    for (const run of runs) {
      const {rest, control} = splitControl(run.stdout);
      leaks.push(...findSecrets(rest, secrets, `${run.name} stdout`));
      leaks.push(...findSecrets(run.stderr, secrets, `${run.name} stderr`));
      inControl.push(
        ...findSecrets(control.join('\n'), secrets, `${run.name} CONTROL`)
      );
    }
    report(
      `secret scan: ${runs.length} runs, ${secrets.length} secrets, ` +
        `${runs.reduce((n, r) => n + r.stdout.length + r.stderr.length, 0)} bytes scanned; ` +
        `${leaks.length} leak(s); ${inControl.length} occurrence(s) in CONTROL messages`
    );
    expect(leaks).toEqual([]);

    // CONTROL messages do carry secrets (the scanner finds them): the client
    // secret (JSON-escaped) and every rotated refresh token of the rotation run.
    const rotated = rotating.issuedRefreshTokens();
    const found = new Set(inControl.map((l) => l.secret));
    expect(found.has(S.clientSecret)).toBe(true);
    expect(
      inControl.some(
        (l) => l.form === JSON.stringify(S.clientSecret).slice(1, -1)
      )
    ).toBe(true);
    for (const t of rotated.slice(0, -1)) expect(found.has(t)).toBe(true);
    // ... and nothing else: no access token, no password.
    for (const l of inControl)
      expect([S.clientSecret, ...rotated]).toContain(l.secret);
  });
});
