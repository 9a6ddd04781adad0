/**
 * Rotated refresh tokens: Concur may answer a refresh with a new refresh token
 * and invalidate the old one (the simulator does, with rotate_refresh_tokens).
 * The connector must use the new token for its next refresh, and hand the
 * whole configuration with the new token to the platform in an Airbyte CONTROL
 * message (type CONNECTOR_CONFIG) so the next sync starts with it.
 */
import {byType, errorCodes, records, runCli, tempFiles} from './helpers/cli';
import {
  FAST_ENV,
  job,
  report,
  sync,
  SyncResult,
  traces,
} from './helpers/reliability';
import {
  baseScenario,
  CLIENT,
  configFor,
  OTHER_DEF,
  REFRESH_TOKEN,
  SAE_DEF,
  Scenario,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';

function scenario(credentials: Scenario['credentials'] = {}): Scenario {
  return baseScenario(
    [
      {
        id: SAE_DEF,
        name: 'Standard Accounting Extract',
        jobs: [1, 2, 3, 4].map((d) =>
          job(`s$p${d}`, d, {sae_v3: {details: 20, seed: d}})
        ),
      },
      {
        id: OTHER_DEF,
        name: 'European Extract',
        jobs: [1, 2, 3].map((d) =>
          job(`e$p${d}`, d, {sae_v3: {details: 10, seed: 10 + d}})
        ),
      },
    ],
    {credentials: {rotate_refresh_tokens: true, ...credentials}}
  );
}

const controls = (res: SyncResult): any[] =>
  byType(res.messages, 'CONTROL').map((m) => m.control);

const tokenRequests = (sim: SimulatorHandle, from = 0) =>
  sim.requests.slice(from).filter((r) => r.path.startsWith('/oauth2/'));

/** A sync must fail on a refused refresh token with a config_error that says so. */
function expectRefusedRefreshToken(res: SyncResult): void {
  expect(res.code).not.toBe(0);
  const t = traces(res.messages);
  expect(t).toHaveLength(1);
  expect(t[0].failure_type).toBe('config_error');
  expect(errorCodes(res.messages)).toEqual(['AUTH_INVALID_GRANT']);
  expect(records(res.messages, 'extract_file_rows')).toEqual([]);
}

describe('rotated refresh tokens, refreshed mid-sync (expire_token_every)', () => {
  let sim: SimulatorHandle;
  let original: any;
  let first: SyncResult;

  beforeAll(async () => {
    sim = await startSimulator({
      ...scenario(),
      faults: {expire_token_every: 4, only_paths: '^/api/'},
    });
    original = configFor(sim, 'refresh', {definitions: []});
    first = await sync(original);
  });
  afterAll(() => sim?.close());

  test('each refresh is followed by a CONTROL message carrying the full config with the new refresh token', () => {
    expect(traces(first.messages)).toEqual([]);
    expect(first.code).toBe(0);
    expect(records(first.messages, 'extract_file_rows')).toHaveLength(
      4 * 21 + 3 * 11
    );
    const issued = sim.issuedRefreshTokens();
    // Tokens expired mid-sync: several token requests, each answered with a new refresh token.
    expect(issued.length).toBeGreaterThanOrEqual(3);
    expect(tokenRequests(sim).every((r) => r.status === 200)).toBe(true);
    expect(tokenRequests(sim)).toHaveLength(issued.length);
    const cs = controls(first);
    expect(cs.map((c) => c.type)).toEqual(issued.map(() => 'CONNECTOR_CONFIG'));
    expect(
      cs.map((c) => c.connectorConfig.config.credentials.refresh_token)
    ).toEqual(issued);
    for (const c of cs) {
      expect(typeof c.emitted_at).toBe('number');
      // The full config: only the refresh token differs.
      expect(c.connectorConfig.config).toEqual({
        ...original,
        credentials: {
          ...original.credentials,
          refresh_token: expect.any(String),
        },
      });
      expect(c.connectorConfig.config.credentials.client_secret).toBe(
        CLIENT.client_secret
      );
    }
    // The old token was invalidated by each rotation, so the sync only got this far by using each new one.
    expect(issued).not.toContain(REFRESH_TOKEN);
    // A CONTROL message comes before the records read with the token it announces.
    const types = first.messages.map((m) => m.type);
    expect(types.indexOf('CONTROL')).toBeLessThan(types.indexOf('RECORD'));
  });

  test('the next sync works with the config of the last CONTROL message', async () => {
    const cs = controls(first);
    const latest = cs[cs.length - 1].connectorConfig.config;
    const from = sim.requests.length;
    const next = await sync(latest);
    expect(traces(next.messages)).toEqual([]);
    expect(next.code).toBe(0);
    expect(records(next.messages, 'extract_file_rows')).toHaveLength(117);
    expect(tokenRequests(sim, from).every((r) => r.status === 200)).toBe(true);
    expect(controls(next).length).toBeGreaterThan(0);
  });

  test('a sync with the original refresh token fails: the simulator invalidated it', async () => {
    expectRefusedRefreshToken(await sync(original));
  });

  test('a sync with a superseded (not the latest) rotated token fails too', async () => {
    const cs = controls(first);
    expectRefusedRefreshToken(await sync(cs[0].connectorConfig.config));
  });
});

describe('rotated refresh tokens, with access tokens that expire during the sync', () => {
  let sim: SimulatorHandle;
  afterAll(() => sim?.close());

  test('every refresh rotates; the last CONTROL config works next time', async () => {
    // Every 4th API call answers as if the token had expired: the connector
    // renews it several times during the sync, and every renewal rotates the
    // refresh token (deterministic, unlike a short lifetime against a fast sync).
    sim = await startSimulator({
      ...scenario(),
      faults: {expire_token_every: 4},
    });
    const res = await sync(configFor(sim));
    expect(traces(res.messages)).toEqual([]);
    expect(res.code).toBe(0);
    const issued = sim.issuedRefreshTokens();
    const apiCalls = sim.requests.filter((r) =>
      r.path.startsWith('/api/')
    ).length;
    report(
      `expire_token_every 4: ${issued.length} token requests for ${apiCalls} API calls`
    );
    expect(issued.length).toBeGreaterThan(1);
    const cs = controls(res);
    expect(
      cs.map((c) => c.connectorConfig.config.credentials.refresh_token)
    ).toEqual(issued);
    const next = await sync(cs[cs.length - 1].connectorConfig.config);
    expect(next.code).toBe(0);
  });
});

describe('rotated refresh tokens: a token answer lost on the way (documented limit)', () => {
  let sim: SimulatorHandle;
  afterAll(() => sim?.close());

  /**
   * When the answer carrying the new refresh token is cut off, Concur has
   * already invalidated the old one; no client can recover the new token, and
   * the retry is refused. The connector must then fail cleanly, asking for a
   * new refresh token, not loop or hang.
   */
  test('a reset token answer ends in a config_error asking for a new refresh token', async () => {
    sim = await startSimulator({
      ...scenario(),
      faults: {reset_mid_body: 1, only_paths: '^/oauth2/', max_faults: 1},
    });
    const res = await sync(configFor(sim), {
      env: {...FAST_ENV, CONCUR_REQUEST_TIMEOUT_MS: '2000'},
    });
    expectRefusedRefreshToken(res);
    expect(tokenRequests(sim).map((r) => r.fault ?? r.status)).toEqual([
      'reset_mid_body',
      400,
    ]);
    expect(controls(res)).toEqual([]);
  });
});

describe('rotated refresh tokens outside a successful read', () => {
  let sim: SimulatorHandle;
  afterEach(() => sim?.close());

  /**
   * Airbyte runs `check` when a source is set up or tested, and stores a
   * CONTROL config update from it too. A check that rotates the refresh token
   * without announcing the new one leaves the platform with a dead token: the
   * next sync fails until the user obtains a new refresh token.
   */
  test('check: a rotation is announced in a CONTROL message, and the next read works with it', async () => {
    sim = await startSimulator(scenario());
    const original = configFor(sim);
    const files = tempFiles({config: original});
    const check = await runCli(['check', '--config', files.config], {
      env: FAST_ENV,
    });
    const status = check.messages.find((m) => m.type === 'CONNECTION_STATUS');
    expect(status?.connectionStatus.status).toBe('SUCCEEDED');
    expect(sim.issuedRefreshTokens()).toHaveLength(1); // check rotated the token
    const cs = byType(check.messages, 'CONTROL').map((m) => m.control);
    expect({controlMessagesFromCheck: cs.length}).toEqual({
      controlMessagesFromCheck: 1,
    });
    // The config the platform holds after the check: the CONTROL one, if any.
    const held =
      cs.length > 0 ? cs[cs.length - 1].connectorConfig.config : original;
    const next = await sync(held);
    expect(traces(next.messages)).toEqual([]);
    expect(next.code).toBe(0);
    expect(
      cs.map((c) => c.connectorConfig.config.credentials.refresh_token)
    ).toEqual(sim.issuedRefreshTokens().slice(0, 1));
  });

  test('a read that fails after rotating still hands over the new token', async () => {
    sim = await startSimulator({
      ...scenario(),
      faults: {
        malformed_xml: true,
        only_paths: `/${OTHER_DEF.replace(/\$/g, '\\$')}/job$`,
      },
    });
    const res = await sync(configFor(sim));
    expect(res.code).not.toBe(0);
    // The definition's job list fails both streams that read it, each with its own error.
    expect(traces(res.messages).map((t) => t.stream_descriptor.name)).toEqual([
      'extract_jobs',
      'extract_file_rows',
    ]);
    expect(errorCodes(res.messages)).toEqual([
      'CONCUR_ANSWER_INVALID',
      'CONCUR_ANSWER_INVALID',
    ]);
    const cs = controls(res);
    expect(cs.length).toBe(1);
    sim.setFault({malformed_xml: false});
    const next = await sync(cs[0].connectorConfig.config);
    expect(traces(next.messages)).toEqual([]);
    expect(next.code).toBe(0);
  });
});
