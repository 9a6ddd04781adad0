import {
  byType,
  catalog,
  CliResult,
  errorCodes,
  errorTraces,
  nextState,
  records,
  states,
} from './helpers/cli';
import {
  baseScenario,
  OTHER_DEF,
  readSim,
  SAE_DEF,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';

const T1 = '2024-01-12T18:31:01Z';
const T2 = '2024-01-13T18:30:50Z';

function scenario() {
  return baseScenario(
    [
      {
        id: SAE_DEF,
        name: 'Standard Accounting Extract',
        jobs: [
          {
            id: 'j1$pOld',
            status: 'Completed',
            start_time: '2024-01-12T18:30:00Z',
            stop_time: T1,
          },
          {
            id: 'j2$sA',
            status: 'Completed',
            start_time: '2024-01-13T18:30:02Z',
            stop_time: T2,
          },
          {
            id: 'j3$xFailed',
            status: 'Failed',
            start_time: '2024-01-13T10:00:00Z',
            stop_time: '2024-01-13T10:00:05Z',
          },
          {
            id: 'j4$pRunning',
            status: 'Running',
            start_time: '2024-01-13T19:00:00Z',
          },
        ],
      },
      {
        id: OTHER_DEF,
        name: 'European Extract',
        jobs: [
          {
            id: 'e1$p1',
            status: 'Completed',
            start_time: '2024-01-10T00:00:00Z',
            stop_time: '2024-01-10T00:01:00Z',
          },
        ],
      },
    ],
    {
      quirks: {
        complete_spelling: 'Complete',
        time_without_z: 'mixed',
        fraction_digits: [0, 2, 3, 7],
      },
    }
  );
}

const read = (
  sim: SimulatorHandle,
  cat: object,
  state?: unknown,
  config: object = {}
): Promise<CliResult> => readSim(sim, cat, {state, config});

describe('read: extract_definitions and extract_jobs', () => {
  let sim: SimulatorHandle;
  beforeEach(async () => {
    sim = await startSimulator(scenario());
  });
  afterEach(() => sim.close());

  test('full refresh: every definition and every listed job, normalised', async () => {
    const res = await read(
      sim,
      catalog({
        extract_definitions: 'full_refresh',
        extract_jobs: 'full_refresh',
      })
    );
    expect(res.code).toBe(0);
    expect(records(res.messages, 'extract_definitions')).toEqual([
      expect.objectContaining({
        id: SAE_DEF,
        name: 'Standard Accounting Extract',
        job_link: expect.stringMatching(/\/job$/),
      }),
      expect.objectContaining({id: OTHER_DEF, name: 'European Extract'}),
    ]);
    const jobs = records(res.messages, 'extract_jobs');
    expect(jobs.map((j) => j.id).sort()).toEqual([
      'e1$p1',
      'j1$pOld',
      'j2$sA',
      'j3$xFailed',
      'j4$pRunning',
    ]);
    const j2 = jobs.find((j) => j.id === 'j2$sA');
    expect(j2).toMatchObject({
      definition_id: SAE_DEF,
      definition_name: 'Standard Accounting Extract',
      status: 'Completed',
      stop_time: expect.stringMatching(/^2024-01-13T18:30:50(\.\d+)?Z$/),
      file_link: expect.stringMatching(/\/job\/j2\$sA\/file$/),
    });
    const running = jobs.find((j) => j.id === 'j4$pRunning');
    expect(running).toMatchObject({
      status: 'Running',
      stop_time: null,
      file_link: null,
    });
    // One STATE per stream, per-stream shaped with sourceStats.
    expect(
      states(res.messages).map((s) => s.state.stream.stream_descriptor.name)
    ).toEqual(['extract_definitions', 'extract_jobs']);
  });

  test('incremental: finished jobs once each, state per definition, unfinished picked up when finished', async () => {
    const cat = catalog({extract_jobs: 'incremental'});
    const r1 = await read(sim, cat);
    expect(r1.code).toBe(0);
    expect(records(r1.messages).map((j) => j.id)).toEqual([
      'j1$pOld',
      'j3$xFailed',
      'j2$sA',
      'e1$p1',
    ]);
    const s1 = nextState(r1.messages);
    expect(s1).toHaveLength(1);
    expect(s1[0].stream.stream_state).toEqual({
      [SAE_DEF]: {cursor: '2024-01-13T18:30:50.000Z', ids_at_cursor: ['j2$sA']},
      [OTHER_DEF]: {
        cursor: '2024-01-10T00:01:00.000Z',
        ids_at_cursor: ['e1$p1'],
      },
    });
    expect(
      states(r1.messages).every(
        (s) => typeof s.state.sourceStats.recordCount === 'number'
      )
    ).toBe(true);

    // Nothing new: nothing emitted, state unchanged.
    const r2 = await read(sim, cat, s1);
    expect(records(r2.messages)).toEqual([]);
    expect(nextState(r2.messages)).toEqual(s1);

    // A job finishing at exactly the cursor time, and a later one: each once.
    sim.addJob(SAE_DEF, {
      id: 'j5$same',
      status: 'Completed',
      start_time: '2024-01-13T18:30:03Z',
      stop_time: T2,
    });
    sim.addJob(SAE_DEF, {
      id: 'j6$later',
      status: 'Completed',
      start_time: '2024-01-14T00:00:00Z',
      stop_time: '2024-01-14T00:00:09Z',
    });
    const r3 = await read(sim, cat, s1);
    expect(records(r3.messages).map((j) => j.id)).toEqual([
      'j5$same',
      'j6$later',
    ]);
    const s3 = nextState(r3.messages);
    const r4 = await read(sim, cat, s3);
    expect(records(r4.messages)).toEqual([]);
  });

  test('equal stop times on either side of a sync: the second job is emitted once', async () => {
    const cat = catalog({extract_jobs: 'incremental'});
    const r1 = await read(sim, cat, undefined, {
      definitions: ['Standard Accounting Extract'],
    });
    const s1 = nextState(r1.messages);
    sim.addJob(SAE_DEF, {
      id: 'j7$twin',
      status: 'Completed',
      start_time: '2024-01-13T18:30:01Z',
      stop_time: T2,
    });
    const r2 = await read(sim, cat, s1, {
      definitions: ['Standard Accounting Extract'],
    });
    expect(records(r2.messages).map((j) => j.id)).toEqual(['j7$twin']);
    expect(
      nextState(r2.messages)[0].stream.stream_state[
        SAE_DEF
      ].ids_at_cursor.sort()
    ).toEqual(['j2$sA', 'j7$twin']);
  });

  test('a job still running is emitted when it has finished', async () => {
    const cat = catalog({extract_jobs: 'incremental'});
    const r1 = await read(sim, cat);
    expect(records(r1.messages).map((j) => j.id)).not.toContain('j8$soon');
    const added = Date.now();
    sim.addJob(SAE_DEF, {
      id: 'j8$soon',
      status: 'Running',
      start_time: '2024-01-15T00:00:00Z',
      running_ms: 4000,
    });
    const r2 = await read(sim, cat, nextState(r1.messages));
    expect(records(r2.messages).map((j) => j.id)).toEqual([]);
    await new Promise((r) =>
      setTimeout(r, Math.max(0, added + 4200 - Date.now()))
    );
    const r3 = await read(sim, cat, nextState(r2.messages));
    expect(records(r3.messages).map((j) => [j.id, j.status])).toEqual([
      ['j8$soon', 'Completed'],
    ]);
  });

  test('start_date bounds the first sync; definitions filter by name or id', async () => {
    const res = await read(
      sim,
      catalog({extract_jobs: 'incremental'}),
      undefined,
      {
        start_date: '2024-01-13T00:00:00Z',
        definitions: [SAE_DEF],
      }
    );
    expect(records(res.messages).map((j) => j.id)).toEqual([
      'j3$xFailed',
      'j2$sA',
    ]);
  });

  test('legacy state object is accepted', async () => {
    const legacy = {
      extract_jobs: {[SAE_DEF]: {cursor: T2, ids_at_cursor: ['j2$sA']}},
    };
    const res = await read(
      sim,
      catalog({extract_jobs: 'incremental'}),
      legacy,
      {definitions: [SAE_DEF]}
    );
    expect(records(res.messages)).toEqual([]);
  });
});

describe('read: auth refresh, retries and failure', () => {
  let sim: SimulatorHandle;
  afterEach(() => sim.close());

  test.each([401, 403] as const)(
    'an access token rejected with %i is refreshed once and the call retried',
    async (status) => {
      sim = await startSimulator({
        ...scenario(),
        credentials: {...scenario().credentials, expired_status: status},
        faults: {expire_token_every: 3},
      });
      const res = await read(
        sim,
        catalog({
          extract_definitions: 'full_refresh',
          extract_jobs: 'full_refresh',
        })
      );
      expect(res.code).toBe(0);
      expect(records(res.messages, 'extract_jobs')).toHaveLength(5);
      const tokenCalls = sim.requests.filter((r) =>
        r.path.startsWith('/oauth2/v0/token')
      );
      expect(tokenCalls.length).toBeGreaterThan(1);
      expect(sim.requests.some((r) => r.status === status)).toBe(true);
    }
  );

  test('429 and 5xx are retried with backoff; the result is the clean one', async () => {
    sim = await startSimulator({
      ...scenario(),
      faults: {
        seed: 3,
        rate_429: 0.25,
        rate_500: 0.1,
        rate_503: 0.1,
        retry_after_seconds: 0,
      },
    });
    const res = await runFaulty(sim);
    expect(res.code).toBe(0);
    // The same jobs a clean read lists (see the full refresh test above).
    expect(
      records(res.messages, 'extract_jobs')
        .map((j) => `${j.id} ${j.status}`)
        .sort()
    ).toEqual([
      'e1$p1 Completed',
      'j1$pOld Completed',
      'j2$sA Completed',
      'j3$xFailed Failed',
      'j4$pRunning Running',
    ]);
    expect(records(res.messages, 'extract_definitions')).toHaveLength(2);
    expect(sim.requests.filter((r) => r.fault).length).toBeGreaterThan(0);
    const logs = byType(res.messages, 'LOG').map((m) => m.log.message);
    expect(logs.some((l) => /retrying in/.test(l))).toBe(true);
    expect(errorTraces(res.messages)).toEqual([]);
  });

  test('403 on every call: a TRACE config_error, exit 1, after nothing was emitted', async () => {
    sim = await startSimulator({
      ...scenario(),
      faults: {forbidden_always: true},
    });
    const res = await read(
      sim,
      catalog({
        extract_definitions: 'full_refresh',
        extract_jobs: 'incremental',
      })
    );
    expect(res.code).toBe(1);
    const traces = errorTraces(res.messages);
    expect(traces).toHaveLength(1);
    expect(traces[0].failure_type).toBe('config_error');
    expect(errorCodes(res.messages)).toEqual(['AUTH_FORBIDDEN']);
    expect(records(res.messages)).toEqual([]);
  });

  test('an unknown stream in the catalog: TRACE error and non-zero exit', async () => {
    sim = await startSimulator(scenario());
    const cat = {
      streams: [
        {
          stream: {
            name: '__AIRBYTE__stream_that_does_not_exist',
            json_schema: {},
            supported_sync_modes: ['full_refresh'],
          },
          sync_mode: 'INVALID',
          destination_sync_mode: 'append',
        },
      ],
    };
    const res = await read(sim, cat);
    expect(res.code).not.toBe(0);
    const [error] = errorTraces(res.messages);
    // The feature: the message names the stream.
    expect(error.message).toMatch(/__AIRBYTE__stream_that_does_not_exist/);
    expect(error).toMatchObject({
      failure_type: 'config_error',
      stream_descriptor: {name: '__AIRBYTE__stream_that_does_not_exist'},
    });
    expect(errorCodes(res.messages)).toEqual(['STREAM_UNKNOWN']);
  });

  const runFaulty = (s: SimulatorHandle): Promise<CliResult> =>
    readSim(
      s,
      catalog({
        extract_definitions: 'full_refresh',
        extract_jobs: 'full_refresh',
      }),
      {
        env: {
          CONCUR_RETRY_BASE_DELAY_MS: '20',
          CONCUR_RETRY_MAX_DELAY_MS: '100',
        },
      }
    );
});
