#!/usr/bin/env node
// Writes the generated stream schemas (extract_file_rows, sae_rows, prae_rows,
// extract_files) into resources/schemas/ from the layout tables.
// Run through `npm run gen:schema` (it builds first).
const fs = require('fs');
const path = require('path');
const {fileRowsSchema} = require('../lib/src/streams/file-rows-schema');
const {layoutRowsSchema} = require('../lib/src/streams/layout-rows-schema');
const {filesSchema} = require('../lib/src/streams/files-schema');

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
