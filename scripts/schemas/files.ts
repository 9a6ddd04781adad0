import {LAYOUT_TABLES} from '../../src/extract-file';
import {jobFileProperties} from './file-rows';

const nullable = (type: string, description: string, extra = {}): object => ({
  type: ['null', type],
  ...extra,
  description,
});

/**
 * The JSON schema of extract_files, the reconciliation ledger: one record per
 * file of every Completed job read, also for files that failed their checks
 * or were skipped. resources/schemas/extract_files.json is this, written by
 * `npm run gen:schema`; a test keeps the two equal.
 */
export function filesSchema(): object {
  const jobFile = jobFileProperties();
  delete jobFile.line_number; // one record per file, not per line
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'extract_files',
    description:
      'One record per file of every Completed extract job read (a text body is one file, a ZIP one per entry), ' +
      'including files that failed their checks or were skipped: what arrived, what its header declares, what its ' +
      'lines add up to, and whether its rows were emitted.',
    type: 'object',
    additionalProperties: true,
    required: [
      'definition_id',
      'job_id',
      'file_name',
      'verification',
      'rows_emitted',
    ],
    properties: {
      ...jobFile,
      layout: nullable(
        'string',
        'The recognised layout of the file, or null.',
        {
          enum: [null, ...LAYOUT_TABLES.map((t) => t.layout)],
        }
      ),
      size_bytes: nullable(
        'integer',
        'Size of the file as served, in bytes (a ZIP entry: uncompressed).'
      ),
      sha256: nullable(
        'string',
        'SHA-256 (hex) of the file’s bytes as served (a ZIP entry: its uncompressed bytes).'
      ),
      line_count: nullable(
        'integer',
        'Physical lines in the file (a last line without a line break counts).'
      ),
      header_record_count: nullable(
        'integer',
        'The record count of the file’s EXTRACT header; null when the header does not carry one.'
      ),
      header_journal_amount_total: nullable(
        'number',
        'The journal amount total of the file’s EXTRACT header; null when the header does not carry one.'
      ),
      header_batch_id: nullable(
        'integer',
        'The batch id of the EXTRACT header; null when the header does not carry one.'
      ),
      header_batch_date: nullable(
        'string',
        'The batch date of the EXTRACT header; null when the header does not carry one.',
        {format: 'date'}
      ),
      detail_line_count: nullable(
        'integer',
        'DETAIL lines in the file (0 for a file of no recognised layout).'
      ),
      detail_journal_amount_total: nullable(
        'number',
        'Sum of the journal amounts of the DETAIL lines, computed exactly (null when not an SAE file).'
      ),
      verification: {
        type: 'string',
        enum: ['verified', 'unverifiable', 'failed'],
        description:
          'verified: the header’s count and total match the lines; unverifiable: the file carries no count/total ' +
          'to check against; failed: a check failed (see error).',
      },
      rows_emitted: {
        type: 'boolean',
        description:
          'Whether the file’s rows were emitted to the row streams (false for a failed or skipped file).',
      },
      error: nullable(
        'string',
        'Why the file failed its checks or was skipped; null otherwise.'
      ),
    },
  };
}
