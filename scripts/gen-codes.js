#!/usr/bin/env node
// Writes the error-code table of docs/concur-extract.md from src/errors.ts.
// Run through `npm run gen:codes` (it builds first).
const fs = require('fs');
const path = require('path');
const {ERROR_CODES} = require('../lib/src/errors');
const {renderCodes, withCodes} = require('./codes-table');

const page = path.join(__dirname, '..', 'docs', 'concur-extract.md');
fs.writeFileSync(page, withCodes(fs.readFileSync(page, 'utf8'), renderCodes(ERROR_CODES)));
console.log(`wrote ${path.relative(process.cwd(), page)}`);
