import {buildPraeFile} from 'concur-extract-simulator';
import {buildSaeFile} from 'concur-extract-simulator';
import {createHash} from 'crypto';

import {catalog, errorCodes, nextState, records, states} from './helpers/cli';
import {
  baseScenario,
  completedJob as job,
  OTHER_DEF,
  PRAE_DEF,
  readSim,
  SAE_DEF,
  Scenario,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';

/**
 * sae_rows, prae_rows and the extract_files ledger beside extract_file_rows,
 * through bin/main against the simulator: the same lines, one download per
 * job, and a cursor of their own per stream.
 */

const FILE_STREAMS = [
  'extract_file_rows',
  'sae_rows',
  'prae_rows',
  'extract_files',
] as const;

const SAE_1 = {details: 12, seed: 1};
const SAE_ZIP_A = {
  details: 5,
  seed: 2,
  line_ending: 'crlf' as const,
  bom: true,
};
const SAE_ZIP_B = {
  details: 3,
  seed: 3,
  quoted_pipes: true,
  doubled_quotes: true,
  utf8: true,
};
const PRAE_1 = {details: 4, seed: 4};

function scenario(): Scenario {
  return baseScenario([
    {
      id: SAE_DEF,
      name: 'Standard Accounting Extract',
      jobs: [
        job('sae$1', 1, {sae_v3: SAE_1}),
        job('sae$2', 2, {
          zip: [
            {name: 'out/a.txt', file: {sae_v3: SAE_ZIP_A}},
            {name: 'out/b.txt', file: {sae_v3: SAE_ZIP_B}},
          ],
        }),
      ],
    },
    {
      id: PRAE_DEF,
      name: 'Payment Request Accounting Extract',
      jobs: [job('prae$1', 3, {prae: PRAE_1})],
    },
    {
      id: OTHER_DEF,
      name: 'AMEX Remittance - US',
      jobs: [job('amex$1', 4, {text: 'HDR|AMEX|1\nREM|1|x\n'})],
    },
  ]);
}

const sha256 = (b: Buffer): string =>
  createHash('sha256').update(b).digest('hex');

const fileRequests = (sim: SimulatorHandle): string[] =>
  sim.requests.filter((r) => r.path.endsWith('/file')).map((r) => r.path);

function readAll(
  sim: SimulatorHandle,
  streams: readonly string[],
  mode: 'incremental' | 'full_refresh' = 'incremental',
  opts: {state?: unknown; config?: object} = {}
) {
  return readSim(
    sim,
    catalog(Object.fromEntries(streams.map((s) => [s, mode]))),
    opts
  );
}

/** An extract_file_rows record as the per-layout streams write it: no record_type, no values. */
function asLayoutRow(r: any): any {
  const rest = {...r};
  delete rest.record_type;
  delete rest.values;
  return rest;
}

describe('sae_rows, prae_rows and extract_files (bin/main read)', () => {
  let sim: SimulatorHandle;
  afterEach(async () => sim?.close());

  test('all four streams: each job downloaded once; every DETAIL line once, typed as in extract_file_rows, no values', async () => {
    sim = await startSimulator(scenario());
    const res = await readAll(sim, FILE_STREAMS);
    expect(res.code).toBe(0);
    expect(fileRequests(sim)).toHaveLength(4); // four jobs, one download each

    const raw = records(res.messages, 'extract_file_rows');
    const sae = records(res.messages, 'sae_rows');
    const prae = records(res.messages, 'prae_rows');
    const saeDetails = raw.filter(
      (r) => r.layout === 'sae_v3' && r.record_type === 'DETAIL'
    );
    expect(saeDetails).toHaveLength(12 + 5 + 3);
    expect(sae).toEqual(saeDetails.map(asLayoutRow));
    expect(sae.every((r) => !('values' in r) && !('record_type' in r))).toBe(
      true
    );
    const praeDetails = raw.filter(
      (r) => r.layout === 'prae' && r.record_type.toUpperCase() === 'DETAIL'
    );
    expect(praeDetails).toHaveLength(4);
    expect(prae).toEqual(praeDetails.map(asLayoutRow));
    // The primary key is unique.
    const keys = sae.map((r) => `${r.job_id} ${r.file_name} ${r.line_number}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(sae[0]).toMatchObject({
      definition_id: SAE_DEF,
      job_id: 'sae$1',
      file_name: 'sae$1.txt',
      line_number: 2,
      layout: 'sae_v3',
      sequence_number: 1,
      journal_amount: expect.any(Number),
    });

    // Each stream checkpoints each definition it read.
    for (const s of FILE_STREAMS) {
      const last = nextState(res.messages).find(
        (st) => st.stream.stream_descriptor.name === s
      );
      expect(Object.keys(last.stream.stream_state).sort()).toEqual(
        [SAE_DEF, PRAE_DEF, OTHER_DEF].sort()
      );
    }
  });

  test('the ledger: one record per file with the sha256 of the served bytes, counts and totals', async () => {
    sim = await startSimulator(scenario());
    const res = await readAll(sim, ['extract_files'], 'full_refresh');
    expect(res.code).toBe(0);
    const ledger = records(res.messages, 'extract_files');
    expect(ledger.map((f) => `${f.job_id} ${f.file_name}`)).toEqual([
      'sae$1 sae$1.txt',
      'sae$2 out/a.txt',
      'sae$2 out/b.txt',
      'prae$1 prae$1.txt',
      'amex$1 amex$1.txt',
    ]);
    const served = [
      buildSaeFile(SAE_1),
      buildSaeFile(SAE_ZIP_A),
      buildSaeFile(SAE_ZIP_B),
      buildPraeFile(PRAE_1),
    ];
    served.forEach((file, i) => {
      expect(ledger[i].sha256).toBe(sha256(file.body));
      expect(ledger[i].size_bytes).toBe(file.body.length);
    });
    const first = buildSaeFile(SAE_1);
    const headerFields = first.body.toString('utf8').split('\n')[0].split('|');
    expect(ledger[0]).toEqual({
      definition_id: SAE_DEF,
      definition_name: 'Standard Accounting Extract',
      job_id: 'sae$1',
      job_stop_time: '2024-02-01T06:00:48.000Z',
      file_name: 'sae$1.txt',
      layout: 'sae_v3',
      size_bytes: first.body.length,
      sha256: sha256(first.body),
      line_count: 13,
      header_record_count: 12,
      header_journal_amount_total: Number(headerFields[3]),
      header_batch_id: Number(headerFields[4]),
      header_batch_date: headerFields[1],
      detail_line_count: 12,
      detail_journal_amount_total: Number(headerFields[3]),
      verification: 'verified',
      rows_emitted: true,
      error: null,
    });
    expect(ledger[3]).toMatchObject({
      layout: 'prae',
      line_count: 5,
      verification: 'unverifiable',
      rows_emitted: true,
    });
    expect(ledger[4]).toMatchObject({
      layout: null,
      line_count: 2,
      sha256: sha256(Buffer.from('HDR|AMEX|1\nREM|1|x\n')),
      header_record_count: null,
      detail_journal_amount_total: null,
      verification: 'unverifiable',
    });
  });

  test('a file that fails its check is in the ledger with rows_emitted false, and no row of its job is emitted', async () => {
    sim = await startSimulator(
      baseScenario([
        {
          id: SAE_DEF,
          name: 'SAE',
          jobs: [
            job('good$1', 1, {sae_v3: {details: 3, seed: 5}}),
            job('bad$2', 2, {
              zip: [
                {name: 'ok.txt', file: {sae_v3: {details: 2, seed: 6}}},
                {
                  name: 'off.txt',
                  file: {sae_v3: {details: 2, seed: 7, bad_header_total: true}},
                },
              ],
            }),
          ],
        },
      ])
    );
    const res = await readAll(sim, FILE_STREAMS);
    expect(res.code).not.toBe(0);
    for (const s of ['extract_file_rows', 'sae_rows']) {
      expect(
        records(res.messages, s).filter((r) => r.job_id === 'bad$2')
      ).toEqual([]);
    }
    expect(records(res.messages, 'sae_rows')).toHaveLength(3);
    const ledger = records(res.messages, 'extract_files');
    expect(
      ledger.map((f) => [f.file_name, f.verification, f.rows_emitted])
    ).toEqual([
      ['good$1.txt', 'verified', true],
      ['ok.txt', 'verified', false],
      ['off.txt', 'failed', false],
    ]);
    // The ledger's error is the described error (no code field): it names the entry.
    expect(ledger[2].error).toMatch(/off\.txt/);
    expect(new Set(errorCodes(res.messages))).toEqual(
      new Set(['SAE_TOTAL_MISMATCH'])
    );
    // The row streams stay before the failed job; the ledger, which recorded it, moves past it.
    const cursor = (s: string) =>
      nextState(res.messages).find(
        (st) => st.stream.stream_descriptor.name === s
      ).stream.stream_state[SAE_DEF].ids_at_cursor;
    expect(cursor('sae_rows')).toEqual(['good$1']);
    expect(cursor('extract_file_rows')).toEqual(['good$1']);
    expect(cursor('extract_files')).toEqual(['bad$2']);
  });

  test('SAE v2 files (256 fields, 4-field and bare headers) land in sae_rows with the v3 names, and in the ledger', async () => {
    const v2 = {
      details: 6,
      seed: 21,
      fields: 256 as const,
      header: 'v2' as const,
    };
    const bare = {
      details: 3,
      seed: 22,
      fields: 256 as const,
      header: 'bare' as const,
    };
    sim = await startSimulator(
      baseScenario([
        {
          id: SAE_DEF,
          name: 'SAE',
          jobs: [
            job('v2$1', 1, {sae_v3: v2}),
            job('bare$2', 2, {sae_v3: bare}),
          ],
        },
      ])
    );
    const res = await readAll(sim, FILE_STREAMS, 'full_refresh');
    expect(res.code).toBe(0);
    const raw = records(res.messages, 'extract_file_rows').filter(
      (r) => r.record_type === 'DETAIL'
    );
    const sae = records(res.messages, 'sae_rows');
    expect(sae).toHaveLength(9);
    expect(sae).toEqual(raw.map(asLayoutRow));
    expect(new Set(sae.map((r) => r.layout))).toEqual(new Set(['sae_v2']));
    expect(sae[0]).toMatchObject({
      journal_amount: expect.any(Number),
      journal_account_code: expect.any(String),
    });
    const ledger = records(res.messages, 'extract_files');
    expect(
      ledger.map((f) => [
        f.file_name,
        f.layout,
        f.verification,
        f.header_record_count,
        f.header_batch_id,
        f.detail_line_count,
        f.sha256,
      ])
    ).toEqual([
      [
        'v2$1.txt',
        'sae_v2',
        'verified',
        6,
        null,
        6,
        sha256(buildSaeFile(v2).body),
      ],
      [
        'bare$2.txt',
        'sae_v2',
        'unverifiable',
        null,
        null,
        3,
        sha256(buildSaeFile(bare).body),
      ],
    ]);
  });

  test('invalid_file_handling skip: the failed file is in the ledger, the others are emitted, every cursor moves on', async () => {
    sim = await startSimulator(
      baseScenario([
        {
          id: SAE_DEF,
          name: 'SAE',
          jobs: [
            job('mixed$1', 1, {
              zip: [
                {name: 'ok.txt', file: {sae_v3: {details: 2, seed: 6}}},
                {
                  name: 'off.txt',
                  file: {sae_v3: {details: 2, seed: 7, bad_header_count: true}},
                },
              ],
            }),
          ],
        },
      ])
    );
    const res = await readAll(sim, FILE_STREAMS, 'incremental', {
      config: {invalid_file_handling: 'skip'},
    });
    expect(res.code).toBe(0);
    expect([
      ...new Set(records(res.messages, 'sae_rows').map((r) => r.file_name)),
    ]).toEqual(['ok.txt']);
    const ledger = records(res.messages, 'extract_files');
    expect(
      ledger.map((f) => [f.file_name, f.verification, f.rows_emitted])
    ).toEqual([
      ['ok.txt', 'verified', true],
      ['off.txt', 'failed', false],
    ]);
    // The ledger's error (the described error) names the entry.
    expect(ledger[1].error).toMatch(/off\.txt/);
    for (const s of FILE_STREAMS) {
      expect(
        states(res.messages, s).at(-1).state.stream.stream_state[SAE_DEF]
          .ids_at_cursor
      ).toEqual(['mixed$1']);
    }
  });

  test('a stream added later starts from the beginning while the others continue from their cursors', async () => {
    sim = await startSimulator(
      baseScenario([
        {
          id: SAE_DEF,
          name: 'SAE',
          jobs: [job('j$1', 1, {sae_v3: {details: 2, seed: 1}})],
        },
      ])
    );
    const others = ['extract_file_rows', 'extract_files'];
    const r1 = await readAll(sim, others);
    sim.addJob(SAE_DEF, job('j$2', 2, {sae_v3: {details: 3, seed: 2}}));
    const r2 = await readAll(sim, others, 'incremental', {
      state: nextState(r1.messages),
    });
    expect(records(r2.messages, 'extract_file_rows')).toHaveLength(4);
    sim.addJob(SAE_DEF, job('j$3', 3, {sae_v3: {details: 4, seed: 3}}));
    const before = fileRequests(sim).length;
    expect(before).toBe(2);
    const r3 = await readAll(sim, ['sae_rows', ...others], 'incremental', {
      state: nextState(r2.messages),
    });
    expect(r3.code).toBe(0);
    // sae_rows reads all three jobs; the others only the new one; each job is downloaded once.
    expect([
      ...new Set(records(r3.messages, 'sae_rows').map((r) => r.job_id)),
    ]).toEqual(['j$1', 'j$2', 'j$3']);
    expect([
      ...new Set(
        records(r3.messages, 'extract_file_rows').map((r) => r.job_id)
      ),
    ]).toEqual(['j$3']);
    expect(records(r3.messages, 'extract_files').map((r) => r.job_id)).toEqual([
      'j$3',
    ]);
    expect(fileRequests(sim).length - before).toBe(3);
    for (const s of ['sae_rows', ...others]) {
      expect(
        states(r3.messages, s).at(-1).state.stream.stream_state[SAE_DEF]
      ).toEqual({cursor: '2024-02-03T06:00:48.000Z', ids_at_cursor: ['j$3']});
    }
  });
});
