/**
 * State as Airbyte handles it: every STATE a per-stream checkpoint whose
 * sourceStats.recordCount counts that stream's records since its previous
 * STATE; the latest per-stream states fed back as an array resume exactly; the
 * legacy object is still accepted; a far-future state gives no records; and
 * CAT's test_read_sequential_slices: re-reading from any intermediate
 * checkpoint gives exactly the records emitted after it.
 */
import {
  canonical,
  checkpoints,
  configFile,
  discoveredCatalog,
  latestStates,
  MODES,
  ofType,
  only,
  read,
  readTestFile,
  recordSet,
  recordsOf,
  Run,
  setDiff,
  startDemo,
  stateProblems,
  statesOf,
} from './helpers/conformance';
import {SimulatorHandle} from './helpers/sim';

const INCREMENTAL = ['extract_jobs', 'extract_file_rows'];

describe.each(MODES)('state (%s mode)', (_mode, env) => {
  let sim: SimulatorHandle;
  let config: object;
  let catalog: any;
  let first: Run;

  beforeAll(async () => {
    sim = await startDemo();
    config = configFile('config.json', sim);
    catalog = await discoveredCatalog(config, env);
    first = await read(config, catalog, env);
    expect(first.code).toBe(0);
  });
  afterAll(() => sim.close());

  test('every STATE is a per-stream checkpoint counting the records since the previous one', () => {
    expect(stateProblems(first)).toEqual([]);
    // Not vacuous: incremental streams checkpoint once per job, with counts.
    const rows = statesOf(first, 'extract_file_rows');
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.filter((s) => s.sourceStats.recordCount > 0).length).toBe(
      rows.length - 1
    );
    const total = statesOf(first).reduce(
      (n, s) => n + s.sourceStats.recordCount,
      0
    );
    expect(total).toBe(recordsOf(first).length);
  });

  test('the check itself catches a wrong count, a legacy state and records after the last STATE', () => {
    const tamper = (fn: (messages: any[]) => void): string[] => {
      const messages = JSON.parse(JSON.stringify(first.messages));
      fn(messages);
      return stateProblems({...first, messages});
    };
    expect(
      tamper((ms) => {
        ms.find((m: any) => m.type === 'STATE').state.sourceStats.recordCount++;
      })
    ).toEqual([expect.stringMatching(/recordCount/)]);
    expect(
      tamper((ms) => {
        const i = ms.findIndex((m: any) => m.type === 'STATE');
        ms[i] = {type: 'STATE', state: {type: 'LEGACY', data: {}}};
      })
    ).toEqual(expect.arrayContaining([expect.stringMatching(/LEGACY/)]));
    expect(
      tamper((ms) => {
        const lastRecord = ms.map((m: any) => m.type).lastIndexOf('RECORD');
        ms.splice(lastRecord + 1);
      })
    ).toEqual([
      // The file streams share each job's download; the ledger comes last.
      expect.stringMatching(
        /extract_files: \d+ record\(s\) after its last STATE/
      ),
    ]);
  });

  test('the latest per-stream states, passed back as an array, resume exactly (nothing new, same state)', async () => {
    const state = latestStates(first);
    expect(state.map((s) => s.stream.stream_descriptor.name).sort()).toEqual([
      'extract_definitions',
      'extract_file_rows',
      'extract_files',
      'extract_jobs',
      'prae_rows',
      'sae_rows',
    ]);
    const again = await read(config, catalog, env, state);
    expect(again.code).toBe(0);
    expect(stateProblems(again)).toEqual([]);
    // Full-refresh definitions come again; incremental streams bring nothing new.
    expect(recordsOf(again, 'extract_definitions')).toHaveLength(3);
    expect(recordsOf(again, 'extract_jobs')).toEqual([]);
    expect(recordsOf(again, 'extract_file_rows')).toEqual([]);
    const streamStates = (run: Run) =>
      latestStates(run).map((s) => canonical(s.stream));
    expect(streamStates(again)).toEqual(streamStates(first));
  });

  test('the legacy state object {stream: stream_state} is still accepted and resumes the same', async () => {
    const legacy = Object.fromEntries(
      latestStates(first).map((s) => [
        s.stream.stream_descriptor.name,
        s.stream.stream_state,
      ])
    );
    const run = await read(config, only(catalog, ...INCREMENTAL), env, legacy);
    expect(run.code).toBe(0);
    expect(recordsOf(run)).toEqual([]);
    expect(stateProblems(run)).toEqual([]);
    // A partial legacy state: only the jobs stream is resumed.
    const partial = await read(config, only(catalog, ...INCREMENTAL), env, {
      extract_jobs: legacy.extract_jobs,
    });
    expect(recordsOf(partial, 'extract_jobs')).toEqual([]);
    expect(recordSet(partial, 'extract_file_rows')).toEqual(
      recordSet(first, 'extract_file_rows')
    );
  });

  test('a far-future state (test_files/abnormal_state.json) gives no records, ≥1 STATE, and keeps its cursors', async () => {
    const future = readTestFile('abnormal_state.json');
    const run = await read(config, only(catalog, ...INCREMENTAL), env, future);
    expect(run.code).toBe(0);
    expect(recordsOf(run)).toEqual([]);
    expect(statesOf(run).length).toBeGreaterThanOrEqual(1);
    for (const s of latestStates(run)) {
      const cursors = Object.values<any>(s.stream.stream_state).map(
        (c) => c.cursor
      );
      expect(cursors.length).toBe(3);
      for (const c of cursors) expect(c).toMatch(/^2999-/);
    }
  });

  test.each(INCREMENTAL)(
    'sequential slices (%s): re-reading from each checkpoint gives exactly the records after it',
    async (stream) => {
      const cps = checkpoints(first, stream);
      const distinct = cps.filter(
        (cp, i) =>
          cps.findIndex(
            (o) => canonical(o.state.stream) === canonical(cp.state.stream)
          ) === i
      );
      // Several intermediate checkpoints (one per definition or job), and records between them.
      expect(distinct.length).toBeGreaterThanOrEqual(3);
      expect(distinct[0].after.length).toBeGreaterThan(0);
      for (const cp of distinct) {
        // The state input CAT builds (get_next_state_input): stream_state only.
        const input = [
          {
            type: 'STREAM',
            stream: {
              stream_descriptor: {name: stream},
              stream_state: cp.state.stream.stream_state,
            },
          },
        ];
        const run = await read(config, only(catalog, stream), env, input);
        expect(run.code).toBe(0);
        expect([cp.index, setDiff(recordSet(run, stream), cp.after)]).toEqual([
          cp.index,
          {missing: [], unexpected: []},
        ]);
        expect(recordSet(run, stream)).toHaveLength(cp.after.length);
      }
    }
  );
});

describe('state input that cannot be honoured', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startDemo();
  });
  afterAll(() => sim.close());

  // A user can edit a connection's state in Airbyte. A cursor that is not a
  // date-time must not make the definition's jobs look already synced (and
  // stay so: the bad cursor would be carried forward in every later STATE).
  test('a cursor that is not a date-time fails the read (config_error) or is not used to skip jobs', async () => {
    const sae = 'nYoPK$pZmcowMRUqcl5bnDAwwsMydyt$xd';
    const state = [
      {
        type: 'STREAM',
        stream: {
          stream_descriptor: {name: 'extract_jobs'},
          stream_state: {[sae]: {cursor: 'not a date', ids_at_cursor: []}},
        },
      },
    ];
    const catalog = only(
      readTestFile('incremental_configured_catalog.json'),
      'extract_jobs'
    );
    const run = await read(configFile('config.json', sim), catalog, {}, state);
    const errors = ofType(run, 'TRACE').filter((m) => m.trace.type === 'ERROR');
    if (run.code !== 0) {
      expect(errors.map((e) => e.trace.error.failure_type)).toEqual([
        'config_error',
      ]);
      expect(errors[0].trace.error.internal_message).toMatch(/^STATE_INVALID:/);
    } else {
      const saeJobs = recordsOf(run, 'extract_jobs').filter(
        (r) => r.data.definition_id === sae
      );
      // The demo's SAE definition has 6 finished jobs.
      expect(saeJobs.map((r) => r.data.id)).toHaveLength(6);
    }
  });
});
