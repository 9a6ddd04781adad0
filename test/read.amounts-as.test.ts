import {buildSaeFile} from 'concur-extract-simulator';

import {readResource} from '../src/resources';
import {catalog, records} from './helpers/cli';
import {
  baseScenario,
  readSim,
  SAE_DEF,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';

/**
 * amounts_as: string — every decimal column of every typed stream is the
 * exact text of the file without its `+`, where a JSON number (a double)
 * would round amounts of 15+ significant digits.
 */

const AMOUNTS = ['+123456789012345.6789', '-5.0000', '+600.1100'];
const TOTAL = '123456789012940.7889'; // their exact sum
const JOURNAL_AMOUNT = 168; // 0-based field index

/** A generated SAE file with these journal amounts and a header that matches them. */
function saeText(): string {
  const lines = buildSaeFile({details: AMOUNTS.length, seed: 3})
    .body.toString('utf8')
    .split('\n');
  const header = lines[0].split('|');
  header[3] = TOTAL;
  lines[0] = header.join('|');
  for (let i = 0; i < AMOUNTS.length; i++) {
    const f = lines[i + 1].split('|');
    f[JOURNAL_AMOUNT] = AMOUNTS[i];
    lines[i + 1] = f.join('|');
  }
  return lines.join('\n');
}

/** The properties a committed stream schema declares `number` (decimals; integers are `integer`). */
function decimalColumns(stream: string): string[] {
  return Object.entries<any>(readResource(`schemas/${stream}.json`).properties)
    .filter(([, p]) => [p.type].flat().includes('number'))
    .map(([k]) => k);
}

const STREAMS = {
  extract_file_rows: 'full_refresh',
  sae_rows: 'full_refresh',
  extract_files: 'full_refresh',
} as const;

describe('amounts_as (bin/main read)', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator(
      baseScenario([
        {
          id: SAE_DEF,
          name: 'SAE',
          jobs: [
            {
              id: 'amounts$1',
              status: 'Completed',
              start_time: '2024-03-01T06:00:00Z',
              stop_time: '2024-03-01T06:00:48Z',
              file: {text: saeText()},
            },
          ],
        },
      ])
    );
  });
  afterAll(async () => sim?.close());

  test('string: the exact decimal text without "+", in extract_file_rows, sae_rows and the ledger', async () => {
    const res = await readSim(sim, catalog(STREAMS), {
      config: {amounts_as: 'string'},
    });
    expect(res.code).toBe(0);
    const exact = AMOUNTS.map((a) => a.replace(/^\+/, ''));
    const details = records(res.messages, 'extract_file_rows').filter(
      (r) => r.record_type === 'DETAIL'
    );
    expect(details.map((r) => r.journal_amount)).toEqual(exact);
    expect(
      records(res.messages, 'sae_rows').map((r) => r.journal_amount)
    ).toEqual(exact);
    const header = records(res.messages, 'extract_file_rows')[0];
    expect(header.journal_amount_total).toBe(TOTAL);
    expect(header.record_count).toBe(3); // integers stay numbers
    expect(typeof details[0].batch_id).toBe('number');
    // Every other decimal column (`number` in the committed schema, e.g.
    // exchange rates and distances, not only *_amount) is a string too.
    for (const stream of ['extract_file_rows', 'sae_rows']) {
      const decimals = decimalColumns(stream);
      const rows = records(res.messages, stream);
      const seen = rows.flatMap((r) =>
        decimals.filter((k) => r[k] !== undefined && r[k] !== null)
      );
      // The file fills decimal columns beyond *_amount, so the loop checks some.
      expect(seen.filter((k) => !k.endsWith('_amount'))).not.toEqual([]);
      for (const r of rows) {
        for (const k of decimals) {
          if (r[k] !== undefined && r[k] !== null)
            expect([k, typeof r[k]]).toEqual([k, 'string']);
        }
      }
    }
    const [file] = records(res.messages, 'extract_files');
    expect(file).toMatchObject({
      header_journal_amount_total: TOTAL,
      detail_journal_amount_total: TOTAL,
      verification: 'verified',
    });
  });

  test('number (default): JSON numbers, which cannot hold 19 significant digits', async () => {
    const res = await readSim(sim, catalog(STREAMS));
    expect(res.code).toBe(0);
    const amounts = records(res.messages, 'sae_rows').map(
      (r) => r.journal_amount
    );
    expect(amounts).toEqual(AMOUNTS.map(Number));
    expect(String(amounts[0])).not.toBe('123456789012345.6789');
    expect(
      records(res.messages, 'extract_files')[0].detail_journal_amount_total
    ).toBe(Number(TOTAL));
  });
});
