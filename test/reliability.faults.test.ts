/**
 * Same data under faults: a sync of all three streams, with every fault the
 * simulator can inject switched on, yields exactly the rows of a clean sync.
 *
 * One simulator: a clean sync first, then the same sync with faults (setFault
 * restarts the seeded fault sequence). Refresh tokens rotate throughout, so
 * each sync starts from the config of the previous sync's last CONTROL message,
 * as Airbyte would.
 */
import {Faults, RecordedRequest} from 'concur-extract-simulator';

import {byType, records} from './helpers/cli';
import {
  FAST_ENV,
  job,
  logs,
  Proxy,
  report,
  rowsByKey,
  startProxy,
  sync,
  SyncResult,
  traces,
} from './helpers/reliability';
import {
  baseScenario,
  configFor,
  SAE_DEF,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';

const PRAE_DEF = 'gWikjBezeKtwKBxM3tK7FajSPu0ATF0sqTg';
const AMEX_DEF = 'gWikjBezeKqR$sLpbF9ElWP4Jkf7gKX5zf6A';

/** A short client timeout, and stalls well past it. */
const TIMEOUT_MS = 800;
const STALL_MS = 2_000;

/** ≈2,400 rows in 12 jobs: SAE text and ZIP (deflated and stored), PRAE text and ZIP, an unknown layout. */
function scenario(rotate = true) {
  return baseScenario(
    [
      {
        id: SAE_DEF,
        name: 'Standard Accounting Extract',
        jobs: [
          job('sae$p1', 1, {sae_v3: {details: 400, seed: 11}}),
          job('sae$p2', 2, {
            zip: [
              {
                name: 'out/extract_CES_SAE_v3_a.txt',
                file: {sae_v3: {details: 250, seed: 12, line_ending: 'crlf'}},
              },
              {
                name: 'out/extract_CES_SAE_v3_b.txt',
                file: {
                  sae_v3: {
                    details: 150,
                    seed: 13,
                    quoted_pipes: true,
                    utf8: true,
                  },
                },
                compress: false,
              },
            ],
          }),
          job('sae$p3', 3, {sae_v3: {details: 300, seed: 14, bom: true}}),
          job('sae$p4', 4, {
            zip: [
              {
                name: 'extract_CES_SAE_v3_c.txt',
                file: {sae_v3: {details: 200, seed: 15}},
                compress: false,
              },
            ],
          }),
          job('sae$p5', 5, {
            sae_v3: {details: 150, seed: 16, line_ending: 'crlf'},
          }),
        ],
      },
      {
        id: PRAE_DEF,
        name: 'Payment Request Accounting Extract',
        jobs: [
          job('prae$p1', 1, {prae: {details: 250, seed: 21}}),
          job('prae$p2', 3, {
            zip: [{name: 'prae.txt', file: {prae: {details: 200, seed: 22}}}],
          }),
          job('prae$p3', 5, {
            prae: {details: 100, seed: 23, date_format: 'dash'},
          }),
        ],
      },
      {
        id: AMEX_DEF,
        name: 'AMEX Remittance - US',
        jobs: [1, 2, 3, 4].map((n) =>
          job(`amex$p${n}`, n, {
            text: `HDR|AMEX|${n}\n` + `REM|${n}|"a|b"|x\n`.repeat(50 * n),
          })
        ),
      },
    ],
    {credentials: {rotate_refresh_tokens: rotate}}
  );
}

/**
 * Every fault, on the Extract API. Not on the token endpoint: with rotating
 * refresh tokens, a token answer that is stalled past the timeout or cut by a
 * reset has already invalidated the old refresh token while the new one never
 * arrives, which no client can recover from (rotation.test.ts proves the
 * connector then fails cleanly). Status faults on the token endpoint are
 * harmless (refused before any rotation): the second test has them.
 */
const API_FAULTS: Faults = {
  seed: 2,
  rate_429: 0.12,
  retry_after_seconds: 1,
  rate_500: 0.06,
  rate_502: 0.06,
  rate_503: 0.06,
  reset_mid_body: 0.2,
  stall_rate: 0.08,
  stall_ms: STALL_MS,
  expire_token_every: 7,
  only_paths: '^/api/',
  max_faults: 60,
};

const RETRY_LOG = /; attempt (\d) of 6 failed, retrying in (\d+) ms$/;
const FAULT_ENV = {...FAST_ENV, CONCUR_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS)};

describe('same data under faults (bin/main against the simulator)', () => {
  let sim: SimulatorHandle;
  let config: object;
  let clean: SyncResult;

  beforeAll(async () => {
    sim = await startSimulator(scenario());
    config = configFor(sim);
    clean = await sync(config);
    config = lastControlConfig(clean) ?? config;
  });
  afterAll(() => sim?.close());

  /** The config Airbyte would store after this sync (rotated refresh token). */
  function lastControlConfig(res: SyncResult): object | undefined {
    const c = byType(res.messages, 'CONTROL');
    return c[c.length - 1]?.control.connectorConfig.config;
  }

  /** A faulted sync, compared with the clean one; returns it for fault-specific checks. */
  async function faultedSync(
    faults: Faults
  ): Promise<{res: SyncResult; faults: RecordedRequest[]}> {
    sim.setFault(faults);
    const from = sim.requests.length;
    const started = Date.now();
    const res = await sync(config, {env: FAULT_ENV, timeoutMs: 90_000});
    const ms = Date.now() - started;
    sim.setFault({...NO_FAULTS});
    config = lastControlConfig(res) ?? config;
    const reqs = sim.requests.slice(from);
    const faulted = reqs.filter((r) => r.fault);
    const retries = logs(res.messages, 'WARN').filter((m) => RETRY_LOG.test(m));
    report(
      `faulted sync: ${ms} ms, ${reqs.length} requests, ${faulted.length} faults ` +
        `(${summary(faulted.map((r) => r.fault!))}), ${retries.length} retries logged, ` +
        `(most attempts for one call: ${Math.max(1, ...retries.map((m) => Number(RETRY_LOG.exec(m)![1]) + 1))}), ` +
        `${byType(res.messages, 'CONTROL').length} CONTROL messages`
    );

    expect(traces(res.messages)).toEqual([]);
    expect(res.code).toBe(0);
    // Same rows: every stream, every primary key, every value.
    expect(records(res.messages, 'extract_definitions')).toEqual(
      records(clean.messages, 'extract_definitions')
    );
    expect(records(res.messages, 'extract_jobs')).toEqual(
      records(clean.messages, 'extract_jobs')
    );
    const want = rowsByKey(clean.messages);
    const got = rowsByKey(res.messages);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    const differing = [...want].filter(
      ([k, r]) => JSON.stringify(got.get(k)) !== JSON.stringify(r)
    );
    expect(differing.map(([k]) => k)).toEqual([]);
    for (const [k, r] of want) expect(got.get(k).values).toEqual(r.values);
    // Every fault that answered (or cut, or stalled) a request is a retry in the log.
    const retriable = faulted.filter((r) => r.fault !== 'expire_token');
    expect(retries.length).toBeGreaterThanOrEqual(retriable.length);
    return {res, faults: faulted};
  }

  test('the clean sync reads every row of every job', () => {
    expect(clean.code).toBe(0);
    const rows = rowsByKey(clean.messages);
    // SAE 401 + 251 + 151 + 301 + 201 + 151, PRAE 251 + 201 + 101, AMEX 51 + 101 + 151 + 201
    expect(rows.size).toBe(2513);
    expect(records(clean.messages, 'extract_jobs')).toHaveLength(12);
    expect(records(clean.messages, 'extract_definitions')).toHaveLength(3);
  });

  test('every API fault at once: 429 with Retry-After, 500/502/503, resets of XML and files, stalls past the timeout, tokens expiring, refresh tokens rotating', async () => {
    const {res, faults} = await faultedSync(API_FAULTS);
    const kinds = (name: string, path?: RegExp) =>
      faults.filter(
        (r) => r.fault!.includes(name) && (!path || path.test(r.path))
      ).length;
    // Every kind of fault really happened in this (deterministic) run.
    for (const name of [
      'rate_429',
      'rate_500',
      'rate_502',
      'rate_503',
      'stall',
      'expire_token',
    ]) {
      expect({[name]: kinds(name) > 0}).toEqual({[name]: true});
    }
    // Resets and stalls hit XML calls, text downloads and ZIP downloads alike.
    const xml = /\/job$|v1\.0\/?$/;
    const zipFile = /(sae\$p2|sae\$p4|prae\$p2)\/file$/;
    const textFile = /(sae\$p[135]|prae\$p[13]|amex\$p\d)\/file$/;
    for (const [name, path] of [
      ['reset_mid_body', xml],
      ['reset_mid_body', zipFile],
      ['reset_mid_body', textFile],
      ['stall', xml],
      ['stall', /\/file$/],
    ] as [string, RegExp][]) {
      expect({[`${name} ${path}`]: kinds(name, path) > 0}).toEqual({
        [`${name} ${path}`]: true,
      });
    }
    const warn = logs(res.messages, 'WARN');
    // 429 with Retry-After: 1 s, capped at CONCUR_RETRY_AFTER_CAP_MS: the wait is the header's, not the jitter's.
    const r429 = warn.filter((m) => / answered 429 /.test(m));
    expect(r429.length).toBe(kinds('rate_429'));
    expect(r429.every((m) => m.endsWith('retrying in 50 ms'))).toBe(true);
    expect(warn.some((m) => / answered 502 Bad Gateway/.test(m))).toBe(true);
    expect(warn.some((m) => /cut short|ECONNRESET|aborted/.test(m))).toBe(true);
    expect(warn.some((m) => /ETIMEDOUT|timeout/i.test(m))).toBe(true);
    // Each expired token: one refresh, and one CONTROL with the rotated refresh token.
    const refreshes = logs(res.messages, 'INFO').filter((m) =>
      /refreshing the access token and trying once more/.test(m)
    );
    expect(refreshes.length).toBe(kinds('expire_token'));
    expect(byType(res.messages, 'CONTROL').length).toBe(refreshes.length + 1);
  });

  test('429 without Retry-After and 5xx on the token endpoint too (full-jitter backoff)', async () => {
    const {res, faults} = await faultedSync({
      seed: 7,
      rate_429: 0.12,
      retry_after_seconds: null,
      rate_500: 0.06,
      rate_502: 0.06,
      rate_503: 0.06,
      expire_token_every: 5,
      max_faults: 60,
    });
    const onToken = faults.filter((r) => r.path.startsWith('/oauth2/'));
    report(`token endpoint faults: ${summary(onToken.map((r) => r.fault!))}`);
    expect(onToken.length).toBeGreaterThan(0);
    const r429 = logs(res.messages, 'WARN').filter((m) =>
      / answered 429 /.test(m)
    );
    expect(r429.length).toBeGreaterThan(0);
    // No Retry-After: exponential backoff with full jitter, at most CONCUR_RETRY_MAX_DELAY_MS.
    expect(r429.every((m) => Number(RETRY_LOG.exec(m)![2]) <= 20)).toBe(true);
  });
});

describe('a body that stalls half-way (the simulator only stalls before the headers)', () => {
  let sim: SimulatorHandle;
  let proxy: Proxy | undefined;
  beforeAll(async () => {
    sim = await startSimulator(scenario(false));
  });
  afterAll(() => sim?.close());
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  test.each([
    ['a ZIP download', /sae\$p2\/file$/],
    ['a text download', /prae\$p1\/file$/],
    ['a job list (XML)', /\/job$/],
  ])(
    '%s: the idle timeout ends it and the retry reads the same rows',
    async (_name, match) => {
      proxy = await startProxy(() => sim.url, {
        match,
        stallMidBody: true,
        times: 1,
      });
      const started = Date.now();
      const res = await sync(
        configFor(sim, 'refresh', {api_base_url: proxy.url}),
        {env: FAULT_ENV, timeoutMs: 30_000}
      );
      const ms = Date.now() - started;
      expect(proxy.touched).toHaveLength(1);
      expect(traces(res.messages)).toEqual([]);
      expect(res.code).toBe(0);
      expect(ms).toBeLessThan(15_000);
      const retried = logs(res.messages, 'WARN').filter((m) =>
        RETRY_LOG.test(m)
      );
      expect(retried).toHaveLength(1);
      expect(rowsByKey(res.messages).size).toBe(2513);
    }
  );
});

const NO_FAULTS: Faults = {
  rate_429: 0,
  rate_500: 0,
  rate_502: 0,
  rate_503: 0,
  reset_mid_body: 0,
  stall_rate: 0,
  expire_token_every: 0,
  only_paths: undefined,
  max_faults: undefined,
};

function summary(names: string[]): string {
  const n = new Map<string, number>();
  for (const f of names) n.set(f, (n.get(f) ?? 0) + 1);
  return [...n].map(([k, v]) => `${k} ${v}`).join(', ');
}
