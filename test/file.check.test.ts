import {createHash} from 'crypto';

import {checkFile} from '../src/extract-file';
import {SAE_V3} from '../src/extract-file/layouts/sae-v3.generated';
import {saeDetail} from './helpers/file';

const v2 = (cols: Record<number, string>): string =>
  saeDetail(cols).split('|').slice(0, 256).join('|');

describe('the first pass (checkFile)', () => {
  test('a verified SAE v2 file: layout, size, sha256, lines, header and DETAIL figures', async () => {
    const text = [
      'EXTRACT|2025-01-20|2|375312.9100',
      v2({4: '1', 168: 'DR', 169: '+375313.0000'}),
      v2({4: '2', 168: 'CR', 169: '-0.0900'}),
      '',
    ].join('\n');
    const check = await checkFile([text], 'a.txt');
    expect(check).toEqual({
      file: 'a.txt',
      layout: 'sae_v2',
      size_bytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
      line_count: 3,
      header_record_count: 2,
      header_journal_amount_total: '375312.9100',
      header_batch_id: null,
      header_batch_date: '2025-01-20',
      detail_line_count: 2,
      detail_journal_amount_total: '375312.9100',
      verification: 'verified',
    });
  });

  test.each([
    ['total', 'EXTRACT|2025-01-20|1|1.0100', 'SAE_TOTAL_MISMATCH', 1],
    ['count', 'EXTRACT|2025-01-20|2|1.0000', 'SAE_COUNT_MISMATCH', 1],
    ['header', 'EXTRACT|2025-01-20|x|1.0000', 'SAE_HEADER_INVALID', 1],
  ])(
    '%s mismatch: failed, with its code, config_error',
    async (_n, header, code, line) => {
      const check = await checkFile(
        [[header, v2({169: '+1.0000'})].join('\n')],
        'b.txt'
      );
      expect(check.verification).toBe('failed');
      expect(check.error?.code).toBe(code);
      expect(check.error?.failureType).toBe('config_error');
      expect(check.error?.context).toMatchObject({file: 'b.txt', line});
    }
  );

  test('a bad typed value is caught by the first pass, at its line', async () => {
    const check = await checkFile(
      [['EXTRACT', v2({169: '+1.0000'}), v2({64: '2024-13-01'})].join('\n')],
      'c.txt'
    );
    expect(check.error?.code).toBe('FILE_VALUE_INVALID');
    // Naming the file, line and column is the feature.
    expect(check.error?.describe()).toMatch(
      /^file c\.txt, line 3: column report_entry_transaction_date \(field 64\)/
    );
  });

  test('a DETAIL width that is neither 256 nor 400', async () => {
    const check = await checkFile(
      [['EXTRACT', 'DETAIL|a|b'].join('\n')],
      'd.txt'
    );
    expect(check.error?.code).toBe('FILE_WIDTH_MISMATCH');
    expect(check.error?.context).toMatchObject({file: 'd.txt', line: 2});
  });

  test('a 4-field header without DETAIL lines (a Request extract) is not SAE', async () => {
    const check = await checkFile(
      ['EXTRACT|2024-01-01|1|10.00\nREQUEST DETAIL|x\n'],
      'r.txt'
    );
    expect(check).toMatchObject({layout: null, verification: 'unverifiable'});
  });

  test('windows-1252 through checkFile: an undefined byte fails the file at its line', async () => {
    const ok = await checkFile(
      [Buffer.from([0x41, 0x0a, 0x80, 0x96])],
      'e.txt',
      'windows-1252'
    );
    expect(ok.verification).toBe('unverifiable');
    expect(ok.sha256).toBe(
      createHash('sha256')
        .update(Buffer.from([0x41, 0x0a, 0x80, 0x96]))
        .digest('hex')
    );
    const bad = await checkFile(
      [Buffer.from([0x41, 0x0a, 0x42, 0x81])],
      'f.txt',
      'windows-1252'
    );
    expect(bad.error?.code).toBe('FILE_ENCODING_INVALID');
    expect(bad.error?.context.line).toBe(2);
  });
});

describe('the fast path (bytes) and the exact path (fields.ts + converters) agree', () => {
  // A line with a `"` takes the exact path; the same line without it the byte path.
  const VALUES = [
    '1',
    '+1.5',
    '-0.0001',
    '.5',
    '12.',
    '1e5',
    '$12.00',
    '¤3.10',
    '0x1',
    '1,5',
    ' 1',
    '9007199254740993',
    '123456789012345',
    '1234567890123456',
    '-',
    '+',
    '',
    '2024-02-29',
    '2023-02-29',
    '2024/02/29',
    '2024-13-01',
    '2024-00-10',
    '2024-1-01',
    'abcd-ef-gh',
  ];
  const verdict = async (col: number, value: string, quoted: boolean) => {
    const cols: Record<number, string> = {169: '+1.0000', [col]: value};
    if (quoted) cols[70] = '"Vendor ""A"""';
    const check = await checkFile([['EXTRACT', v2(cols)].join('\n')], 'eq.txt');
    return check.error ? `${check.error.code} ${check.error.message}` : 'ok';
  };
  test('the first and last fields, widths one off, and lines longer than any before', async () => {
    // Column 2 is the first field after the record type, column 256 a v2 line's last (both typed).
    const long = 'x'.repeat(3000); // past the scan's first buffer of field offsets
    const detail = (cols: Record<number, string>, quoted: boolean): string => {
      const all: Record<number, string> = {...cols, 169: '+1.0000'};
      if (quoted) all[70] = '"Vendor ""A"""';
      return v2(all);
    };
    const lines: [string, (quoted: boolean) => string, RegExp | 'ok'][] = [
      [
        'first field',
        (q) => detail({2: 'abc'}, q),
        /FILE_VALUE_INVALID .*field 2\)/,
      ],
      [
        'last field',
        (q) => detail({256: '2024-02-30'}, q),
        /FILE_VALUE_INVALID .*field 256/,
      ],
      [
        'long line',
        (q) => detail({71: long, 256: 'bad'}, q),
        /FILE_VALUE_INVALID .*field 256/,
      ],
      [
        'long line, good',
        (q) => detail({71: long, 256: '2024-02-29'}, q),
        'ok',
      ],
      [
        'one field short',
        (q) => detail({}, q).replace(/\|$/, ''),
        /has 255 fields/,
      ],
      ['one field over', (q) => detail({}, q) + '|', /has 257 fields/],
      [
        'record type and one empty field',
        (q) => (q ? 'DETAIL|"x"' : 'DETAIL|'),
        /has 2 fields/,
      ],
    ];
    const verdict = async (line: string) => {
      const check = await checkFile(
        [['EXTRACT', detail({}, false), line].join('\n')],
        'edges.txt'
      );
      return check.error ? `${check.error.code} ${check.error.message}` : 'ok';
    };
    for (const [what, line, expected] of lines) {
      // With a `"` the same line takes the exact path (whose width error adds a hint about quotes).
      const fast = await verdict(line(false));
      const exact = (await verdict(line(true))).replace(
        ' (a field containing "|" may have lost its quotes)',
        ''
      );
      expect([what, fast]).toEqual([what, exact]);
      if (expected === 'ok') expect(fast).toBe('ok');
      else
        expect([what, fast]).toEqual([what, expect.stringMatching(expected)]);
    }
    expect(await verdict('DETAIL')).toMatch(/has 1 fields/);
  });

  test.each([
    [4, 'integer'],
    [64, 'date'],
    [123, 'number'],
  ])('column %d (%s)', async (col) => {
    for (const value of VALUES) {
      expect([value, await verdict(col, value, false)]).toEqual([
        value,
        await verdict(col, value, true),
      ]);
    }
    // Not vacuous: each path refuses a bad value and accepts a good one.
    expect(await verdict(col, 'abcd-ef-gh', false)).toMatch(
      /^FILE_VALUE_INVALID /
    );
    expect(await verdict(col, col === 64 ? '2024-02-29' : '7', false)).toBe(
      'ok'
    );
  });
});

describe('the fast path counts 4 bytes at a time: random SAE v3 lines', () => {
  // Between the fields it checks, the byte scan counts `|` a word at a time; the same line with a `"` takes the
  // exact path. Random widths around 400, values of every length (multi-byte UTF-8 too) in typed and text
  // columns, good and bad: the verdicts (width, first bad value, journal total) must be the same.
  const TYPED = SAE_V3.detail.columns.filter(
    (c) => c.type !== 'string' && c.column !== 169
  );
  // The first text column holds the quoted value of the exact path's copy: nothing random goes there.
  const [QUOTED, ...TEXT] = SAE_V3.detail.columns.filter(
    (c) => c.type === 'string'
  );
  const GOOD = {
    integer: ['7', '-12'],
    number: ['+12.5000', '-0.01'],
    date: ['2024-02-29', '2024/01/31'],
  };
  const POOL = ['x', 'é', '€€', 'abcdefg', '1e5', '2023-02-30', '', '7'];
  let seed = 7;
  const next = (n: number): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % n;
  };
  const line = (quoted: boolean): string => {
    const cols: Record<number, string> = {169: '+1.0000'};
    for (const c of TYPED) {
      if (next(4) === 0)
        cols[c.column] = GOOD[c.type as keyof typeof GOOD][next(2)];
    }
    for (const c of TEXT)
      if (next(3) === 0) cols[c.column] = POOL[next(POOL.length)];
    if (next(8) === 0)
      cols[TYPED[next(TYPED.length)].column] = POOL[4 + next(POOL.length - 4)];
    // Now and then an unquoted `|` in a text field: the fields after it shift by one.
    if (next(10) === 0) cols[TEXT[next(TEXT.length)].column] = 'a|b';
    if (quoted) cols[QUOTED.column] = '"q ""x"""';
    const fields = saeDetail(cols).split('|');
    const width = [400, 400, 400, 399, 401, 398][next(6)];
    while (fields.length > width) fields.pop();
    while (fields.length < width) fields.push(POOL[next(POOL.length)]);
    return fields.join('|');
  };
  const verdict = async (detail: string): Promise<string> => {
    const check = await checkFile(
      [`EXTRACT|2024-01-31|1|1.0000|7\n${detail}\n`],
      'r.txt'
    );
    if (!check.error) return `ok ${check.detail_journal_amount_total}`;
    return `${check.error.code} ${check.error.message}`.replace(
      ' (a field containing "|" may have lost its quotes)',
      ''
    );
  };

  test('200 lines: the same verdict on both paths', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const start = seed;
      const fast = await verdict(line(false));
      seed = start; // the same line, with a quoted text field
      const exact = await verdict(line(true));
      expect([i, fast]).toEqual([i, exact]);
      seen.add(fast.split(' ')[0]);
    }
    // Not vacuous: good lines, bad values and bad widths all occurred.
    expect([...seen].sort()).toEqual([
      'FILE_VALUE_INVALID',
      'FILE_WIDTH_MISMATCH',
      'ok',
    ]);
  });
});
