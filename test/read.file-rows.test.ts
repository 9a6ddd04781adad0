import {
  byType,
  catalog,
  CliResult,
  errorCodes,
  errorTraces,
  nextState,
  records,
  states,
  streamStatuses,
} from './helpers/cli';
import {
  baseScenario,
  completedJob as job,
  OTHER_DEF,
  PRAE_DEF,
  readSim,
  SAE_DEF,
  Scenario,
  ScenarioJob,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';

const AMEX_DEF = 'gWikjBezeKqR$sLpbF9ElWP4Jkf7gKX5zf6A';

function scenario(): Scenario {
  return baseScenario([
    {
      id: SAE_DEF,
      name: 'Standard Accounting Extract',
      jobs: [
        job('sae$p1', 1, {sae_v3: {details: 12, seed: 1}}),
        job('sae$p2', 2, {
          zip: [
            {
              name: 'out/extract_CES_SAE_v3_p0606183nh9k_20240202060048.txt',
              file: {
                sae_v3: {details: 5, seed: 2, line_ending: 'crlf', bom: true},
              },
            },
            {
              name: 'out/nested/extract_CES_SAE_v3_p0606183nh9k_20240202060049.txt',
              file: {
                sae_v3: {
                  details: 3,
                  seed: 3,
                  quoted_pipes: true,
                  doubled_quotes: true,
                  stray_quotes: true,
                  utf8: true,
                },
              },
            },
          ],
          content_type: 'text/csv',
        }),
      ],
    },
    {
      id: PRAE_DEF,
      name: 'Payment Request Accounting Extract',
      jobs: [job('prae$p1', 3, {prae: {details: 4, seed: 4}})],
    },
    {
      id: AMEX_DEF,
      name: 'AMEX Remittance - US',
      jobs: [
        job('amex$p1', 4, {
          text: 'HDR|AMEX|2\nREM|1|a "quoted" word\nREM|2|"x|y"\n',
        }),
      ],
    },
  ]);
}

const read = (
  sim: SimulatorHandle,
  mode: 'full_refresh' | 'incremental',
  state?: unknown,
  config: object = {},
  env: Record<string, string> = {}
): Promise<CliResult> =>
  readSim(sim, catalog({extract_file_rows: mode}), {state, config, env});

describe('extract_file_rows through bin/main', () => {
  let sim: SimulatorHandle;
  afterEach(() => sim?.close());

  test('full refresh: every line of every file, text and ZIP, typed where the layout is known', async () => {
    sim = await startSimulator(scenario());
    const res = await read(sim, 'full_refresh');
    expect(res.code).toBe(0);
    const rows = records(res.messages);
    const perFile = new Map<string, number>();
    for (const r of rows)
      perFile.set(
        `${r.job_id} ${r.file_name}`,
        (perFile.get(`${r.job_id} ${r.file_name}`) ?? 0) + 1
      );
    expect([...perFile]).toEqual([
      ['sae$p1 sae$p1.txt', 13],
      ['sae$p2 out/extract_CES_SAE_v3_p0606183nh9k_20240202060048.txt', 6],
      [
        'sae$p2 out/nested/extract_CES_SAE_v3_p0606183nh9k_20240202060049.txt',
        4,
      ],
      ['prae$p1 prae$p1.txt', 5],
      ['amex$p1 amex$p1.txt', 3],
    ]);
    const header = rows[0];
    expect(header).toMatchObject({
      definition_id: SAE_DEF,
      definition_name: 'Standard Accounting Extract',
      job_id: 'sae$p1',
      job_stop_time: '2024-02-01T06:00:48.000Z',
      line_number: 1,
      record_type: 'EXTRACT',
      layout: 'sae_v3',
      record_count: 12,
      batch_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    const detail = rows[1];
    expect(detail.values).toHaveLength(400);
    expect(detail).toMatchObject({
      record_type: 'DETAIL',
      layout: 'sae_v3',
      sequence_number: 1,
      line_number: 2,
    });
    expect(typeof detail.journal_amount).toBe('number');
    expect(detail.journal_amount).toBe(Number(detail.values[168]));
    expect(Object.values(detail).includes(null)).toBe(false); // empty fields are omitted
    // Quoted pipes, doubled quotes, UTF-8: lossless values, 400 of them.
    const tricky = rows.filter(
      (r) => r.file_name.includes('nested') && r.record_type === 'DETAIL'
    );
    expect(tricky.every((r) => r.values.length === 400)).toBe(true);
    expect(
      tricky.some((r) => r.values.some((v: string) => v.includes('|')))
    ).toBe(true);
    // Unknown layout: values and record_type only.
    const amex = rows.filter((r) => r.job_id === 'amex$p1');
    expect(amex.map((r) => [r.record_type, r.layout, r.values])).toEqual([
      ['HDR', null, ['HDR', 'AMEX', '2']],
      ['REM', null, ['REM', '1', 'a "quoted" word']],
      ['REM', null, ['REM', '2', 'x|y']],
    ]);
    expect(rows.filter((r) => r.layout === 'prae')).toHaveLength(5);
  });

  test('incremental: a checkpoint after each job, oldest first; the next sync reads nothing', async () => {
    sim = await startSimulator(scenario());
    const r1 = await read(sim, 'incremental');
    expect(r1.code).toBe(0);
    // Between the two SAE jobs' rows there is a checkpoint naming the first job.
    const seq = r1.messages
      .filter((m) => m.type === 'RECORD' || m.type === 'STATE')
      .map((m) =>
        m.type === 'RECORD'
          ? `R:${m.record.data.job_id}`
          : `S:${JSON.stringify(m.state.stream.stream_state[SAE_DEF]?.ids_at_cursor ?? [])}`
      );
    const collapsed = seq.filter((x, i) => x !== seq[i - 1]);
    expect(collapsed.slice(0, 4)).toEqual([
      'R:sae$p1',
      'S:["sae$p1"]',
      'R:sae$p2',
      'S:["sae$p2"]',
    ]);
    const cps = states(r1.messages);
    expect(cps[0].state.sourceStats.recordCount).toBe(13);
    expect(cps[1].state.sourceStats.recordCount).toBe(10);
    const r2 = await read(sim, 'incremental', nextState(r1.messages));
    expect(records(r2.messages)).toEqual([]);
    expect(nextState(r2.messages)).toEqual(nextState(r1.messages));
  });

  test('CRLF/BOM/LF variants of the same file give the same values', async () => {
    const variant = (id: string, day: number, v: object): ScenarioJob =>
      job(id, day, {sae_v3: {details: 6, seed: 9, ...v}});
    sim = await startSimulator(
      baseScenario([
        {
          id: SAE_DEF,
          name: 'SAE',
          jobs: [
            variant('v$lf', 1, {}),
            variant('v$crlf', 2, {line_ending: 'crlf'}),
            variant('v$bom', 3, {
              bom: true,
              line_ending: 'crlf',
              final_newline: false,
            }),
          ],
        },
      ])
    );
    const rows = records((await read(sim, 'full_refresh')).messages);
    const byJob = (id: string) =>
      rows.filter((r) => r.job_id === id).map((r) => r.values);
    expect(byJob('v$lf')).toHaveLength(7);
    expect(byJob('v$crlf')).toEqual(byJob('v$lf'));
    expect(byJob('v$bom')).toEqual(byJob('v$lf'));
  });

  test('a header total that does not match: error naming job, file and figures; state stays before the job; other definitions synced', async () => {
    const sc = scenario();
    sc.definitions[0].jobs!.push(
      job('sae$bad', 5, {sae_v3: {details: 4, seed: 5, bad_header_total: true}})
    );
    sc.definitions[0].jobs!.push(
      job('sae$after', 6, {sae_v3: {details: 2, seed: 6}})
    );
    sim = await startSimulator(sc);
    const res = await read(sim, 'incremental');
    expect(res.code).toBe(1);
    const [trace] = errorTraces(res.messages);
    // Only the Concur side can fix the file: a config_error, naming the option that skips it.
    expect(trace.failure_type).toBe('config_error');
    expect(trace.stream_descriptor).toEqual({name: 'extract_file_rows'});
    expect(errorCodes(res.messages)).toEqual(['SAE_TOTAL_MISMATCH']);
    // The feature: it names definition, job and file, both figures and the option.
    expect(trace.message).toMatch(
      /definition "Standard Accounting Extract", job sae\$bad, file sae\$bad\.txt/
    );
    expect(trace.message).toMatch(/\d+\.\d{4}.*\d+\.\d{4}/);
    expect(trace.message).toMatch(/invalid_file_handling/);
    // Verified before emitted: not one row of the refused file.
    expect(records(res.messages).some((r) => r.job_id === 'sae$bad')).toBe(
      false
    );
    const state = nextState(res.messages)[0].stream.stream_state;
    expect(state[SAE_DEF]).toEqual({
      cursor: '2024-02-02T06:00:48.000Z',
      ids_at_cursor: ['sae$p2'],
    });
    expect(state[PRAE_DEF].ids_at_cursor).toEqual(['prae$p1']);
    expect(state[AMEX_DEF].ids_at_cursor).toEqual(['amex$p1']);
    expect(records(res.messages).some((r) => r.job_id === 'sae$after')).toBe(
      false
    );
    // The stream's error comes after its last STATE, then its INCOMPLETE status.
    const kinds = res.messages.map((m) => m.trace?.type ?? m.type);
    expect(kinds.lastIndexOf('ERROR')).toBeGreaterThan(
      kinds.lastIndexOf('STATE')
    );
    expect(streamStatuses(res.messages).extract_file_rows).toEqual([
      'STARTED',
      'RUNNING',
      'INCOMPLETE',
    ]);
  });

  test('an unparseable quote stops the job with its job, file and line', async () => {
    sim = await startSimulator(
      baseScenario([
        {
          id: OTHER_DEF,
          name: 'Cornell',
          jobs: [
            job('bad$q', 1, {
              sample: 'cornell_extract_CES_SAE_v3_testBadQuoteFile.txt',
            }),
          ],
        },
      ])
    );
    const res = await read(sim, 'incremental');
    expect(res.code).toBe(1);
    const msg = errorTraces(res.messages)[0].message;
    expect(msg).toMatch(
      /definition "Cornell", job bad\$q, file bad\$q\.txt, line \d+/
    );
    expect(nextState(res.messages)[0].stream.stream_state).toEqual({});
  });

  test('a body cut short is retried, not parsed', async () => {
    sim = await startSimulator({
      ...scenario(),
      faults: {seed: 1, reset_mid_body: 1, only_paths: '/file$', max_faults: 2},
    });
    const res = await read(
      sim,
      'full_refresh',
      undefined,
      {},
      {CONCUR_RETRY_BASE_DELAY_MS: '10'}
    );
    expect(res.code).toBe(0);
    expect(sim.requests.filter((r) => r.fault).length).toBe(2);
    expect(records(res.messages)).toHaveLength(31);
  });

  test('a full 100-job list whose oldest job finished after the cursor: a loud data-gap warning', async () => {
    const jobs: ScenarioJob[] = [];
    for (let i = 0; i < 105; i++) {
      const t = new Date(Date.UTC(2024, 3, 1, 0, i)).toISOString();
      jobs.push({
        id: `many$${i}`,
        status: 'Completed',
        start_time: t,
        stop_time: t,
        file: {text: `X|${i}\n`},
      });
    }
    sim = await startSimulator(
      baseScenario([{id: SAE_DEF, name: 'Busy Extract', jobs}])
    );
    const state = [
      {
        type: 'STREAM',
        stream: {
          stream_descriptor: {name: 'extract_file_rows'},
          stream_state: {
            [SAE_DEF]: {
              cursor: '2024-03-31T22:00:00.000Z',
              ids_at_cursor: ['gone$1'],
            },
          },
        },
      },
    ];
    const res = await read(sim, 'incremental', state);
    expect(res.code).toBe(0);
    const warnings = byType(res.messages, 'LOG').filter(
      (m) => m.log.level === 'WARN'
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0].log.message).toMatch(
      /POSSIBLE DATA GAP in definition "Busy Extract" .*oldest listed job finished at 2024-04-01T00:05:00.000Z, 2\.1 hours after the last synced job \(2024-03-31T22:00:00.000Z\)/
    );
    expect(records(res.messages)).toHaveLength(100);
    // No warning when the cursor is inside the listed window.
    const inside = await read(sim, 'incremental', nextState(res.messages));
    expect(
      byType(inside.messages, 'LOG').filter((m) => m.log.level === 'WARN')
    ).toEqual([]);
  });

  test('a long download logs its progress (definition, job, bytes, elapsed)', async () => {
    sim = await startSimulator(
      baseScenario([
        {
          id: SAE_DEF,
          name: 'Big Extract',
          jobs: [job('big$p1', 1, {sae_v3: {details: 20000, seed: 3}})],
        },
      ])
    );
    // A 5 ms interval instead of 30 s, so that a ~20 MB download (~75 ms here) spans several.
    const res = await read(
      sim,
      'full_refresh',
      undefined,
      {},
      {CONCUR_PROGRESS_INTERVAL_MS: '5'}
    );
    expect(res.code).toBe(0);
    const progress = byType(res.messages, 'LOG')
      .map((m) => m.log.message)
      .filter((m: string) => /downloading/.test(m));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatch(
      /^Definition "Big Extract", job big\$p1: downloading, [\d.]+ (B|KB|MB) read in \d+s$/
    );
    expect(records(res.messages)).toHaveLength(20001);
  });
});
