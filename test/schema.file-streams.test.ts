import fs from 'fs';
import path from 'path';

import {fileRowsSchema} from '../scripts/schemas/file-rows';
import {filesSchema} from '../scripts/schemas/files';
import {layoutRowsSchema} from '../scripts/schemas/layout-rows';
import {schemaWithAmountsAs} from '../src/extract-file';

const committed = (name: string): any =>
  JSON.parse(
    fs.readFileSync(
      path.join(__dirname, '..', 'resources', 'schemas', `${name}.json`),
      'utf8'
    )
  );

describe('sae_rows, prae_rows and extract_files schemas', () => {
  test.each([
    ['sae_rows', () => layoutRowsSchema('sae_rows')],
    ['prae_rows', () => layoutRowsSchema('prae_rows')],
    ['extract_files', filesSchema],
  ])(
    'resources/schemas/%s.json is what the layout tables declare (npm run gen:schema)',
    (name, generate) => {
      expect(committed(name)).toEqual(generate());
    }
  );

  test('the per-layout schemas declare DETAIL columns only, typed as in extract_file_rows', () => {
    const raw = (fileRowsSchema() as any).properties;
    const sae = (layoutRowsSchema('sae_rows') as any).properties;
    const prae = (layoutRowsSchema('prae_rows') as any).properties;
    expect(sae.layout.enum).toEqual(['sae_v3', 'sae_v2']);
    expect(prae.layout.enum).toEqual(['prae']);
    for (const props of [sae, prae]) {
      expect(props.values).toBeUndefined();
      expect(props.record_type).toBeUndefined();
      expect(props.record_count).toBeUndefined(); // a header column
      for (const [name, p] of Object.entries<any>(props)) {
        if (name !== 'layout')
          expect([name, p.type]).toEqual([name, raw[name].type]);
      }
    }
    expect(sae.journal_amount.type).toEqual(['null', 'number']);
    expect(prae.request_key.type).toEqual(['null', 'integer']);
  });

  test('amounts_as: string turns every number property into a string, nothing else', () => {
    const schema = filesSchema() as any;
    const asString = schemaWithAmountsAs(schema, 'string') as any;
    for (const [name, p] of Object.entries<any>(schema.properties)) {
      const q = asString.properties[name];
      if ([].concat(p.type).includes('number' as never)) {
        expect([name, q.type]).toEqual([name, ['null', 'string']]);
      } else {
        expect([name, q]).toEqual([name, p]);
      }
    }
    expect(schemaWithAmountsAs(schema, 'number')).toBe(schema);
  });
});
