import {
  byType,
  catalog,
  CliResult,
  errorCodes,
  errorTraces,
  nextState,
  records,
} from './helpers/cli';
import {
  baseScenario,
  OTHER_DEF,
  readSim,
  SAE_DEF,
  ScenarioJob,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';

const CAT = catalog({
  extract_jobs: 'incremental',
  extract_file_rows: 'incremental',
});
const done = (id: string): ScenarioJob => ({
  id,
  status: 'Completed',
  start_time: '2024-03-01T06:00:00Z',
  stop_time: '2024-03-01T06:00:30Z',
  file: {sae_v3: {details: 2, seed: 1}},
});

const sync = (
  sim: SimulatorHandle,
  config: object,
  state?: unknown,
  env: Record<string, string> = {}
): Promise<CliResult> =>
  readSim(sim, CAT, {
    state,
    config,
    env: {CONCUR_PROGRESS_INTERVAL_MS: '300', ...env},
  });

const posts = (sim: SimulatorHandle) =>
  sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/job'));
const logs = (messages: any[]) =>
  byType(messages, 'LOG').map((m) => m.log.message as string);
const errorOf = (messages: any[]) => errorTraces(messages)[0];

describe('start_new_jobs: start a job, wait for it, read it in the same sync', () => {
  let sim: SimulatorHandle;
  afterEach(() => sim.close());

  test('the new job is started, awaited, and its job and rows arrive in the same sync', async () => {
    sim = await startSimulator(
      baseScenario([
        {
          id: SAE_DEF,
          name: 'Standard Accounting Extract',
          new_jobs: {
            queued_ms: 300,
            running_ms: 900,
            file: {sae_v3: {details: 7, seed: 3}},
          },
          jobs: [done('old$p1')],
        },
      ])
    );
    const first = await sync(sim, {});
    const s1 = nextState(first.messages);
    const res = await sync(sim, {start_new_jobs: true}, s1);
    expect(res.code).toBe(0);
    expect(posts(sim)).toHaveLength(1);
    const jobs = records(res.messages, 'extract_jobs');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      status: 'Completed',
      definition_id: SAE_DEF,
    });
    const rows = records(res.messages, 'extract_file_rows');
    expect(rows).toHaveLength(8);
    expect(new Set(rows.map((r) => r.job_id))).toEqual(new Set([jobs[0].id]));
    expect(logs(res.messages).some((l) => /started job/.test(l))).toBe(true);
    // Progress while waiting: definition, job, status and elapsed time.
    expect(
      logs(res.messages).some((l) =>
        /waiting for job .* status (Queued|Running), \d+s elapsed/.test(l)
      )
    ).toBe(true);
  });

  test('409: a job already running is waited for and read instead of starting another', async () => {
    sim = await startSimulator(
      baseScenario([
        {
          id: SAE_DEF,
          name: 'Standard Accounting Extract',
          jobs: [
            {
              id: 'busy$pJob',
              status: 'Running',
              start_time: '2024-03-02T06:00:00Z',
              // Long enough to still run when the POST arrives on a loaded machine (1.5 s was not).
              running_ms: 5000,
              file: {sae_v3: {details: 3, seed: 4}},
            },
          ],
        },
      ])
    );
    const res = await sync(sim, {start_new_jobs: true});
    expect(res.code).toBe(0);
    expect(posts(sim).map((p) => p.status)).toEqual([409]);
    expect(records(res.messages, 'extract_jobs').map((j) => j.id)).toEqual([
      'busy$pJob',
    ]);
    expect(records(res.messages, 'extract_file_rows')).toHaveLength(4);
    expect(
      logs(res.messages).some((l) => /already running \(busy\$pJob\)/.test(l))
    ).toBe(true);
  });

  test('timeout: an error names the definition and job and says it may still finish; the next sync picks it up', async () => {
    sim = await startSimulator(
      baseScenario([
        {
          id: SAE_DEF,
          name: 'Standard Accounting Extract',
          new_jobs: {
            queued_ms: 100,
            running_ms: 600_000,
            file: {sae_v3: {details: 5, seed: 5}},
          },
        },
      ])
    );
    // The spec's shortest timeout is 1 minute: the operator knob shortens it to 1.8 s.
    const res = await sync(sim, {start_new_jobs: true}, undefined, {
      CONCUR_JOB_WAIT_TIMEOUT_MS: '1800',
    });
    expect(res.code).toBe(1);
    const err = errorOf(res.messages);
    expect(errorCodes(res.messages)).toContain('JOB_WAIT_TIMEOUT');
    // The feature: it names definition and job, and says the next sync picks it up.
    expect(err.message).toMatch(
      /^definition "Standard Accounting Extract", job \S+: /
    );
    expect(err.message).toMatch(/may still finish.*next sync will pick it up/);
    expect(records(res.messages, 'extract_file_rows')).toEqual([]);
    // The job finishes later; the next sync (without starting another) reads it.
    sim.advanceClock(700_000);
    const next = await sync(sim, {}, nextState(res.messages));
    expect(next.code).toBe(0);
    expect(records(next.messages, 'extract_file_rows')).toHaveLength(6);
    expect(posts(sim)).toHaveLength(1);
  });

  test('a job that ends Failed is an error naming it; the other definition is synced and saved', async () => {
    sim = await startSimulator(
      baseScenario([
        {
          id: SAE_DEF,
          name: 'Standard Accounting Extract',
          new_jobs: {queued_ms: 100, running_ms: 300, fail: true},
        },
        {
          id: OTHER_DEF,
          name: 'European Extract',
          new_jobs: {
            queued_ms: 100,
            running_ms: 300,
            file: {sae_v3: {details: 2, seed: 6}},
          },
        },
      ])
    );
    const res = await sync(sim, {start_new_jobs: true});
    expect(res.code).toBe(1);
    expect(errorCodes(res.messages)).toContain('JOB_FAILED');
    // The feature: the error names the definition and the job.
    expect(errorOf(res.messages).message).toMatch(
      /^definition "Standard Accounting Extract", job \S+: /
    );
    expect(
      records(res.messages, 'extract_file_rows').map((r) => r.definition_id)
    ).toEqual([OTHER_DEF, OTHER_DEF, OTHER_DEF]);
    const state = nextState(res.messages).find(
      (s) => s.stream.stream_descriptor.name === 'extract_file_rows'
    );
    expect(Object.keys(state.stream.stream_state)).toEqual([OTHER_DEF]);
    // The Failed job itself is a finished job: extract_jobs reports it.
    expect(
      records(res.messages, 'extract_jobs')
        .map((j) => j.status)
        .sort()
    ).toEqual(['Completed', 'Failed']);
  });

  test('off by default: a sync never sends a POST', async () => {
    sim = await startSimulator(
      baseScenario([
        {
          id: SAE_DEF,
          name: 'Standard Accounting Extract',
          new_jobs: {queued_ms: 10, running_ms: 10},
          jobs: [done('x$p1')],
        },
      ])
    );
    const res = await sync(sim, {});
    expect(res.code).toBe(0);
    expect(
      sim.requests.filter(
        (r) => r.method === 'POST' && !r.path.startsWith('/oauth2')
      )
    ).toEqual([]);
    expect(records(res.messages, 'extract_file_rows')).toHaveLength(3);
  });

  test('two definitions: both jobs are started before waiting on either', async () => {
    const slow = {
      queued_ms: 200,
      running_ms: 1200,
      file: {sae_v3: {details: 2, seed: 8}},
    };
    sim = await startSimulator(
      baseScenario([
        {id: SAE_DEF, name: 'Standard Accounting Extract', new_jobs: slow},
        {id: OTHER_DEF, name: 'European Extract', new_jobs: slow},
      ])
    );
    const res = await sync(sim, {start_new_jobs: true});
    expect(res.code).toBe(0);
    const reqs = sim.requests.filter((r) => !r.path.startsWith('/oauth2'));
    const postIdx = reqs
      .map((r, i) => (r.method === 'POST' ? i : -1))
      .filter((i) => i >= 0);
    const firstPoll = reqs.findIndex(
      (r) => r.method === 'GET' && /\/status$/.test(r.path)
    );
    expect(postIdx).toHaveLength(2);
    expect(postIdx[1]).toBeLessThan(firstPoll);
    expect(
      new Set(
        records(res.messages, 'extract_file_rows').map((r) => r.definition_id)
      )
    ).toEqual(new Set([SAE_DEF, OTHER_DEF]));
  });
});
