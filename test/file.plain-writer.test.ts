import type {AmountsAs} from '../src/config';
import {fileRecords, LayoutId, RecordBatch} from '../src/extract-file';
import {fileLayoutRecords} from '../src/extract-file/layout-rows';
import {SAE_V3} from '../src/extract-file/layouts/sae-v3.generated';
import {ColumnType} from '../src/extract-file/layouts/types';
import {parseLines} from '../src/extract-file/parser';
import {chunks, failure, saeDetail} from './helpers/file';
import {fileRows} from './helpers/reference-rows';

/**
 * The byte writer (src/extract-file/plain-writer.ts) against the full path's
 * reference: every record must be exactly JSON.stringify of the same record
 * built as an object by fileRows (split, typed with Number(), …), on lines
 * that exercise every rule of the byte writer and every way out of it.
 */

const FILE = 'job-1.txt';

/** 1-based SAE v3 DETAIL columns of each type (field 169, the checked amount, apart). */
const COLUMNS_OF = (type: ColumnType): number[] =>
  SAE_V3.detail.columns
    .filter((c) => c.type === type && c.column !== 169)
    .map((c) => c.column);

/** Deterministic pseudo-random numbers (a test that fails must fail again). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const NUMBERS = [
  '0',
  '-0',
  '+0.0000',
  '-0.0000',
  '600.1100',
  '+600.1100',
  '-5.0000',
  '007.50',
  '.5',
  '-.25',
  '5.',
  '0.000001',
  '0.0000012',
  '0.0000001', // printed 1e-7: outside the byte rules
  '123456789012345',
  '1234567890123456', // 16 digits: outside
  '99999999999999999999', // 20 digits
  '100000000000000000000000', // 1e23
  '0.1',
  '0.30000000000000004',
  '12345678.90123456',
  '999999999999999.9',
];
const INTEGERS = [
  '0',
  '-0',
  '+7',
  '007',
  '-12',
  '123456789012345',
  '9007199254740991',
];
const DATES = ['2024-01-31', '2024/02/29', '2000/02/29', '1999-12-01'];

function randomDecimal(next: () => number): string {
  const sign = ['', '+', '-'][Math.floor(next() * 3)];
  const digits = (n: number): string =>
    Array.from({length: n}, () => Math.floor(next() * 10)).join('');
  const int = digits(Math.floor(next() * 18));
  const frac = next() < 0.7 ? `.${digits(Math.floor(next() * 10))}` : '';
  return sign + (int || frac.length > 1 ? int : '0') + frac;
}

/** An SAE file whose header matches its lines (count and total of field 169). */
function saeFile(
  details: Record<number, string>[],
  extraLines: string[] = []
): string {
  let total = 0n; // in 1/10000
  const lines = details.map((cols, i) => {
    const amount = ((i % 7) - 3) * 12345 + 1;
    total += BigInt(amount);
    return saeDetail({169: formatAmount(amount), ...cols});
  });
  const header = `EXTRACT|2024-01-31|${details.length}|${formatAmount(Number(total))}|1`;
  return [header, ...lines, ...extraLines].join('\n') + '\n';
}

function formatAmount(units: number): string {
  const sign = units < 0 ? '-' : '';
  const abs = Math.abs(units).toString().padStart(5, '0');
  return `${sign}${abs.slice(0, -4)}.${abs.slice(-4)}`;
}

async function written(
  text: string,
  chunkSize = 1 << 16,
  layout: LayoutId | null = 'sae_v3',
  amountsAs: AmountsAs = 'number'
): Promise<string[]> {
  const out: string[] = [];
  for await (const b of fileRecords(
    chunks(text, chunkSize),
    FILE,
    {},
    undefined,
    layout,
    amountsAs
  )) {
    out.push(...linesOf(b));
  }
  return out;
}

function linesOf(batch: RecordBatch): string[] {
  const text = batch.bytes.toString('utf8');
  return text ? text.slice(0, -1).split('\n') : [];
}

async function reference(
  text: string,
  layout: LayoutId | null = 'sae_v3',
  amountsAs: AmountsAs = 'number'
): Promise<string[]> {
  const out: string[] = [];
  for await (const {rows} of fileRows([text], FILE, layout, amountsAs)) {
    for (const {columns, ...rest} of rows) {
      out.push(JSON.stringify({file_name: FILE, ...rest, ...columns}));
    }
  }
  return out;
}

/** SAE DETAIL lines exercising every byte rule of every column type. */
function typedDetails(): Record<number, string>[] {
  const next = random(12);
  const numberCols = COLUMNS_OF('number');
  const integerCols = COLUMNS_OF('integer');
  const dateCols = COLUMNS_OF('date');
  const details: Record<number, string>[] = [];
  for (let i = 0; i < 400; i++) {
    const cols: Record<number, string> = {};
    numberCols.forEach((c, k) => {
      const v =
        k % 3 === 0 ? NUMBERS[(i + k) % NUMBERS.length] : randomDecimal(next);
      if (next() < 0.8) cols[c] = v;
    });
    integerCols.forEach((c, k) => {
      if (next() < 0.8) cols[c] = INTEGERS[(i + k) % INTEGERS.length];
    });
    dateCols.forEach((c, k) => {
      if (next() < 0.8) cols[c] = DATES[(i + k) % DATES.length];
    });
    cols[5] = `EMP ${i} ~!#$%&'()*+,-./:;<=>?@[]^_\`{}`;
    details.push(cols);
  }
  return details;
}

describe('byte writer for plain lines', () => {
  test('numbers, integers and dates are written exactly as the full path writes them', async () => {
    const text = saeFile(typedDetails());
    const expected = await reference(text);
    expect(expected).toHaveLength(401);
    expect(await written(text)).toEqual(expected);
    // Lines split across chunks of every size take the same path.
    expect(await written(text, 997)).toEqual(expected);
    // amounts_as string: every decimal as its exact text, as the full path writes it.
    const asText = await reference(text, 'sae_v3', 'string');
    expect(asText).not.toEqual(expected);
    expect(asText[1]).toMatch(/"journal_amount":"-?\d*\.?\d*"/);
    expect(await written(text, 1 << 16, 'sae_v3', 'string')).toEqual(asText);
  });

  test('text of every length, in every column, up to the last byte of the input', async () => {
    // Text is copied 4 bytes at a time where the input has them: lengths 1–9 cover each remainder, and the
    // last column of a file without a final line break ends at the input's very end.
    const stringCols = COLUMNS_OF('string');
    const details = Array.from({length: 40}, (_, i) => {
      const cols: Record<number, string> = {};
      stringCols.forEach((c, k) => {
        if ((i + k) % 3 !== 0)
          cols[c] = 'abcdefghi'.slice(0, 1 + ((i + k) % 9));
      });
      return cols;
    });
    expect(stringCols).toContain(400);
    for (const last of ['x', 'xy', 'xyz', 'wxyz']) {
      details[details.length - 1][400] = last;
      const text = saeFile(details).replace(/\n$/, '');
      const expected = await reference(text);
      expect(expected[expected.length - 1]).toMatch(new RegExp(`:"${last}"}$`));
      for (const size of [1 << 16, 997, 401]) {
        expect(await written(text, size)).toEqual(expected);
      }
    }
  });

  test('lines the byte writer leaves to the full path are still exact', async () => {
    const lines = [
      {5: 'São Paulo €'}, // non-ASCII
      {5: 'back\\slash'}, // a character JSON escapes
      {5: 'tab\there'},
      {5: '"quoted|pipe"'}, // a quote: the parser's full path
      {5: 'plain again'},
    ];
    const text = saeFile(lines, [
      'TRAILER|x|y', // a record type the layout does not know: values only
      'EXTRACT|2024-02-01|0|0|2', // a second header: a new verified section
    ]);
    expect(await written(text)).toEqual(await reference(text));
  });

  test('a file of unknown layout: values only, plain or not', async () => {
    const text = 'A|b|c\nA|b|c|d\nB||\nC|é\n|\nA';
    expect(await written(text, 1 << 16, null)).toEqual(
      await reference(text, null)
    );
    const parsed = [];
    for await (const b of parseLines([text], FILE, {raw: true})) {
      parsed.push(...b);
    }
    expect(parsed.map((l) => 'bytes' in l)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
  });

  test.each([
    ['a bad amount in a typed column', {18: '12x'}],
    ['an impossible date', {3: '2023-02-29'}],
    ['an integer too large', {2: '99999999999999999999'}],
    ['a bad journal amount', {169: '1.2.3'}],
  ])('%s fails as on the full path', async (_, cols) => {
    const base = saeFile([{5: 'ok'}, {5: 'ok'}]);
    const lines = base.split('\n');
    const fields = lines[2].split('|');
    for (const [c, v] of Object.entries(cols)) fields[Number(c) - 1] = v;
    lines[2] = fields.join('|');
    const text = lines.join('\n');
    const [got, want] = [
      await failure(written(text)),
      await failure(reference(text)),
    ];
    // The same error as the full path: same code, same words.
    expect([got.code, got.message]).toEqual([want.code, want.message]);
    expect(got.context).toEqual({file: FILE, line: 3});
    expect(want.context).toEqual({file: FILE, line: 3});
  });

  test('a wrong field count fails as on the full path', async () => {
    // (Header counts and totals are the first pass's: check.ts.)
    const text = saeFile([{5: 'ok'}]).replace(/\|\n$/, '\n');
    const [got, want] = [
      await failure(written(text)),
      await failure(reference(text)),
    ];
    // The same error as the full path: same code, same words.
    expect([got.code, got.message]).toEqual([want.code, want.message]);
    expect(got.context).toEqual(want.context);
  });
});

/** The per-layout streams (sae_rows): detail records only, columns without values. */
async function writtenLayout(
  text: string,
  chunkSize: number,
  amountsAs: AmountsAs
): Promise<string[]> {
  const out: string[] = [];
  for await (const b of fileLayoutRecords(
    chunks(text, chunkSize),
    FILE,
    'sae_v3',
    {
      layouts: ['sae_v3', 'sae_v2'],
      fields: {},
      amountsAs,
    }
  )) {
    out.push(...linesOf(b));
  }
  return out;
}

/** The object path's sae_rows record of every DETAIL line. */
async function layoutReference(
  text: string,
  amountsAs: AmountsAs
): Promise<string[]> {
  const out: string[] = [];
  for await (const {rows} of fileRows([text], FILE, 'sae_v3', amountsAs)) {
    for (const {line_number, record_type, layout, columns} of rows) {
      if (record_type !== 'DETAIL') continue;
      out.push(
        JSON.stringify({file_name: FILE, line_number, layout, ...columns})
      );
    }
  }
  return out;
}

describe('byte writer for the per-layout streams', () => {
  const text = saeFile(
    [
      ...typedDetails(),
      {5: 'São Paulo €'}, // not plain: the full path
      {5: 'back\\slash'},
      {5: '"quoted|pipe"'},
    ],
    ['TRAILER|x|y', 'EXTRACT|2024-02-01|0|0|2']
  );

  test.each(['number', 'string'] as const)(
    'amounts_as %s: every sae_rows record as the object path builds it',
    async (amountsAs) => {
      const expected = await layoutReference(text, amountsAs);
      expect(expected).toHaveLength(403);
      expect(expected[0]).not.toContain('"values"');
      expect(await writtenLayout(text, 1 << 16, amountsAs)).toEqual(expected);
      expect(await writtenLayout(text, 997, amountsAs)).toEqual(expected);
    }
  );

  test.each([
    ['a bad amount in a typed column', {18: '12x'}],
    ['an impossible date', {3: '2023-02-29'}],
    ['a wrong field count', {400: 'extra|field'}],
  ])('%s fails as on the full path', async (_, cols) => {
    const lines = saeFile([{5: 'ok'}, {5: 'ok'}]).split('\n');
    const fields = lines[2].split('|');
    for (const [c, v] of Object.entries(cols)) fields[Number(c) - 1] = v;
    lines[2] = fields.join('|');
    const bad = lines.join('\n');
    const [got, want] = [
      await failure(writtenLayout(bad, 1 << 16, 'number')),
      await failure(reference(bad)),
    ];
    expect(got.message).toBe(want.message);
    expect(got.context).toEqual({file: FILE, line: 3});
  });
});
