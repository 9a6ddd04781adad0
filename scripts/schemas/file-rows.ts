import {schemaProperties} from './columns';

/**
 * The JSON schema of extract_file_rows: the fixed fields, then every column of
 * every recognised layout (Airbyte drops undeclared fields, so all are
 * declared). resources/schemas/extract_file_rows.json is this, written by
 * `npm run gen:schema`; a test keeps the two equal.
 */
export function fileRowsSchema(): object {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'extract_file_rows',
    description:
      'One record per line of every file of every Completed extract job. SAE v3 and PRAE lines also carry ' +
      'named, typed columns (snake_case of the Concur workbook field names); empty fields are omitted.',
    type: 'object',
    additionalProperties: true,
    required: ['definition_id', 'job_id', 'file_name', 'line_number', 'values'],
    properties: {
      ...jobFileProperties(),
      record_type: {
        type: ['null', 'string'],
        description:
          'The first field of the line: EXTRACT, DETAIL, REQUEST DETAIL, …',
      },
      layout: {
        type: ['null', 'string'],
        enum: [null, 'sae_v3', 'sae_v2', 'prae'],
        description: 'The recognised layout of the line, or null.',
      },
      values: {
        type: 'array',
        items: {type: 'string'},
        description:
          'Every field of the line in order, exactly as in the file after CSV unquoting.',
      },
      ...schemaProperties(),
    },
  };
}

/** The fields every file-derived record starts with: its definition, job, file and line. */
export function jobFileProperties(): Record<string, object> {
  return {
    definition_id: {
      type: 'string',
      description: 'Id of the job’s extract definition.',
    },
    definition_name: {
      type: ['null', 'string'],
      description: 'Name of the job’s extract definition.',
    },
    job_id: {
      type: 'string',
      description: 'Id of the job that produced the file.',
    },
    job_stop_time: {
      type: ['null', 'string'],
      format: 'date-time',
      description:
        'When the job finished (ISO 8601 UTC): the incremental cursor.',
    },
    file_name: {
      type: 'string',
      description:
        'The ZIP entry name, or "<job id>.txt" for a single-file body.',
    },
    line_number: {
      type: 'integer',
      description: '1-based line number in the file.',
    },
  };
}
