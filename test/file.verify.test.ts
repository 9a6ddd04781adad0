import {DataError} from '../src/errors';
import {checkFile} from '../src/extract-file';
import {
  formatDecimal,
  parseDecimal,
  SaeVerifier,
} from '../src/extract-file/verify';
import {expectThrowsCode} from './helpers/errors';
import {failure, rowsOf, saeDetail, sample} from './helpers/file';

const GOOD = 'cornell_extract_CES_SAE_v3_testGoodFile.txt';
const BIG = 'cornell_ConcurStandardAccountingExtract.txt';

function detail(seq: number, amount: string): string {
  return saeDetail({2: '9', 3: '2024-01-31', 4: String(seq), 169: amount});
}

describe('SAE header verification', () => {
  test.each([
    [GOOD, '1230.3600', 4],
    [BIG, '16447.7700', 103],
  ])('%s verifies (total %s)', async (name, total, lines) => {
    const rows = await rowsOf(sample(name), name);
    expect(rows).toHaveLength(lines);
    expect(rows[0].values[3]).toBe(total);
  });

  test('a total that differs by one cent fails, naming both figures', async () => {
    const text = sample(GOOD)
      .toString('utf8')
      .replace('|+600.1100|', '|+600.1000|');
    const err = await failure(rowsOf(text, 'x.txt'));
    expect(err).toBeInstanceOf(DataError);
    expect(err.code).toBe('SAE_TOTAL_MISMATCH');
    expect(err.context).toEqual({file: 'x.txt', line: 1});
    // Naming both figures is the feature.
    expect(err.message).toBe(
      'header says 3 records totalling 1230.3600, file has 3 DETAIL lines totalling 1230.3500'
    );
  });

  test('a missing DETAIL line fails', async () => {
    const lines = sample(GOOD).toString('utf8').split('\n');
    lines.splice(2, 1);
    const err = await failure(rowsOf(lines.join('\n'), 'x.txt'));
    expect(err.code).toBe('SAE_COUNT_MISMATCH');
  });

  test('signed amounts, 0 and mixed decimals sum exactly', async () => {
    const text = [
      'EXTRACT|2024-01-31|4|0.1000|9',
      detail(1, '+0.1'),
      detail(2, '+0.2'),
      detail(3, '-0.2000'),
      detail(4, '0'),
    ].join('\n');
    await expect(rowsOf(text)).resolves.toHaveLength(5);
  });

  test('an empty extract (record count 0) verifies', async () => {
    await expect(
      rowsOf('EXTRACT|2024-01-31|0|0.0000|9\n')
    ).resolves.toHaveLength(1);
  });

  test('a file that fails its check yields no row at all', async () => {
    const text = ['EXTRACT|2024-01-31|1|9.0000|9', detail(1, '+1.0000')].join(
      '\n'
    );
    const check = await checkFile([text], 'late.txt');
    expect(check).toMatchObject({
      verification: 'failed',
      header_record_count: null,
    });
    expect(check.error?.code).toBe('SAE_TOTAL_MISMATCH');
    expect(check.error?.failureType).toBe('config_error');
    // Naming the file, the header line and both figures is the feature.
    expect(check.error?.describe()).toBe(
      'file late.txt, line 1: header says 1 records totalling 9.0000, file has 1 DETAIL lines totalling 1.0000'
    );
  });

  test('each EXTRACT section is checked on its own', () => {
    const v = new SaeVerifier('two.txt');
    v.add(['EXTRACT', '2024-01-31', '1', '1.00', '1'], 1);
    v.add(detail(1, '+1.00').split('|'), 2);
    v.add(['EXTRACT', '2024-01-31', '1', '2.00', '2'], 3);
    v.add(detail(1, '+3.00').split('|'), 4);
    // The second section's figures, not the file's sums: the feature.
    expectThrowsCode(
      () => v.finish(),
      'SAE_TOTAL_MISMATCH',
      'header says 1 records totalling 2.00, file has 1 DETAIL lines totalling 3.00'
    );
  });

  test('a header that is not figures fails at its line', () => {
    const v = new SaeVerifier('h.txt');
    const err = expectThrowsCode(
      () => v.add(['EXTRACT', '2024-01-31', 'x', '1.00', '1'], 1),
      'SAE_HEADER_INVALID',
      '"x"'
    );
    expect(err.context).toEqual({file: 'h.txt', line: 1});
  });
});

describe('exact decimals', () => {
  test.each([
    ['+600.1100', '600.1100'],
    ['-5.0000', '-5.0000'],
    ['0', '0'],
    ['.5', '0.5'],
    ['-.05', '-0.05'],
    ['12.', '12'],
    ['¤1230.3600', '1230.3600'],
  ])('%s', (raw, formatted) => {
    expect(formatDecimal(parseDecimal(raw)!)).toBe(formatted);
  });

  test.each(['', '+', '.', 'abc', '1.2.3', '1e5', ' 1', '1,5'])(
    '%j is not a decimal',
    (raw) => {
      expect(parseDecimal(raw)).toBeUndefined();
    }
  );

  test('sums beyond float precision stay exact', () => {
    const v = new SaeVerifier('big.txt');
    v.add(['EXTRACT', '2024-01-31', '2', '90071992547409.9300', '1'], 1);
    v.add(detail(1, '+90071992547409.9100').split('|'), 2);
    v.add(detail(2, '+0.0200').split('|'), 3);
    expect(() => v.finish()).not.toThrow();
  });
});
