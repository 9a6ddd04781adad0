#!/usr/bin/env node
// Writes the generated stream schemas (extract_file_rows, sae_rows, prae_rows,
// extract_files) into resources/schemas/ from the layout tables.
// Run through `npm run gen:schema` (it builds first).
const fs = require('fs');
const path = require('path');
const {fileRowsSchema} = require('../lib/scripts/schemas/file-rows');
const {layoutRowsSchema} = require('../lib/scripts/schemas/layout-rows');
const {filesSchema} = require('../lib/scripts/schemas/files');

const schemas = {
  extract_file_rows: fileRowsSchema(),
  sae_rows: layoutRowsSchema('sae_rows'),
  prae_rows: layoutRowsSchema('prae_rows'),
  extract_files: filesSchema(),
};
for (const [name, schema] of Object.entries(schemas)) {
  const out = path.join(__dirname, '..', 'resources', 'schemas', `${name}.json`);
  fs.writeFileSync(out, JSON.stringify(schema, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}
