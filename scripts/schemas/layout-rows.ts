import {
  LAYOUT_STREAMS,
  LayoutStreamName,
} from '../../src/streams/layout-streams';
import {schemaProperties} from './columns';
import {jobFileProperties} from './file-rows';

/**
 * The JSON schema of sae_rows / prae_rows: the job and file fields, `layout`,
 * and the DETAIL columns of that layout family only — the same names, types
 * and descriptions as in extract_file_rows. resources/schemas/<name>.json is
 * this, written by `npm run gen:schema`; a test keeps the two equal.
 */
export function layoutRowsSchema(name: LayoutStreamName): object {
  const {title, tables} = LAYOUT_STREAMS[name];
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: name,
    description:
      `One record per ${title} DETAIL line of every Completed extract job, with its named, typed columns ` +
      '(snake_case of the Concur workbook field names); empty fields are omitted. The raw fields of every ' +
      'line are in extract_file_rows.',
    type: 'object',
    additionalProperties: true,
    required: ['definition_id', 'job_id', 'file_name', 'line_number', 'layout'],
    properties: {
      ...jobFileProperties(),
      layout: {
        type: 'string',
        enum: tables.map((t) => t.layout),
        description: 'The layout of the file the line belongs to.',
      },
      ...schemaProperties(tables, ['detail']),
    },
  };
}
