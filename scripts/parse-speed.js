#!/usr/bin/env node
/**
 * Local throughput check of the extract-file layer (not a test).
 *
 *   npx tsc -p tsconfig.build.json && node scripts/parse-speed.js [MB]
 *
 * Writes an SAE v3 file of about MB megabytes (default 50) built from the
 * Cornell sample's DETAIL lines (1 in 50 lines carries quoted fields), then
 * times, each over the same bytes and ending in JSON.stringify of one record
 * per line (the work the stream does):
 *   - readExtractRecords (reader + parser + typed columns + verification)
 *   - readExtractRows with `...columns` spread into each record (slow, for comparison)
 *   - parseLines alone (values only)
 *   - csv-parse (stream API) with the reference options, values only
 *   - csv-parse feeding the same typed records as readExtractRecords
 * Set EXTRACT_FILE_LIB to use another build of src/extract-file.
 */
'use strict';
/* eslint-disable @typescript-eslint/no-var-requires -- a plain Node script */

const fs = require('fs');
const os = require('os');
const path = require('path');
const {parse} = require('csv-parse');

const LIB =
  process.env.EXTRACT_FILE_LIB ||
  path.join(__dirname, '..', 'lib', 'src', 'extract-file');
const {checkExtractFiles, readExtractRecords} = require(LIB);
const {parseLines} = require(path.join(LIB, 'parser'));
// The object-building reference reader (test/helpers, compiled by tsconfig.build.json).
const REFERENCE = path.join(__dirname, '..', 'lib', 'test', 'helpers', 'reference-rows');
const {columnsFor, readExtractRows} = require(REFERENCE);

const SAMPLES = path.join(__dirname, '..', '..', 'shared', 'samples', 'concur');

function sampleDetails() {
  const read = (f) =>
    fs
      .readFileSync(path.join(SAMPLES, f), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('DETAIL|'));
  return {
    plain: read('cornell_ConcurStandardAccountingExtract.txt'),
    quoted: read(
      'cornell_extract_CES_SAE_v3_testGoodInCellQuoteFile.txt'
    ).filter((l) => l.includes('"')),
  };
}

/** Writes the file; returns its path and size. Journal amounts are all +1.0000 so the header verifies. */
function writeSample(targetBytes) {
  const {plain, quoted} = sampleDetails();
  const file = path.join(os.tmpdir(), `parse-speed-${process.pid}.txt`);
  const lines = [];
  let bytes = 0;
  for (let i = 0; bytes < targetBytes; i++) {
    const base =
      i % 50 === 49 ? quoted[i % quoted.length] : plain[i % plain.length];
    const f = base.split('|'); // the quoted samples keep their quotes: no field of theirs we touch holds a `|`
    const line = setFields(base, {3: String(i + 1), 168: '+1.0000'}, f.length);
    lines.push(line);
    bytes += line.length + 1;
  }
  const header = `EXTRACT|2016-12-09|${lines.length}|${lines.length}.0000|3`;
  fs.writeFileSync(file, `${header}\n${lines.join('\n')}\n`);
  return {file, bytes: fs.statSync(file).size, lines: lines.length + 1};
}

/** Replaces fields by 0-based index, counting fields the way the parser does (quoted `|` kept inside). */
function setFields(line, changes) {
  const parts = [];
  let i = 0;
  let field = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (ch === '|' && !quoted) {
      parts.push(i in changes ? changes[i] : field);
      field = '';
      i++;
    } else field += ch;
  }
  parts.push(i in changes ? changes[i] : field);
  return parts.join('|');
}

const FIXED = {
  definition_id: 'nYoPK$pZmcowMRUqcl5bnDAwwsMydyt$xd',
  definition_name: 'Standard Accounting Extract',
  job_id: 'job-1',
  job_stop_time: '2024-01-01T00:00:00Z',
};

async function ours(file) {
  let out = 0;
  let rows = 0;
  const opts = {defaultName: 'speed.txt', maxUnzippedBytes: 1e12};
  const checks = await checkExtractFiles(file, opts);
  for await (const {records} of readExtractRecords(file, {
    ...opts,
    checks,
    fields: FIXED,
  })) {
    for (const r of records) {
      out += JSON.stringify(r).length;
      rows++;
    }
  }
  return {rows, out};
}

/** readExtractRows with its columns spread into each record (the slow way, for comparison). */
async function oursSpread(file) {
  let out = 0;
  let rows = 0;
  for await (const {file: name, rows: batch} of readExtractRows(file, {
    defaultName: 'speed.txt',
    maxUnzippedBytes: 1e12,
  })) {
    for (const r of batch) {
      const record = {
        ...FIXED,
        file_name: name,
        line_number: r.line_number,
        record_type: r.record_type,
        layout: r.layout,
        values: r.values,
        ...r.columns,
      };
      out += JSON.stringify(record).length;
      rows++;
    }
  }
  return {rows, out};
}

async function oursValuesOnly(file) {
  let out = 0;
  let rows = 0;
  for await (const batch of parseLines(
    fs.createReadStream(file, {highWaterMark: 1 << 20}),
    'speed.txt'
  )) {
    for (const l of batch) {
      out += JSON.stringify({
        ...FIXED,
        line_number: l.lineNumber,
        values: l.values,
      }).length;
      rows++;
    }
  }
  return {rows, out};
}

async function csvParse(file) {
  let out = 0;
  let rows = 0;
  const parser = fs.createReadStream(file, {highWaterMark: 1 << 20}).pipe(
    parse({
      delimiter: '|',
      relax_quotes: true,
      relax_column_count: true,
      bom: true,
      info: true,
    })
  );
  for await (const {record, info} of parser) {
    out += JSON.stringify({
      ...FIXED,
      line_number: info.lines,
      values: record,
    }).length;
    rows++;
  }
  return {rows, out};
}

/** csv-parse feeding the same typed records (the reference reader's columnsFor): the same output as readExtractRecords. */
async function csvParseTyped(file) {
  const {fileLayoutOf} = require(path.join(LIB, 'layouts'));
  let out = 0;
  let rows = 0;
  let layout;
  const parser = fs.createReadStream(file, {highWaterMark: 1 << 20}).pipe(
    parse({
      delimiter: '|',
      relax_quotes: true,
      relax_column_count: true,
      bom: true,
      info: true,
    })
  );
  for await (const {record, info} of parser) {
    if (layout === undefined) layout = fileLayoutOf('sae_v3');
    const r = Object.setPrototypeOf(Object.create(null), Object.prototype);
    Object.assign(r, FIXED);
    r.file_name = 'speed.txt';
    r.line_number = info.lines;
    r.record_type = record[0];
    r.layout = 'sae_v3';
    r.values = record;
    const ll = layout.lineLayout(record);
    if (ll) columnsFor(ll, record, r);
    out += JSON.stringify(r).length;
    rows++;
  }
  return {rows, out};
}

async function time(label, fn, file, bytes) {
  const t0 = process.hrtime.bigint();
  const {rows, out} = await fn(file);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const mbs = bytes / 1e6 / s;
  console.log(
    `${label.padEnd(40)} ${mbs.toFixed(1).padStart(7)} MB/s  ${s.toFixed(2)}s  ${rows} rows  ${(out / 1e6).toFixed(0)} MB JSON`
  );
  return mbs;
}

async function main() {
  const mb = Number(process.argv[2] || 50);
  const {file, bytes, lines} = writeSample(mb * 1e6);
  console.log(
    `${(bytes / 1e6).toFixed(1)} MB, ${lines} lines of 400 fields (${file})`
  );
  try {
    await ours(file); // warm-up
    const a = await time('readExtractRecords + stringify', ours, file, bytes);
    if (process.env.SPREAD)
      await time(
        'readExtractRows, spread + stringify',
        oursSpread,
        file,
        bytes
      );
    await time(
      'parseLines + stringify (values only)',
      oursValuesOnly,
      file,
      bytes
    );
    const c = await time(
      'csv-parse + stringify (values only)',
      csvParse,
      file,
      bytes
    );
    const t = await time(
      'csv-parse + same typed records',
      csvParseTyped,
      file,
      bytes
    );
    console.log(
      `readExtractRecords vs csv-parse, values only: ${(a / c).toFixed(1)}x`
    );
    console.log(
      `readExtractRecords vs csv-parse, same records: ${(a / t).toFixed(1)}x`
    );
  } finally {
    fs.rmSync(file, {force: true});
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
