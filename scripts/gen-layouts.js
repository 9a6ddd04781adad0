#!/usr/bin/env node
/**
 * Generates the column tables of the recognised extract layouts from the
 * derived workbook CSVs in ../shared/samples/concur (run at development time
 * only; the connector never reads the CSVs):
 *
 *   node scripts/gen-layouts.js          writes src/extract-file/layouts/*.generated.ts
 *   node scripts/gen-layouts.js --check  exits 1 if the committed files differ
 *
 * Column names (public contract, docs/contract.md): the snake_case of the
 * workbook field name, with parentheses and their content dropped
 * ("Report Key (newer SAE versions…)" → report_key, "Employee Group ID
 * (Custom 21)" → employee_group_id); CamelCase is split (BatchID → batch_id);
 * a name used more than once in a record type gets the column number appended
 * to every use (future_use_261, amount_due_employee_313 / _319).
 *
 * Column types: see TYPE_RULES and OVERRIDES below.
 */
'use strict';
/* eslint-disable @typescript-eslint/no-var-requires -- a plain Node script */

const fs = require('fs');
const path = require('path');
const {parse} = require('csv-parse/sync');

const ROOT = path.join(__dirname, '..');
const SAMPLES = path.join(ROOT, '..', 'shared', 'samples', 'concur');
const OUT_DIR = path.join(ROOT, 'src', 'extract-file', 'layouts');

/** Top-level fields every extract_file_rows record has; no column may use these names. */
const RESERVED = [
  'definition_id',
  'definition_name',
  'job_id',
  'job_stop_time',
  'file_name',
  'line_number',
  'record_type',
  'layout',
  'values',
];

/**
 * The layouts. `recordTypes` maps the CSV's record_type column to the constant
 * the file carries in field 1 (SAE: workbook Header_Data/File_Data and the
 * Cornell samples; PRAE: the workbook's constants, unconfirmed by any sample).
 */
const LAYOUTS = [
  {
    id: 'sae_v3',
    constName: 'SAE_V3',
    title: 'Standard Accounting Extract v3',
    csv: 'derived_sae_v3_column_layout.csv',
    out: 'sae-v3.generated.ts',
    recordTypes: {'EXTRACT (file header)': 'EXTRACT', DETAIL: 'DETAIL'},
  },
  {
    id: 'prae',
    constName: 'PRAE',
    title: 'Payment Request Accounting Extract (Invoice)',
    csv: 'derived_prae_column_layout.csv',
    out: 'prae.generated.ts',
    recordTypes: {header: 'Extract', detail: 'Detail'},
  },
];

/**
 * Type rules, applied to the words of the column name (trailing number words
 * ignored: "VAT Rate 3" → rate), first match wins:
 *  - last word "date"                                   → date
 *  - last word "count"                                  → integer
 *  - any word "amount", or last word one of NUMBER_WORDS → number
 *  - anything else                                      → string
 * Identifiers and keys stay strings even when they look numeric (report_key
 * carries a 6-character Report Number in newer SAE versions; a string never
 * fails a sync and joins the same). Integers are only counts, batch ids and
 * sequence numbers (OVERRIDES), where the workbook guarantees digits.
 */
const NUMBER_WORDS = new Set([
  'total',
  'rate',
  'percentage',
  'limit',
  'threshold',
  'distance',
  'quantity',
  'price',
  'tax',
]);

/** Where the rules above are wrong, by workbook field name; each with its reason. */
const OVERRIDES = {
  sae_v3: {
    'Batch ID': 'integer', // "starts at 1, increments per batch"
    'Sequence Number': 'integer', // 1..n line number
    'Total Employee Attendee': 'number', // 23-digit amount field
    'Total Spouse Attendee': 'number',
    'Total Business Attendee': 'number',
    'Exchange Rate From Billing To Employee Currency': 'number',
    'Credit Card Transaction Sales': 'number', // 23-digit amount field
    'Personal Expenses': 'number', // 23-digit amount field
  },
  prae: {
    BatchID: 'integer',
    'Request Key': 'integer', // workbook: integer, used by the payment confirmation import
    'Number Line Items': 'integer',
    'Line Item Sequence Order': 'integer',
    'Prorated Shipping': 'number', // 23-digit amount field
    'Matched Receipts with Quantity': 'string', // 48-character text, not a quantity
    'Vendor Includes VAT in Unit Price': 'string', // a 1-character flag, not a price
  },
};

function snakeCase(fieldName) {
  return fieldName
    .replace(/\([^)]*\)/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function typeOf(layoutId, fieldName, name) {
  const override = OVERRIDES[layoutId][fieldName];
  if (override) return override;
  const words = name.split('_');
  while (words.length > 1 && /^\d+$/.test(words[words.length - 1])) {
    words.pop();
  }
  const last = words[words.length - 1];
  if (last === 'date') return 'date';
  if (last === 'count') return 'integer';
  if (words.includes('amount') || NUMBER_WORDS.has(last)) return 'number';
  return 'string';
}

/** Max lengths that mark a decimal amount in the workbooks ("max 23 digits"). */
function looksLikeAmountField(maxLength) {
  return /^(Up to )?23( characters)?$/.test((maxLength || '').trim());
}

function buildLayout(layout) {
  const rows = parse(fs.readFileSync(path.join(SAMPLES, layout.csv)), {
    columns: true,
    skip_empty_lines: true,
  });
  const recordTypes = [];
  for (const [csvType, constant] of Object.entries(layout.recordTypes)) {
    const fields = rows.filter((r) => r.record_type === csvType);
    if (fields.length === 0)
      throw new Error(`${layout.csv}: no ${csvType} rows`);
    fields.forEach((f, i) => {
      if (Number(f.column) !== i + 1) {
        throw new Error(
          `${layout.csv}: ${csvType} column ${f.column} out of order`
        );
      }
    });
    const counts = new Map();
    for (const f of fields.slice(1)) {
      const n = snakeCase(f.field_name);
      counts.set(n, (counts.get(n) || 0) + 1);
    }
    const columns = fields.slice(1).map((f) => {
      const base = snakeCase(f.field_name);
      const name = counts.get(base) > 1 ? `${base}_${f.column}` : base;
      const type = typeOf(layout.id, f.field_name, base);
      if (looksLikeAmountField(f.max_length) && type !== 'number') {
        throw new Error(
          `${layout.csv}: ${csvType} column ${f.column} "${f.field_name}" has an amount length but type ${type}; add an override`
        );
      }
      return {column: Number(f.column), name, type, field: f.field_name};
    });
    const seen = new Set();
    for (const c of columns) {
      if (!/^[a-z][a-z0-9_]*$/.test(c.name))
        throw new Error(`bad column name ${c.name}`);
      if (seen.has(c.name))
        throw new Error(
          `${layout.csv}: ${csvType}: duplicate column name ${c.name}`
        );
      if (RESERVED.includes(c.name))
        throw new Error(`${layout.csv}: column name ${c.name} is reserved`);
      seen.add(c.name);
    }
    recordTypes.push({
      recordType: constant,
      fieldCount: fields.length,
      columns,
    });
  }
  const unused = Object.keys(OVERRIDES[layout.id]).filter(
    (f) => !rows.some((r) => r.field_name === f)
  );
  if (unused.length)
    throw new Error(
      `${layout.id}: overrides for unknown fields: ${unused.join(', ')}`
    );
  return {...layout, header: recordTypes[0], detail: recordTypes[1]};
}

/** A name used by several record types or layouts must have one type (the stream has one schema). */
function checkTypesAgree(layouts) {
  const types = new Map();
  for (const l of layouts) {
    for (const rt of [l.header, l.detail]) {
      for (const c of rt.columns) {
        const prior = types.get(c.name);
        if (prior && prior.type !== c.type) {
          throw new Error(
            `column ${c.name} is ${prior.type} in ${prior.where} but ${c.type} in ${l.id} ${rt.recordType}`
          );
        }
        types.set(c.name, {type: c.type, where: `${l.id} ${rt.recordType}`});
      }
    }
  }
}

function render(layout) {
  const q = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const recordType = (rt) =>
    [
      '  {',
      `    recordType: ${q(rt.recordType)},`,
      `    fieldCount: ${rt.fieldCount},`,
      '    columns: [',
      ...rt.columns.map(
        (c) =>
          `      {column: ${c.column}, name: ${q(c.name)}, type: ${q(c.type)}, field: ${q(c.field)}},`
      ),
      '    ],',
      '  }',
    ].join('\n');
  return [
    `// Generated by scripts/gen-layouts.js from shared/samples/concur/${layout.csv} — do not edit.`,
    `// ${layout.title}: ${layout.header.columns.length} header and ${layout.detail.columns.length} detail columns.`,
    '',
    "import {LayoutTable} from './types';",
    '',
    '// One line per column: easier to review than what prettier would make of it.',
    '// prettier-ignore',
    `export const ${layout.constName}: LayoutTable = {`,
    `  layout: ${q(layout.id)},`,
    `  header: ${recordType(layout.header).trimStart()},`,
    `  detail: ${recordType(layout.detail).trimStart()},`,
    '};',
    '',
  ].join('\n');
}

function main() {
  const check = process.argv.includes('--check');
  if (!fs.existsSync(SAMPLES)) {
    console.error(
      `gen-layouts: ${SAMPLES} not found (the shared samples folder is needed)`
    );
    process.exit(2);
  }
  const layouts = LAYOUTS.map(buildLayout);
  checkTypesAgree(layouts);
  let stale = 0;
  for (const layout of layouts) {
    const file = path.join(OUT_DIR, layout.out);
    const text = render(layout);
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (current === text) continue;
    if (check) {
      console.error(
        `gen-layouts: ${path.relative(ROOT, file)} is not what the generator writes`
      );
      stale++;
    } else {
      fs.writeFileSync(file, text);
      console.log(`gen-layouts: wrote ${path.relative(ROOT, file)}`);
    }
  }
  process.exit(stale ? 1 : 0);
}

if (require.main === module) main();

module.exports = {snakeCase, typeOf};
