import fs from 'fs';
import path from 'path';

import {DataError} from '../src/errors';
import {
  checkExtractFiles,
  ExtractRecord,
  fileRecords,
  readExtractRecords,
  RecordBatch,
} from '../src/extract-file';
import {JsonBytes, releaseBytes} from '../src/extract-file/json-bytes';
import {parseLines} from '../src/extract-file/parser';
import {BAD_FILES, failure, GOOD_FILES, SAMPLES, tmpDir} from './helpers/file';
import {FileRow, readExtractRows} from './helpers/reference-rows';

const FIELDS = {
  definition_id: 'def$1',
  definition_name: 'Standard Accounting Extract',
  job_id: 'job-1',
  job_stop_time: '2024-01-31T10:00:00Z',
};

async function recordTexts(file: string): Promise<string[]> {
  const out: string[] = [];
  const opts = {defaultName: 'job-1.txt', maxUnzippedBytes: 1e6};
  const checks = await checkExtractFiles(file, opts);
  const failed = checks.find((c) => c.error);
  if (failed) throw failed.error;
  for await (const batch of readExtractRecords(file, {
    ...opts,
    checks,
    fields: FIELDS,
  })) {
    out.push(...linesOf(batch));
  }
  return out;
}

/** A batch's records (default envelope: one data object per line). */
function linesOf(batch: RecordBatch): string[] {
  const text = batch.bytes.toString('utf8');
  const lines = text ? text.slice(0, -1).split('\n') : [];
  expect(lines).toHaveLength(batch.count);
  return lines;
}

async function records(file: string): Promise<ExtractRecord[]> {
  return (await recordTexts(file)).map((t) => JSON.parse(t));
}

async function rows(file: string): Promise<FileRow[]> {
  const out: FileRow[] = [];
  for await (const batch of readExtractRows(file, {
    defaultName: 'job-1.txt',
    maxUnzippedBytes: 1e6,
  })) {
    out.push(...batch.rows);
  }
  return out;
}

describe('readExtractRecords', () => {
  test('lines with a character JSON escapes are not "plain"; their records are still exact', async () => {
    const lines: [string, boolean][] = [
      ['a|b|c', true],
      ['a|"b|c"', false],
      ['a|back\\slash', false],
      ['a|tab\there', false],
      ['a|São Paulo €', false],
      ["a|  spaced ~!#$%&'()*+,-./:;<=>?@[]^_`{}", true],
    ];
    const text = lines.map(([l]) => l).join('\n');
    const parsed = [];
    for await (const batch of parseLines([text], 't.txt'))
      parsed.push(...batch);
    expect(parsed.map((p) => p.plain)).toEqual(lines.map(([, plain]) => plain));
    const texts: string[] = [];
    for await (const b of fileRecords([text], 't.txt'))
      texts.push(...linesOf(b));
    expect(texts).toEqual(
      parsed.map((p) =>
        JSON.stringify({
          file_name: 't.txt',
          line_number: p.lineNumber,
          record_type: p.values[0],
          layout: null,
          values: p.values,
        })
      )
    );
  });

  test('record shape: fixed fields first, then the typed columns', async () => {
    const recs = await records(
      path.join(SAMPLES, 'cornell_extract_CES_SAE_v3_testGoodFile.txt')
    );
    expect(recs).toHaveLength(4);
    expect(Object.keys(recs[0])).toEqual([
      'definition_id',
      'definition_name',
      'job_id',
      'job_stop_time',
      'file_name',
      'line_number',
      'record_type',
      'layout',
      'values',
      'batch_date',
      'record_count',
      'journal_amount_total',
      'batch_id',
    ]);
    expect(recs[1]).toMatchObject({
      ...FIELDS,
      file_name: 'job-1.txt',
      line_number: 2,
      record_type: 'DETAIL',
      layout: 'sae_v3',
      batch_id: 567,
      sequence_number: 1,
      journal_debit_or_credit: 'DR',
    });
  });

  test.each(GOOD_FILES)('%s: same content as readExtractRows', async (name) => {
    const file = path.join(SAMPLES, name);
    // The record text is built by hand; it must be exactly what JSON.stringify
    // makes of the same record assembled as an object.
    const [texts, rws] = [await recordTexts(file), await rows(file)];
    expect(texts).toEqual(
      rws.map((r) => {
        const {columns, ...rest} = r;
        return JSON.stringify({
          ...FIELDS,
          file_name: 'job-1.txt',
          ...rest,
          ...columns,
        });
      })
    );
  });

  test.each(BAD_FILES)(
    '%s fails with a DataError naming file and line',
    async (name) => {
      const err = await failure(records(path.join(SAMPLES, name)));
      expect(err).toBeInstanceOf(DataError);
      expect(err.context.file).toBe('job-1.txt');
      expect(err.context.line).toEqual(expect.any(Number));
    }
  );

  test('an empty body yields one empty batch for its file', async () => {
    const dir = tmpDir();
    try {
      const file = path.join(dir, 'empty');
      fs.writeFileSync(file, '');
      const batches = [];
      const opts = {defaultName: 'e.txt', maxUnzippedBytes: 1};
      const checks = await checkExtractFiles(file, opts);
      for await (const b of readExtractRecords(file, {...opts, checks}))
        batches.push(b);
      expect(batches).toEqual([
        {file: 'e.txt', count: 0, bytes: Buffer.alloc(0)},
      ]);
    } finally {
      fs.rmSync(dir, {recursive: true, force: true});
    }
  });
});

describe('JsonBytes', () => {
  test('grows as reserved, and refuses a batch written past its capacity', () => {
    const out = new JsonBytes(4);
    out.reserve(10);
    out.ascii('0123456789');
    expect(out.take().toString()).toBe('0123456789');
    // No reserve: the typed array drops what does not fit (the buffer may be a reused, larger one).
    out.ascii('x'.repeat(out.buf.length));
    expect(() => out.take()).toThrow(/overflow/);
  });

  test('a buffer takes new batches only once every batch cut from it is back, and the writer is done', () => {
    const first = new JsonBytes(64);
    const slab = first.buf;
    const batch = (c: string): Buffer => {
      first.ascii(c.repeat(20));
      return first.take();
    };
    const [a, b, c] = [batch('a'), batch('b'), batch('c')]; // c fills it: the writer moves on
    releaseBytes(a);
    releaseBytes(b);
    expect(new JsonBytes(64).buf).not.toBe(slab); // c is still out
    releaseBytes(c);
    releaseBytes(c); // a second time: ignored
    releaseBytes(Buffer.alloc(8)); // not a writer's: ignored
    expect([a, b, c].map(String)).toEqual(
      ['a', 'b', 'c'].map((x) => x.repeat(20))
    );
    expect(new JsonBytes(64).buf).toBe(slab);

    const busy = new JsonBytes(64);
    busy.ascii('d');
    releaseBytes(busy.take());
    expect(new JsonBytes(64).buf).not.toBe(busy.buf); // still written into
    busy.retire();
    expect(new JsonBytes(64).buf).toBe(busy.buf);
  });
});
