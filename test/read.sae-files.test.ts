/**
 * SAE files as Concur really sends them, through bin/main against the
 * simulator: SAE v2 (256 fields) under 4-field and bare headers, legacy
 * encodings, verify-before-emit, invalid_file_handling.
 */
import {
  catalog,
  CliResult,
  errorCodes,
  errorTraces,
  logs,
  nextState,
  records,
} from './helpers/cli';
import {
  baseScenario,
  completedJob as job,
  readSim,
  SAE_DEF,
  ScenarioJob,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';

const DEF_NAME = 'Standard Accounting Extract';

async function sync(
  jobs: ScenarioJob[],
  config: object = {},
  state?: unknown
): Promise<{res: CliResult; sim: SimulatorHandle}> {
  const sim = await startSimulator(
    baseScenario([{id: SAE_DEF, name: DEF_NAME, jobs}])
  );
  const res = await readSim(sim, catalog({extract_file_rows: 'incremental'}), {
    config,
    state,
  });
  return {res, sim};
}

describe('SAE files at every width and header, verified before emitted', () => {
  let sim: SimulatorHandle | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  test('256-field DETAIL lines under a 4-field header: layout sae_v2, typed like sae_v3 columns 1–256', async () => {
    const out = await sync([
      job('v2$a', 1, {
        sae_v3: {
          details: 40,
          seed: 11,
          fields: 256,
          header: 'v2',
          company_cards: true,
          quoted_pipes: true,
        },
      }),
    ]);
    sim = out.sim;
    expect(out.res.code).toBe(0);
    const rows = records(out.res.messages);
    expect(rows).toHaveLength(41);
    const [header, ...details] = rows;
    expect(header).toMatchObject({
      layout: 'sae_v2',
      record_type: 'EXTRACT',
      record_count: 40,
      batch_date: '2024-01-13',
      journal_amount_total: expect.any(Number),
    });
    expect(header.values).toHaveLength(4);
    expect(header).not.toHaveProperty('batch_id');
    for (const d of details) {
      expect(d.layout).toBe('sae_v2');
      expect(d.values).toHaveLength(256);
      // Columns past 256 do not exist in v2.
      expect(d).not.toHaveProperty('employee_login_id');
      // Named and typed as in sae_v3: the signed journal amount, DR/CR, payment type.
      expect(d.journal_amount).toBe(Number(d.values[168]));
      expect(d.journal_debit_or_credit).toBe(d.values[167]);
      expect(d.sequence_number).toBe(Number(d.values[3]));
    }
    // Real-shaped lines: CR lines with negative amounts (cash advance applications), cash-advance rows.
    const cr = details.filter((d) => d.journal_debit_or_credit === 'CR');
    expect(cr.length).toBeGreaterThan(0);
    for (const d of cr) expect(d.journal_amount).toBeLessThan(0);
    expect(details.some((d) => d.cash_advance_key !== undefined)).toBe(true);
    // Masked card numbers stay text; the card amount is typed.
    const card = details.filter((d) => d.billed_credit_card_account_number);
    expect(card.length).toBeGreaterThan(0);
    for (const d of card) {
      expect(d.billed_credit_card_account_number).toMatch(/^X{12}\d{4}$/);
      expect(d.credit_card_transaction_amount).toBe(Number(d.values[136]));
    }
    // A field starting with a quote (a `|` inside): unquoted in values, as text in its column.
    const quoted = details.filter((d) => d.values[70].includes('|'));
    expect(quoted.length).toBeGreaterThan(0);
    for (const d of quoted) {
      expect(d.values).toHaveLength(256);
      expect(d.report_entry_vendor_description).toBe(d.values[70]);
    }
    const sum = details.reduce(
      (s, d) => s + Math.round(d.journal_amount * 10000),
      0
    );
    expect(Math.round(header.journal_amount_total * 10000)).toBe(sum);
  });

  test('a bare EXTRACT header: synced unverified, with a WARN naming definition, job and file', async () => {
    const out = await sync([
      job('v2$bare', 1, {
        sae_v3: {
          details: 6,
          seed: 12,
          fields: 256,
          header: 'bare',
          quoted_pipes: true,
          doubled_quotes: true,
        },
      }),
    ]);
    sim = out.sim;
    expect(out.res.code).toBe(0);
    const rows = records(out.res.messages);
    expect(rows[0]).toMatchObject({
      layout: 'sae_v2',
      record_type: 'EXTRACT',
      values: ['EXTRACT'],
    });
    expect(rows).toHaveLength(1 + 6); // the header and every DETAIL line
    expect(rows.slice(1).every((r) => r.layout === 'sae_v2')).toBe(true);
    expect(logs(out.res.messages, 'WARN')).toEqual([
      expect.stringMatching(
        /^Definition "Standard Accounting Extract", job v2\$bare, file v2\$bare\.txt: .*cannot be verified/
      ),
    ]);
  });

  test.each([
    [
      '4-field header, total one cent off',
      {header: 'v2', header_total_off_by: 0.01},
      'SAE_TOTAL_MISMATCH',
    ],
    [
      '4-field header, count off by one',
      {header: 'v2', bad_header_count: true},
      'SAE_COUNT_MISMATCH',
    ],
    [
      '5-field header, total one cent off',
      {header: 'v3', header_total_off_by: 0.01},
      'SAE_TOTAL_MISMATCH',
    ],
    [
      '5-field header, count off by one',
      {header: 'v3', bad_header_count: true},
      'SAE_COUNT_MISMATCH',
    ],
  ] as const)(
    '%s: 0 rows of the job, config_error naming the option, state before the job',
    async (_name, bad, code) => {
      const fields = bad.header === 'v2' ? 256 : 400;
      const out = await sync([
        job('ok$1', 1, {
          sae_v3: {details: 3, seed: 1, fields, header: bad.header},
        }),
        job('bad$2', 2, {sae_v3: {details: 30, seed: 2, fields, ...bad}}),
        job('ok$3', 3, {
          sae_v3: {details: 3, seed: 3, fields, header: bad.header},
        }),
      ]);
      sim = out.sim;
      expect(out.res.code).toBe(1);
      const rows = records(out.res.messages);
      expect(rows.filter((r) => r.job_id === 'bad$2')).toEqual([]);
      expect(rows.filter((r) => r.job_id === 'ok$3')).toEqual([]);
      expect(rows.filter((r) => r.job_id === 'ok$1')).toHaveLength(4);
      const trace = errorTraces(out.res.messages)[0];
      expect(trace.failure_type).toBe('config_error');
      expect(errorCodes(out.res.messages)).toEqual([code]);
      // The feature: it names definition, job, file and line, and the option that skips it.
      expect(trace.message).toMatch(
        /^definition "Standard Accounting Extract", job bad\$2, file bad\$2\.txt, line 1: /
      );
      expect(trace.message).toMatch(/invalid_file_handling/);
      const state = nextState(out.res.messages)[0].stream.stream_state;
      expect(state[SAE_DEF].ids_at_cursor).toEqual(['ok$1']);
    }
  );

  test('mixed widths: the error names the file, the line and both widths; no row emitted', async () => {
    const out = await sync([
      job('mix$1', 1, {
        sae_v3: {
          details: 5,
          seed: 4,
          fields: 256,
          header: 'v2',
          mixed_width_at: 3,
        },
      }),
    ]);
    sim = out.sim;
    expect(out.res.code).toBe(1);
    expect(records(out.res.messages)).toEqual([]);
    const trace = errorTraces(out.res.messages)[0];
    expect(errorCodes(out.res.messages)).toEqual(['FILE_WIDTH_MISMATCH']);
    // The feature: it names the file, the line and both widths.
    expect(trace.message).toMatch(
      /file mix\$1\.txt, line 4: DETAIL line has 400 fields, SAE v2 DETAIL lines have 256; the file's first DETAIL line \(line 2\) has 256/
    );
  });

  const zipJob = (id: string, day: number) =>
    job(id, day, {
      zip: [
        {name: 'good.txt', file: {sae_v3: {details: 4, seed: 5}}},
        {
          name: 'bad.txt',
          file: {sae_v3: {details: 4, seed: 6, header_total_off_by: 0.01}},
        },
      ],
    });

  test('a ZIP with one good and one bad entry, fail: no row of the job', async () => {
    const out = await sync([zipJob('zip$1', 1)]);
    sim = out.sim;
    expect(out.res.code).toBe(1);
    expect(records(out.res.messages)).toEqual([]);
    const trace = errorTraces(out.res.messages)[0];
    expect(errorCodes(out.res.messages)).toEqual(['SAE_TOTAL_MISMATCH']);
    // The feature: it names the entry of the ZIP, not only the job.
    expect(trace.message).toMatch(/job zip\$1, file bad\.txt, line 1/);
  });

  test('skip: the bad entry is withheld with a WARN, the good one synced, the cursor moves on; the next sync does not re-read the job', async () => {
    const config = {invalid_file_handling: 'skip'};
    const out = await sync(
      [zipJob('zip$1', 1), job('after$2', 2, {sae_v3: {details: 2, seed: 7}})],
      config
    );
    sim = out.sim;
    expect(errorTraces(out.res.messages)).toEqual([]);
    expect(out.res.code).toBe(0);
    const rows = records(out.res.messages);
    expect([...new Set(rows.map((r) => `${r.job_id} ${r.file_name}`))]).toEqual(
      ['zip$1 good.txt', 'after$2 after$2.txt']
    );
    expect(logs(out.res.messages, 'WARN')).toEqual([
      expect.stringMatching(
        /job zip\$1: file bad\.txt skipped \(invalid_file_handling is "skip"\), its rows withheld: .*header says 4 records/
      ),
    ]);
    const state = nextState(out.res.messages)[0].stream.stream_state;
    expect(state[SAE_DEF].ids_at_cursor).toEqual(['after$2']);
    // A later sync from that state reads nothing again.
    const again = await readSim(
      sim,
      catalog({extract_file_rows: 'incremental'}),
      {config, state: nextState(out.res.messages)}
    );
    expect(again.code).toBe(0);
    expect(records(again.messages)).toEqual([]);
    const downloads = sim.requests.filter((r) => r.path.endsWith('/file'));
    expect(downloads.filter((r) => r.path.includes('zip$1'))).toHaveLength(1);
  });

  test.each([
    ['windows-1252', 'Café – €12 “Müller” Š œ Ÿ ‰ … ™'],
    ['iso-8859-1', 'Café Müller ½ © ß ø ÿ'],
  ] as const)('file_encoding %s: decoded exactly', async (encoding, text) => {
    const out = await sync(
      [
        job('enc$1', 1, {
          sae_v3: {
            details: 3,
            seed: 8,
            description: text,
            encoding: encoding === 'windows-1252' ? 'windows-1252' : 'latin1',
          },
        }),
      ],
      {file_encoding: encoding}
    );
    sim = out.sim;
    expect(out.res.code).toBe(0);
    const details = records(out.res.messages).slice(1);
    expect(details).toHaveLength(3);
    for (const d of details) expect(d.values[68]).toBe(text);
  });

  test('a Windows-1252 file read with the default utf-8: fails naming the file, the line and file_encoding', async () => {
    const out = await sync([
      job('enc$2', 1, {
        sae_v3: {
          details: 3,
          seed: 8,
          description: 'Fee – 5',
          encoding: 'windows-1252',
        },
      }),
    ]);
    sim = out.sim;
    expect(out.res.code).toBe(1);
    expect(records(out.res.messages)).toEqual([]);
    const trace = errorTraces(out.res.messages)[0];
    expect(trace.failure_type).toBe('config_error');
    expect(errorCodes(out.res.messages)).toEqual(['FILE_ENCODING_INVALID']);
    // The feature: it names file and line, and the option to set.
    expect(trace.message).toMatch(/file enc\$2\.txt, line 2: .*file_encoding/);
  });
});
