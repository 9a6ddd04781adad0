import {schemaProperties} from '../scripts/schemas/columns';
import {DataError} from '../src/errors';
import {FIXED_ROW_FIELDS, LAYOUT_TABLES} from '../src/extract-file/layouts';
import {failure, GOOD_FILES, rowsOf, saeDetail, sample} from './helpers/file';
import {FileRow} from './helpers/reference-rows';

const GOOD = 'cornell_extract_CES_SAE_v3_testGoodFile.txt';

describe('SAE v3 column names (contract)', () => {
  let rows: FileRow[];
  beforeAll(async () => {
    rows = await rowsOf(sample(GOOD), GOOD);
  });

  test('the EXTRACT header', () => {
    expect(rows[0]).toEqual({
      line_number: 1,
      record_type: 'EXTRACT',
      layout: 'sae_v3',
      values: ['EXTRACT', '2019-02-01', '3', '1230.3600', '567'],
      columns: {
        batch_date: '2019-02-01',
        record_count: 3,
        journal_amount_total: 1230.36,
        batch_id: 567,
      },
    });
  });

  test('DETAIL columns by number', () => {
    const byColumn = (col: number): string =>
      LAYOUT_TABLES[0].detail.columns[col - 2].name;
    expect(
      [2, 3, 4, 5, 19, 20, 61, 64, 123, 167, 168, 169, 187].map(byColumn)
    ).toEqual([
      'batch_id',
      'batch_date',
      'sequence_number',
      'employee_id',
      'report_id',
      'report_key',
      'report_entry_id',
      'report_entry_transaction_date',
      'report_entry_transaction_amount',
      'journal_account_code',
      'journal_debit_or_credit',
      'journal_amount',
      'cash_advance_key',
    ]);
  });

  test('a DETAIL row: typed values, empty fields omitted', () => {
    const r = rows[1];
    expect(r.layout).toBe('sae_v3');
    expect(r.record_type).toBe('DETAIL');
    expect(r.values).toHaveLength(400);
    const c = r.columns;
    expect(c.batch_id).toBe(567);
    expect(c.batch_date).toBe('2019-02-01');
    expect(c.sequence_number).toBe(1);
    expect(typeof c.employee_id).toBe('string');
    expect(typeof c.report_key).toBe('string'); // numeric here, but a Report Number in newer SAE versions
    expect(typeof c.journal_amount).toBe('number');
    expect(Object.values(c)).not.toContain('');
    const nonEmpty = r.values.slice(1).filter((v) => v !== '').length;
    expect(Object.keys(c)).toHaveLength(nonEmpty);
  });

  test('names: snake_case, unique per record type, clear of the fixed row fields', () => {
    for (const table of LAYOUT_TABLES) {
      for (const rt of [table.header, table.detail]) {
        const names = rt.columns.map((c) => c.name);
        expect(new Set(names).size).toBe(names.length);
        for (const n of names) {
          expect(n).toMatch(/^[a-z][a-z0-9_]*$/);
          expect(FIXED_ROW_FIELDS).not.toContain(n);
        }
        expect(rt.columns).toHaveLength(rt.fieldCount - 1);
      }
    }
  });

  test('parentheses are dropped with their content; repeated names get their column number', () => {
    const detail = LAYOUT_TABLES[0].detail.columns;
    const name = (col: number): string => detail[col - 2].name;
    expect(name(9)).toBe('employee_group_id'); // Employee Group ID (Custom 21)
    expect(name(261)).toBe('future_use_261');
    expect(name(400)).toBe('future_use_400');
    expect(name(313)).toBe('amount_due_employee_313');
    expect(name(319)).toBe('amount_due_employee_319');
    expect(name(340)).toBe('state_province'); // State/Province
    expect(name(291)).toBe('employee_banking_account_is_active'); // …is Active?
  });
});

describe('typing', () => {
  const header = 'EXTRACT|2019-02-01|1|-5.0000|7';

  /** One DETAIL line; its journal amount (col 169) is -5 unless given, and then the header says so. */
  async function detailColumns(
    cols: Record<number, string>
  ): Promise<FileRow['columns']> {
    const head = cols[169] ? `EXTRACT|2019-02-01|1|${cols[169]}|7` : header;
    const rows = await rowsOf(
      `${head}\n${saeDetail({2: '7', 169: '-5.0000', ...cols})}\n`,
      'typed.txt'
    );
    return rows[1].columns;
  }

  test('amounts are numbers, a leading + dropped', async () => {
    const c = await detailColumns({169: '+600.1100', 123: '0', 124: '.5'});
    expect(c.journal_amount).toBe(600.11);
    expect(c.report_entry_transaction_amount).toBe(0);
    expect(c.report_entry_posted_amount).toBe(0.5);
  });

  test('a currency symbol before the digits is dropped (Cornell special-characters fixture)', async () => {
    const c = await detailColumns({123: '¤1230.3600', 124: '-$5'});
    expect(c.report_entry_transaction_amount).toBe(1230.36);
    expect(c.report_entry_posted_amount).toBe(-5);
  });

  test('YYYY/MM/DD dates are normalised (SAE col 256)', async () => {
    const c = await detailColumns({256: '2024/02/29', 64: '2023-12-31'});
    expect(c.estimated_payment_date).toBe('2024-02-29');
    expect(c.report_entry_transaction_date).toBe('2023-12-31');
  });

  test.each([
    [
      {123: 'abc'},
      'report_entry_transaction_amount',
      'abc',
      'a decimal number',
    ],
    [
      {123: '1,5'},
      'report_entry_transaction_amount',
      '1,5',
      'a decimal number',
    ],
    [
      {123: '1e5'},
      'report_entry_transaction_amount',
      '1e5',
      'a decimal number',
    ],
    [
      {123: ' 1.5'},
      'report_entry_transaction_amount',
      ' 1.5',
      'a decimal number',
    ],
    [
      {123: 'A1.5'},
      'report_entry_transaction_amount',
      'A1.5',
      'a decimal number',
    ],
    [
      {64: '2019-02-30'},
      'report_entry_transaction_date',
      '2019-02-30',
      'a date',
    ],
    [{64: '2019-2-3'}, 'report_entry_transaction_date', '2019-2-3', 'a date'],
    [
      {64: '2023/02/29'},
      'report_entry_transaction_date',
      '2023/02/29',
      'a date',
    ],
    [{4: '1.5'}, 'sequence_number', '1.5', 'an integer'],
  ])(
    '%j is refused, naming file, line, column and value',
    async (cols, column, value, expected) => {
      const err = await failure(detailColumns(cols));
      expect(err).toBeInstanceOf(DataError);
      expect(err.code).toBe('FILE_VALUE_INVALID');
      expect(err.context).toEqual({file: 'typed.txt', line: 2});
      // Naming the column, the value and the type is the feature.
      expect(err.message).toContain(`column ${column} `);
      expect(err.message).toContain(JSON.stringify(value));
      expect(err.message).toContain(`expected ${expected}`);
    }
  );

  test('a DETAIL line with the wrong field count is refused', async () => {
    const err = await failure(
      rowsOf(`${header}\nDETAIL|7|2019-02-01\n`, 'short.txt')
    );
    expect(err.code).toBe('FILE_WIDTH_MISMATCH');
    expect(err.context).toEqual({file: 'short.txt', line: 2});
  });

  test.each(GOOD_FILES)(
    '%s: every value of the sample fits its type',
    async (name) => {
      const rows = await rowsOf(sample(name), name);
      expect(rows.every((r) => r.layout === 'sae_v3')).toBe(true);
    }
  );
});

describe('other layouts', () => {
  function praeDetail(cols: Record<number, string>, type = 'Detail'): string {
    const f = new Array<string>(256).fill('');
    f[0] = type;
    for (const [col, v] of Object.entries(cols)) f[Number(col) - 1] = v;
    return f.join('|');
  }

  test('PRAE: Extract header (batch id first) and 256-field Detail lines', async () => {
    const text = [
      'Extract|12|2024/01/31|1|100.00',
      praeDetail({
        2: '4711',
        7: '2024/01/15',
        9: '100.00',
        62: '100.00',
        64: 'DR',
        94: 'E1',
      }),
    ].join('\n');
    const rows = await rowsOf(text, 'prae.txt');
    expect(rows[0]).toMatchObject({
      layout: 'prae',
      record_type: 'Extract',
      columns: {
        batch_id: 12,
        batch_date: '2024-01-31',
        record_count: 1,
        journal_amount_total: 100,
      },
    });
    expect(rows[1].layout).toBe('prae');
    expect(rows[1].columns).toEqual({
      request_key: 4711,
      invoice_date: '2024-01-15',
      invoice_amount: 100,
      journal_amount: 100,
      debit_or_credit: 'DR',
      employee_id: 'E1',
    });
  });

  test('PRAE record types are matched in any case', async () => {
    const rows = await rowsOf(
      `EXTRACT|12|2024-01-31|1|1\n${praeDetail({2: '1'}, 'DETAIL')}\n`
    );
    expect(rows.map((r) => r.layout)).toEqual(['prae', 'prae']);
  });

  test('an unrecognised file: layout null, values only', async () => {
    const text =
      'EXTRACT|2019-02-01|1|10.00\nREQUEST DETAIL|a|b\nREQUEST ENTRY DETAIL|c\n';
    const rows = await rowsOf(text, 'request.txt');
    expect(rows).toEqual([
      {
        line_number: 1,
        record_type: 'EXTRACT',
        layout: null,
        values: ['EXTRACT', '2019-02-01', '1', '10.00'],
        columns: {},
      },
      {
        line_number: 2,
        record_type: 'REQUEST DETAIL',
        layout: null,
        values: ['REQUEST DETAIL', 'a', 'b'],
        columns: {},
      },
      {
        line_number: 3,
        record_type: 'REQUEST ENTRY DETAIL',
        layout: null,
        values: ['REQUEST ENTRY DETAIL', 'c'],
        columns: {},
      },
    ]);
  });

  test('a file without a header is not recognised, even with SAE DETAIL lines', async () => {
    const rows = await rowsOf(`${saeDetail({2: '1'})}\n`);
    expect(rows[0].layout).toBeNull();
  });

  test('an unknown record type inside an SAE file has layout null', async () => {
    const rows = await rowsOf('EXTRACT|2019-02-01|0|0|1\nTRAILER|x\n');
    expect(rows[1]).toMatchObject({
      layout: null,
      record_type: 'TRAILER',
      columns: {},
    });
  });
});

describe('schemaProperties', () => {
  const props = schemaProperties();

  test('declares every column of every layout', () => {
    for (const table of LAYOUT_TABLES) {
      for (const rt of [table.header, table.detail]) {
        for (const c of rt.columns) expect(props[c.name]).toBeDefined();
      }
    }
  });

  test('types', () => {
    expect(props.journal_amount).toEqual({
      type: ['null', 'number'],
      description:
        'sae_v3 DETAIL field 169 "Journal Amount"; sae_v2 DETAIL field 169 "Journal Amount"; prae Detail field 62 "Journal Amount"',
    });
    expect(props.report_entry_transaction_date).toMatchObject({
      type: ['null', 'string'],
      format: 'date',
    });
    expect(props.report_key).toMatchObject({type: ['null', 'string']});
    expect(props.report_key.format).toBeUndefined();
    expect(props.batch_id).toMatchObject({type: ['null', 'integer']});
    expect(props.record_count).toMatchObject({type: ['null', 'integer']});
  });

  test('no fixed row field among them', () => {
    for (const f of FIXED_ROW_FIELDS) expect(props[f]).toBeUndefined();
  });
});
