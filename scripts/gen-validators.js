#!/usr/bin/env node
// Writes src/config-validators.generated.ts: the config schemas compiled by Ajv
// ahead of time (scripts/validators/code.ts). Run through `npm run gen:validators`
// (it builds first).
const fs = require('fs');
const path = require('path');
const {validatorsSource} = require('../lib/scripts/validators/code');

validatorsSource().then((source) => {
  const out = path.join(__dirname, '..', 'src', 'config-validators.generated.ts');
  fs.writeFileSync(out, source);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
});
