import fs from 'fs';
import path from 'path';

import {fileRowsSchema} from '../scripts/schemas/file-rows';
import {FIXED_ROW_FIELDS} from '../src/extract-file';

const FILE = path.join(
  __dirname,
  '..',
  'resources',
  'schemas',
  'extract_file_rows.json'
);

describe('extract_file_rows schema', () => {
  test('resources/schemas/extract_file_rows.json is what the layout tables declare (npm run gen:schema)', () => {
    expect(JSON.parse(fs.readFileSync(FILE, 'utf8'))).toEqual(fileRowsSchema());
  });

  test('every fixed field and the contract columns are declared, with their types', () => {
    const props = (fileRowsSchema() as any).properties;
    for (const f of FIXED_ROW_FIELDS) expect(props[f]).toBeDefined();
    expect(props.batch_id.type).toEqual(['null', 'integer']);
    expect(props.sequence_number.type).toEqual(['null', 'integer']);
    expect(props.report_key.type).toEqual(['null', 'string']);
    expect(props.report_entry_transaction_date).toMatchObject({
      type: ['null', 'string'],
      format: 'date',
    });
    expect(props.journal_amount.type).toEqual(['null', 'number']);
    expect(props.record_count.type).toEqual(['null', 'integer']);
    expect(props.journal_amount_total.type).toEqual(['null', 'number']);
    expect(props.cash_advance_key.type).toEqual(['null', 'string']);
  });
});
