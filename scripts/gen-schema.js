#!/usr/bin/env node
// Writes resources/schemas/extract_file_rows.json from the layout tables.
// Run through `npm run gen:schema` (it builds first).
const fs = require('fs');
const path = require('path');
const {fileRowsSchema} = require('../lib/src/streams/file-rows-schema');

const out = path.join(
  __dirname,
  '..',
  'resources',
  'schemas',
  'extract_file_rows.json'
);
fs.writeFileSync(out, JSON.stringify(fileRowsSchema(), null, 2) + '\n');
console.log(`wrote ${path.relative(process.cwd(), out)}`);
