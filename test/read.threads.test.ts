import {buildSaeFile, Scenario} from 'concur-extract-simulator';

import {catalog, CliResult, comparableLines} from './helpers/cli';
import {
  baseScenario,
  readSim,
  SAE_DEF,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';

/**
 * The connector's threads change nothing it prints. With any number of
 * parse workers (src/extract-file/emit-pool.ts, parallel.ts), and with or
 * without the check thread (check-thread.ts), bin/main read writes exactly
 * the bytes the reading thread alone writes — every RECORD line, in order,
 * emitted_at aside — and the same STATE, ledger and logs. The files are
 * large enough for several regions (512 KB each), and one has quoted fields
 * spanning lines all through, so regions are cut next to them. They are
 * smaller than the workers take by default (16 MB, for the tests' speed):
 * CONCUR_PARSE_WORKERS_MIN_BYTES lowers that to 1 MB here.
 */

const MIN_BYTES = 1024 * 1024;

const STREAMS = {
  extract_file_rows: 'incremental',
  sae_rows: 'incremental',
  extract_files: 'incremental',
} as const;

/** ~3 MB of an unknown layout whose quoted fields span lines, with CRLF and blank lines. */
function quotedText(): string {
  const lines: string[] = [];
  for (let i = 0; lines.length < 90000; i++) {
    lines.push(
      `ROW|${i}|"a field\nover ${i % 3} lines${'\r\n'.repeat(i % 3)}"|x`,
      `ROW|${i}|plain|"with | pipe"|Inter"national`,
      i % 7 ? `ROW|${i}|${'y'.repeat(i % 50)}` : ''
    );
  }
  return lines.join('\r\n');
}

const QUOTED = quotedText();
const BIG_SAE = buildSaeFile({details: 3000, seed: 31}).body;

const SCENARIO = (): Scenario =>
  baseScenario([
    {
      id: SAE_DEF,
      name: 'SAE',
      jobs: [
        {
          id: 'workers$1',
          status: 'Completed',
          start_time: '2024-05-01T06:00:00Z',
          stop_time: '2024-05-01T06:00:40Z',
          file: {base64: BIG_SAE.toString('base64')},
        },
        {
          id: 'workers$2',
          status: 'Completed',
          start_time: '2024-05-02T06:00:00Z',
          stop_time: '2024-05-02T06:00:40Z',
          file: {
            zip: [
              {name: 'quoted.txt', file: {text: QUOTED}},
              {name: 'sae.txt', file: {sae_v3: {details: 1500, seed: 32}}},
              {name: 'empty.txt', file: {text: ''}},
            ],
          },
        },
      ],
    },
  ]) as Scenario;

describe('parse workers (bin/main read)', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => (sim = await startSimulator(SCENARIO())));
  afterAll(async () => sim?.close());

  test('1 and 3 workers write the same bytes as the reading thread alone', async () => {
    // Both large files go to the workers (smaller ones stay in the reading thread).
    expect(Buffer.byteLength(QUOTED)).toBeGreaterThan(MIN_BYTES);
    expect(BIG_SAE.length).toBeGreaterThan(MIN_BYTES);
    const read = (workers: string): Promise<CliResult> =>
      readSim(sim, catalog(STREAMS), {
        env: {
          CONCUR_PARSE_WORKERS: workers,
          CONCUR_PARSE_WORKERS_MIN_BYTES: String(MIN_BYTES),
        },
      });
    const alone = await read('0');
    expect(alone.code).toBe(0);
    expect(alone.stdout).toContain('written by the main thread');
    const lines = comparableLines(alone);
    const records = lines.filter((l) => l.startsWith('{"type":"RECORD"'));
    // ~86000 rows of quoted.txt, 4500 SAE lines in two streams, 4 ledger rows.
    expect(records.length).toBeGreaterThan(90000);
    expect(alone.stdout).toContain('"file_name":"quoted.txt","line_number":');
    for (const workers of ['1', '3']) {
      const res = await read(workers);
      expect(res.code).toBe(0);
      expect(res.stdout).toContain(`written by ${workers} parse worker`);
      const got = comparableLines(res);
      expect(got.length).toBe(lines.length);
      // One assertion per line would flood a failure; the first differing line tells.
      const diff = got.findIndex((l, i) => l !== lines[i]);
      expect([workers, diff, got[diff]]).toEqual([workers, -1, undefined]);
    }
  }, 120_000);

  test('the check thread gives the same rows and ledger as the check in the reading thread', async () => {
    const read = (thread: string): Promise<CliResult> =>
      readSim(sim, catalog(STREAMS), {
        env: {CONCUR_PARSE_WORKERS: '0', CONCUR_CHECK_THREAD: thread},
      });
    const [inThread, threaded] = [await read('0'), await read('1')];
    expect([inThread.code, threaded.code]).toEqual([0, 0]);
    const want = comparableLines(inThread);
    // The ledger of the text body (checked while it downloaded) is among them.
    expect(want.some((l) => /"verification":"verified"/.test(l))).toBe(true);
    const got = comparableLines(threaded);
    const diff = got.findIndex((l, i) => l !== want[i]);
    expect([got.length, diff]).toEqual([want.length, -1]);
  }, 120_000);
});
