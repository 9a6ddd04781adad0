import {
  byType,
  catalog,
  errorCodes,
  errorTraces,
  nextState,
  records,
  streamStatuses,
} from './helpers/cli';
import {job} from './helpers/reliability';
import {
  baseScenario,
  OTHER_DEF,
  readSim,
  SAE_DEF,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';
import {streamStatusProblems} from './helpers/stream-status';

const ALL = catalog({
  extract_definitions: 'full_refresh',
  extract_jobs: 'incremental',
  extract_file_rows: 'incremental',
});
const FAST = {
  CONCUR_RETRY_BASE_DELAY_MS: '5',
  CONCUR_RETRY_MAX_DELAY_MS: '20',
  CONCUR_RETRY_AFTER_CAP_MS: '50',
};
const CLEAN = ['STARTED', 'RUNNING', 'COMPLETE'];

function scenario(badFile = false) {
  return baseScenario([
    {
      id: SAE_DEF,
      name: 'SAE',
      jobs: [
        job('sae$1', 1, {
          sae_v3: {details: 3, seed: 1, bad_header_total: badFile},
        }),
      ],
    },
    {
      id: OTHER_DEF,
      name: 'Other',
      jobs: [job('o$1', 2, {sae_v3: {details: 2, seed: 2}})],
    },
  ]);
}

/** STREAM_STATUS traces, as `stream STATUS` in output order. */
const statusLine = (messages: any[]): string[] =>
  byType(messages, 'TRACE')
    .filter((m) => m.trace.type === 'STREAM_STATUS')
    .map(
      (m) =>
        `${m.trace.stream_status.stream_descriptor.name} ${m.trace.stream_status.status}`
    );

describe('stream statuses and per-stream errors (bin/main read)', () => {
  let sim: SimulatorHandle | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  test('a clean sync: each stream STARTED, RUNNING with its first record, COMPLETE after its last state, one after the other', async () => {
    sim = await startSimulator(scenario());
    const res = await readSim(sim, ALL);
    expect(res.code).toBe(0);
    expect(streamStatuses(res.messages)).toEqual({
      extract_definitions: CLEAN,
      extract_jobs: CLEAN,
      extract_file_rows: CLEAN,
    });
    expect(statusLine(res.messages)).toEqual([
      'extract_definitions STARTED',
      'extract_definitions RUNNING',
      'extract_definitions COMPLETE',
      'extract_jobs STARTED',
      'extract_jobs RUNNING',
      'extract_jobs COMPLETE',
      'extract_file_rows STARTED',
      'extract_file_rows RUNNING',
      'extract_file_rows COMPLETE',
    ]);
    // COMPLETE follows the stream's last STATE.
    const i = res.messages.findIndex(
      (m) =>
        m.trace?.stream_status?.status === 'COMPLETE' &&
        m.trace.stream_status.stream_descriptor.name === 'extract_jobs'
    );
    const lastState = res.messages
      .slice(0, i)
      .reverse()
      .find((m) => m.type === 'STATE' || m.type === 'TRACE');
    expect(lastState.state.stream.stream_descriptor.name).toBe('extract_jobs');
    expect(errorTraces(res.messages)).toEqual([]);
  });

  test("a partial failure: one definition's file fails its checks; that stream INCOMPLETE with its own error, the others COMPLETE", async () => {
    sim = await startSimulator(scenario(true));
    const res = await readSim(sim, ALL);
    expect(res.code).toBe(1);
    expect(streamStatuses(res.messages)).toEqual({
      extract_definitions: CLEAN,
      extract_jobs: CLEAN,
      extract_file_rows: ['STARTED', 'RUNNING', 'INCOMPLETE'],
    });
    const errors = errorTraces(res.messages);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      failure_type: 'config_error',
      stream_descriptor: {name: 'extract_file_rows'},
    });
    expect(errorCodes(res.messages)).toEqual(['SAE_TOTAL_MISMATCH']);
    // The feature: the error names where (definition, job, file).
    expect(errors[0].message).toMatch(/^definition "SAE", job sae\$1, file/);
    // The other definition's rows are synced and checkpointed.
    expect(
      records(res.messages, 'extract_file_rows').some((r) => r.job_id === 'o$1')
    ).toBe(true);
    const fileState = nextState(res.messages).find(
      (s) => s.stream.stream_descriptor.name === 'extract_file_rows'
    );
    expect(Object.keys(fileState.stream.stream_state)).toEqual([OTHER_DEF]);
  });

  test('an unknown stream: the others sync and checkpoint; it gets INCOMPLETE and a config_error asking to refresh the schema; exit 1', async () => {
    sim = await startSimulator(scenario());
    const cat: any = catalog({extract_jobs: 'incremental'});
    cat.streams.push({
      stream: {
        name: 'expense_reports',
        json_schema: {},
        supported_sync_modes: ['full_refresh'],
      },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'overwrite',
    });
    const res = await readSim(sim, cat);
    expect(res.code).toBe(1);
    expect(streamStatuses(res.messages)).toEqual({
      expense_reports: ['INCOMPLETE'],
      extract_jobs: CLEAN,
    });
    expect(errorCodes(res.messages)).toEqual(['STREAM_UNKNOWN']);
    const [error] = errorTraces(res.messages);
    expect(error).toMatchObject({
      failure_type: 'config_error',
      stream_descriptor: {name: 'expense_reports'},
    });
    // The feature: the message says what to do.
    expect(error.message).toMatch(/refresh the source schema/);
    expect(records(res.messages, 'extract_jobs')).toHaveLength(2);
    expect(nextState(res.messages)).toHaveLength(1);
    expect(
      streamStatusProblems(res.messages, ['expense_reports', 'extract_jobs'])
    ).toEqual([]);
  });

  test('a 429 while a stream runs: RUNNING with RATE_LIMITED and quota_reset from Retry-After', async () => {
    sim = await startSimulator({
      ...scenario(),
      faults: {
        rate_429: 1,
        retry_after_seconds: 7,
        max_faults: 1,
        only_paths: '/job$',
      },
    });
    const before = Date.now();
    const res = await readSim(sim, catalog({extract_jobs: 'incremental'}), {
      env: FAST,
    });
    expect(res.code).toBe(0);
    expect(streamStatuses(res.messages).extract_jobs).toEqual([
      'STARTED',
      'RUNNING:RATE_LIMITED',
      'RUNNING',
      'COMPLETE',
    ]);
    const limited = byType(res.messages, 'TRACE').find(
      (m) => m.trace.stream_status?.reasons
    ).trace.stream_status.reasons[0];
    expect(limited.type).toBe('RATE_LIMITED');
    // Retry-After: 7 s from when Concur answered.
    expect(limited.rate_limited.quota_reset).toBeGreaterThanOrEqual(
      before + 7000
    );
    expect(limited.rate_limited.quota_reset).toBeLessThan(Date.now() + 7000);
  });

  test('credentials refused: one error of the whole sync (no stream), every stream INCOMPLETE', async () => {
    sim = await startSimulator(scenario());
    const res = await readSim(sim, ALL, {
      config: {
        credentials: {
          auth_type: 'oauth2_refresh_token',
          client_id: 'nope',
          client_secret: 'nope',
          refresh_token: 'nope',
        },
      },
    });
    expect(res.code).toBe(1);
    const errors = errorTraces(res.messages);
    expect(errors).toHaveLength(1);
    expect(errors[0].failure_type).toBe('config_error');
    expect(errors[0].stream_descriptor).toBeUndefined();
    expect(errorCodes(res.messages)).toEqual(['AUTH_INVALID_CLIENT']);
    expect(streamStatuses(res.messages)).toEqual({
      extract_definitions: ['INCOMPLETE'],
      extract_jobs: ['INCOMPLETE'],
      extract_file_rows: ['INCOMPLETE'],
    });
  });
});
