/** Shared helpers of the test/file.*.test.ts suites (not a test file). */
import fs from 'fs';
import os from 'os';
import path from 'path';

import {ConnectorError} from '../../src/errors';
import {checkFile} from '../../src/extract-file';
import {ParsedLine, parseLines} from '../../src/extract-file/parser';
import {FileRow, fileRows} from './reference-rows';

/** The Cornell SAE v3 files and the derived layout CSVs (shared with the simulator). */
export const SAMPLES = path.join(__dirname, '../../../shared/samples/concur');

export const GOOD_FILES = [
  'cornell_ConcurStandardAccountingExtract.txt',
  'cornell_extract_CES_SAE_v3_testGoodFile.txt',
  'cornell_extract_CES_SAE_v3_testGoodQuoteFile.txt',
  'cornell_extract_CES_SAE_v3_testGoodInCellQuoteFile.txt',
  'cornell_extract_CES_SAE_v3_testGoodFileWithCorrectableQuotes.txt',
  'cornell_extract_CES_SAE_v3_testGoodFileWithSpecialChars.txt',
];

export const BAD_FILES = [
  'cornell_extract_CES_SAE_v3_testBadQuoteFile.txt',
  'cornell_extract_CES_SAE_v3_testBadQuoteFile2.txt',
];

export function sample(name: string): Buffer {
  return fs.readFileSync(path.join(SAMPLES, name));
}

/** Splits bytes into chunks of `size` bytes (1 = worst case for decoding across boundaries). */
export function chunks(bytes: Buffer | string, size: number): Buffer[] {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size)
    out.push(buf.subarray(i, i + size));
  return out;
}

export async function parseAll(
  input: Buffer | string | Buffer[],
  fileName = 'test.txt',
  batchSize?: number
): Promise<Omit<ParsedLine, 'plain' | 'text'>[]> {
  const source = Array.isArray(input) ? input : [input];
  const out: Omit<ParsedLine, 'plain' | 'text'>[] = [];
  for await (const batch of parseLines(source, fileName, {batchSize})) {
    // `plain` is a hint for the JSON writer, tested on its own (file.records).
    out.push(...batch.map(({lineNumber, values}) => ({lineNumber, values})));
  }
  return out;
}

export async function rowsOf(
  input: Buffer | string | Buffer[],
  fileName = 'test.txt'
): Promise<FileRow[]> {
  const source = Array.isArray(input) ? input : [input];
  // As the connector reads a file: its first pass, then (if it passed) its rows.
  const check = await checkFile(source, fileName);
  if (check.error) throw check.error;
  const out: FileRow[] = [];
  for await (const {rows} of fileRows(source, fileName, check.layout)) {
    out.push(...rows);
  }
  return out;
}

/** Awaits a promise that must fail with a ConnectorError; returns it. */
export async function failure(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ConnectorError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

/** A DETAIL line of the SAE v3 layout (400 fields), with the given 1-based columns set. */
export function saeDetail(cols: Record<number, string>): string {
  const f = new Array<string>(400).fill('');
  f[0] = 'DETAIL';
  for (const [col, v] of Object.entries(cols)) f[Number(col) - 1] = v;
  return f.join('|');
}

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'extract-file-test-'));
}
