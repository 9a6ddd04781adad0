/**
 * Hostile input: every broken or malicious answer ends the sync with an
 * Airbyte TRACE error whose message says what was wrong and where (definition,
 * job, file, line as applicable), a non-zero exit, and state that does not
 * pass the bad job, while the other definitions are still synced and saved.
 */
import {Faults} from 'concur-extract-simulator';

import {errorCodes, records} from './helpers/cli';
import {
  escapeRegex,
  job,
  rowsByKey,
  startProxy,
  stopTime,
  streamStateOf,
  sync,
  SyncResult,
  traces,
  zipBombWithLyingHeaders,
  zipWithChangedByte,
} from './helpers/reliability';
import {
  baseScenario,
  configFor,
  FileSpec,
  Scenario,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';

const GOOD = {id: 'gOOd$pDef0000000000000000000000000', name: 'Good Extract'};
const goodDefinition = {
  ...GOOD,
  jobs: [job('good$p1', 1, {sae_v3: {details: 5, seed: 1}})],
};
const goodCursor = {cursor: stopTime(1), ids_at_cursor: ['good$p1']};

/** Every message, log and error of a run, for "never appears" checks. */
const everything = (res: SyncResult): string => res.stdout + res.stderr;

type FailureType = 'system_error' | 'config_error' | 'transient_error';
/**
 * TRACE errors of one failure type (each stream that failed has its own), a
 * non-zero exit; returns the first message.
 */
function expectFailure(
  res: SyncResult,
  failureType: FailureType = 'system_error'
): string {
  expect(res.code).not.toBe(0);
  const t = traces(res.messages);
  expect(t.length).toBeGreaterThan(0);
  expect(new Set(t.map((e) => e.failure_type))).toEqual(new Set([failureType]));
  // The errors come after the state of whatever completed: the last STATE precedes the last error.
  const kinds = res.messages.map((m) => m.trace?.type ?? m.type);
  expect(kinds.lastIndexOf('ERROR')).toBeGreaterThan(
    kinds.lastIndexOf('STATE')
  );
  return t[0].message as string;
}

// ---- extract files: one simulator, one definition per hostile file

interface FileCase {
  name: string;
  file: FileSpec;
  /** Where: file name and line (when the error has one). */
  where: (bad: string) => RegExp;
  /** What: the error code. */
  code: string;
  /** What the message must also say, where that is the feature (figures, a limit). */
  what?: RegExp;
  config?: object;
}

const FILE_CASES: FileCase[] = [
  {
    name: 'a truncated ZIP',
    file: {corrupt_zip: 'truncated'},
    where: (bad) => new RegExp(`file ${escapeRegex(bad)}\\.txt: `),
    code: 'ZIP_INVALID',
  },
  {
    name: 'a ZIP entry with a bad CRC-32 (the flipped byte also breaks UTF-8): the message names the corrupt archive',
    file: {
      corrupt_zip: 'bad_crc',
      entries: [
        {name: 'crc/extract.txt', file: {sae_v3: {details: 20, seed: 3}}},
      ],
    },
    // The simulator flips the first byte (XOR 0xff), which also makes line 1
    // invalid UTF-8. The entry is corrupt, not mis-encoded: the message must
    // say so (CRC-32), or the user chases an encoding problem.
    where: () => /file crc\/extract\.txt/,
    code: 'ZIP_CRC_MISMATCH',
  },
  {
    name: 'a ZIP entry with a bad CRC-32 whose text is still valid',
    file: {raw_zip_base64: ''}, // set in beforeAll (built with yazl)
    where: () => /file crc\/remittance\.txt/,
    code: 'ZIP_CRC_MISMATCH',
  },
  {
    name: 'a ZIP entry escaping its folder (../evil.txt)',
    file: {
      zip: [
        {name: 'ok.txt', file: {sae_v3: {details: 3, seed: 4}}},
        {name: '../evil.txt', file: {text: 'EVIL|1\n'}},
      ],
    },
    where: (bad) => new RegExp(`file ${escapeRegex(bad)}\\.txt: `),
    code: 'ZIP_ENTRY_ESCAPES',
  },
  {
    name: 'a ZIP entry with an absolute name (/etc/cron.d/evil)',
    file: {
      zip: [
        {name: 'ok.txt', file: {sae_v3: {details: 3, seed: 4}}},
        {name: '/etc/cron.d/evil', file: {text: 'EVIL|1\n'}},
      ],
    },
    where: (bad) => new RegExp(`file ${escapeRegex(bad)}\\.txt: `),
    code: 'ZIP_ENTRY_ESCAPES',
  },
  {
    name: 'a ZIP entry escaping through backslashes (..\\evil.txt)',
    file: {
      zip: [
        {name: 'ok.txt', file: {sae_v3: {details: 3, seed: 4}}},
        {name: 'a\\..\\..\\evil.txt', file: {text: 'EVIL|1\n'}},
      ],
    },
    where: (bad) => new RegExp(`file ${escapeRegex(bad)}\\.txt: `),
    code: 'ZIP_ENTRY_ESCAPES',
  },
  {
    name: 'a ZIP expanding past max_unzipped_mb (zip bomb)',
    file: {zip_bomb_mb: 5, name: 'bomb.txt'},
    where: (bad) => new RegExp(`file (${escapeRegex(bad)}\\.txt|bomb\\.txt)`),
    code: 'ZIP_TOO_LARGE',
    what: /limit of 1048576 bytes/, // the limit to raise
    config: {max_unzipped_mb: 1},
  },
  {
    name: 'a ZIP bomb whose headers understate its size',
    file: {raw_zip_base64: ''}, // set in beforeAll (built with yazl, then patched)
    where: () => /file liar\.txt/,
    // The entry inflates past its declared size: the archive lies (unreadable).
    code: 'ZIP_INVALID',
    config: {max_unzipped_mb: 1},
  },
  {
    name: 'a 3 MiB line without a line break',
    file: {zeros_mb: 3},
    where: (bad) => new RegExp(`file ${escapeRegex(bad)}\\.txt, line 1: `),
    code: 'FILE_LINE_TOO_LONG',
  },
  {
    name: 'a 2 MiB line after good lines',
    file: {text: 'REM|1|a\nREM|2|b\nREM|3|' + 'x'.repeat(2 * 1024 * 1024)},
    where: (bad) => new RegExp(`file ${escapeRegex(bad)}\\.txt, line 3: `),
    code: 'FILE_LINE_TOO_LONG',
  },
  {
    name: "an unparseable quote (Cornell's testBadQuoteFile)",
    file: {sample: 'cornell_extract_CES_SAE_v3_testBadQuoteFile.txt'},
    where: (bad) => new RegExp(`file ${escapeRegex(bad)}\\.txt, line 4: `),
    code: 'FILE_WIDTH_MISMATCH',
    what: /403 fields, SAE v3 DETAIL lines have 400/, // both widths
  },
  {
    name: "an unparseable quote (Cornell's testBadQuoteFile2)",
    file: {sample: 'cornell_extract_CES_SAE_v3_testBadQuoteFile2.txt'},
    where: (bad) => new RegExp(`file ${escapeRegex(bad)}\\.txt, line 3: `),
    code: 'FILE_QUOTE_INVALID',
  },
  {
    name: 'an SAE header total that does not match its lines',
    file: {sae_v3: {details: 8, seed: 8, bad_header_total: true}},
    where: (bad) => new RegExp(`file ${escapeRegex(bad)}\\.txt`),
    code: 'SAE_TOTAL_MISMATCH',
    what: /header says 8 records totalling \d+\.\d{4}, file has 8 DETAIL lines totalling \d+\.\d{4}/, // both figures
  },
  {
    name: 'an SAE header record count that does not match its lines',
    file: {sae_v3: {details: 8, seed: 9, bad_header_count: true}},
    where: (bad) => new RegExp(`file ${escapeRegex(bad)}\\.txt`),
    code: 'SAE_COUNT_MISMATCH',
    what: /header says 9 records .*, file has 8 DETAIL lines/, // both counts
  },
];

const defOf = (i: number) => ({
  id: `bAd$pDef${String(i).padStart(2, '0')}00000000000000000000000`,
  // Neutral names: the message's "what" must come from the error, not the name.
  name: `Bad Extract ${i}`,
});

function fileScenario(): Scenario {
  return baseScenario([
    ...FILE_CASES.map((c, i) => ({
      ...defOf(i),
      jobs: [
        job(`c${i}$ok`, 1, {sae_v3: {details: 4, seed: 100 + i}}),
        job(`c${i}$bad`, 2, c.file),
        job(`c${i}$later`, 3, {sae_v3: {details: 2, seed: 200 + i}}),
      ],
    })),
    goodDefinition,
  ]);
}

describe('hostile extract files', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    const text = 'HDR|REMITTANCE|3\nREM|1|100.00\nREM|2|250.00\nREM|3|MARKER\n';
    const zip = await zipWithChangedByte('crc/remittance.txt', text, 'M', 'N');
    const raw = FILE_CASES.filter((x) => 'raw_zip_base64' in x.file);
    raw[0].file = {raw_zip_base64: zip.toString('base64')};
    const liar = await zipBombWithLyingHeaders('liar.txt', 5, 1000);
    raw[1].file = {raw_zip_base64: liar.toString('base64')};
    sim = await startSimulator(fileScenario());
  });
  afterAll(() => sim?.close());

  test.each(FILE_CASES.map((c, i) => ({...c, i})))(
    '$name',
    async ({i, where, code, what, config}) => {
      const def = defOf(i);
      const bad = `c${i}$bad`;
      const res = await sync(
        configFor(sim, 'refresh', {
          definitions: [def.name, GOOD.name],
          ...config,
        }),
        {streams: {extract_file_rows: 'incremental'}}
      );
      // A file Concur produced that fails its checks: config_error, in its stream.
      const message = expectFailure(res, 'config_error');
      expect(traces(res.messages)[0].stream_descriptor).toEqual({
        name: 'extract_file_rows',
      });
      expect(errorCodes(res.messages)).toEqual([code]);
      // The feature: the message names definition, job, file and line.
      expect(message).toMatch(
        new RegExp(
          `^definition "${escapeRegex(def.name)}", job ${escapeRegex(bad)}, `
        )
      );
      expect(message).toMatch(where(bad));
      if (what) expect(message).toMatch(what);
      // State: the bad definition stays before the bad job; the good one is saved.
      expect(streamStateOf(res.messages, 'extract_file_rows')).toEqual({
        [def.id]: {cursor: stopTime(1), ids_at_cursor: [`c${i}$ok`]},
        [GOOD.id]: goodCursor,
      });
      const rows = [...rowsByKey(res.messages).values()];
      const jobsRead = new Set(rows.map((r) => r.job_id));
      expect(jobsRead.has(`c${i}$later`)).toBe(false);
      expect(rows.filter((r) => r.job_id === 'good$p1')).toHaveLength(6);
      expect(rows.filter((r) => r.job_id === `c${i}$ok`)).toHaveLength(5);
      // Verified before emitted: no row of the refused job, whatever the failure.
      expect(jobsRead.has(bad)).toBe(false);
      // Nothing of a ZIP is ever written outside the connector's work folder, and that is removed.
      expect(res.tmpLeftovers).toEqual([]);
    }
  );
});

// ---- hostile API answers: one simulator per case

const BAD = {id: 'bAd$pApi0000000000000000000000000', name: 'Bad Api'};
const badJobsPath = `/${escapeRegex(BAD.id)}/job$`;

function apiScenario(faults?: Faults): Scenario {
  return baseScenario(
    [
      {...BAD, jobs: [job('api$p1', 1, {sae_v3: {details: 3, seed: 5}})]},
      goodDefinition,
    ],
    faults ? {faults} : {}
  );
}

/** The bad definition's job list failed in both streams; the good definition is read and saved. */
function expectJobListFailure(
  res: SyncResult,
  code: string,
  failureType: FailureType = 'system_error'
): string {
  const message = expectFailure(res, failureType);
  const where = `definition "${BAD.name}": GET /api/expense/extract/v1.0/${BAD.id}/job`;
  const errors = traces(res.messages);
  expect(errors.map((e) => e.stream_descriptor?.name)).toEqual([
    'extract_jobs',
    'extract_file_rows',
  ]);
  expect(errorCodes(res.messages)).toEqual([code, code]);
  // The feature: each message names the definition and the call.
  for (const part of errors.map((e) => e.message as string))
    expect(part).toContain(where);
  expect(records(res.messages, 'extract_jobs').map((j) => j.id)).toEqual([
    'good$p1',
  ]);
  expect(
    records(res.messages, 'extract_file_rows').every(
      (r) => r.job_id === 'good$p1'
    )
  ).toBe(true);
  expect(streamStateOf(res.messages, 'extract_jobs')).toEqual({
    [GOOD.id]: goodCursor,
  });
  expect(streamStateOf(res.messages, 'extract_file_rows')).toEqual({
    [GOOD.id]: goodCursor,
  });
  return message;
}

describe('hostile API answers', () => {
  let sim: SimulatorHandle | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  test('malformed XML (a mismatched closing tag, complete body)', async () => {
    sim = await startSimulator(apiScenario());
    const target = sim.url;
    const proxy = await startProxy(() => target, {
      match: new RegExp(badJobsPath),
      rewrite: (xml) => xml.replace('</status>', '</statuz>'),
    });
    try {
      const res = await sync(
        configFor(sim, 'refresh', {api_base_url: proxy.url})
      );
      expect(proxy.touched.length).toBe(2);
      expectJobListFailure(res, 'CONCUR_ANSWER_INVALID');
    } finally {
      await proxy.close();
    }
  });

  test('truncated XML (cut in an element, Content-Length matching)', async () => {
    sim = await startSimulator(
      apiScenario({malformed_xml: true, only_paths: badJobsPath})
    );
    const res = await sync(configFor(sim));
    expect(sim.requests.filter((r) => r.fault === 'malformed_xml').length).toBe(
      2
    );
    expectJobListFailure(res, 'CONCUR_ANSWER_INVALID');
  });

  test('XML cut short by the network on every attempt: retried, then refused, never parsed', async () => {
    sim = await startSimulator(
      apiScenario({reset_mid_body: 1, only_paths: badJobsPath})
    );
    const res = await sync(configFor(sim));
    expect(
      sim.requests.filter((r) => r.fault === 'reset_mid_body').length
    ).toBe(12);
    // The network failed every attempt: a later sync may succeed.
    expectJobListFailure(res, 'CONCUR_UNREACHABLE', 'transient_error');
  });

  test('XML with entity declarations: refused, never expanded', async () => {
    sim = await startSimulator(
      apiScenario({xml_entity: true, only_paths: badJobsPath})
    );
    const res = await sync(configFor(sim));
    expect(sim.requests.filter((r) => r.fault === 'xml_entity').length).toBe(2);
    expectJobListFailure(res, 'CONCUR_ANSWER_INVALID');
    // The expansion ("lol" ten times) appears nowhere: not in records, logs, errors or stderr.
    expect(everything(res)).not.toContain('lollol');
  });

  test('XML with entity declarations in the definitions list: the sync stops, no state claims progress', async () => {
    sim = await startSimulator(
      apiScenario({xml_entity: true, only_paths: '/v1\\.0/?$'})
    );
    const res = await sync(configFor(sim));
    const message = expectFailure(res);
    expect(new Set(errorCodes(res.messages))).toEqual(
      new Set(['CONCUR_ANSWER_INVALID'])
    );
    // The feature: the message names the call.
    expect(message).toMatch(/^GET \/api\/expense\/extract\/v1\.0\/ answered /);
    expect(everything(res)).not.toContain('lollol');
    expect(records(res.messages, 'extract_file_rows')).toEqual([]);
    for (const s of ['extract_jobs', 'extract_file_rows']) {
      expect(streamStateOf(res.messages, s) ?? {}).toEqual({});
    }
  });

  test('403 on every call: a config_error naming the missing role or scope', async () => {
    sim = await startSimulator(apiScenario({forbidden_always: true}));
    const res = await sync(configFor(sim));
    const message = expectFailure(res, 'config_error');
    expect(new Set(errorCodes(res.messages))).toEqual(
      new Set(['AUTH_FORBIDDEN'])
    );
    // The feature: the message names the role and the scope to grant.
    expect(message).toMatch(/Web Services Administrator/);
    expect(message).toMatch(/EXTRCT/);
    expect(records(res.messages)).toEqual([]);
    // Refreshed once, then refused: no retry loop against a permanent 403.
    expect(sim.requests.filter((r) => r.fault === 'forbidden')).toHaveLength(2);
    for (const s of ['extract_jobs', 'extract_file_rows']) {
      expect(streamStateOf(res.messages, s) ?? {}).toEqual({});
    }
  });

  test('a definitions filter that matches nothing: names it and lists the available ones', async () => {
    sim = await startSimulator(apiScenario());
    const res = await sync(
      configFor(sim, 'refresh', {definitions: ['Standard Acounting Extract']})
    );
    const message = expectFailure(res, 'config_error');
    expect(new Set(errorCodes(res.messages))).toEqual(
      new Set(['DEFINITION_NOT_FOUND'])
    );
    // The feature: the message names the filter and lists the definitions.
    expect(message).toContain('"Standard Acounting Extract"');
    expect(message).toContain(`"${BAD.name}" (${BAD.id})`);
    expect(message).toContain(`"${GOOD.name}" (${GOOD.id})`);
    expect(records(res.messages, 'extract_file_rows')).toEqual([]);
  });
});
