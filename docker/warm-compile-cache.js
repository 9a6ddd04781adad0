#!/usr/bin/env node
/**
 * Run once while the image is built, with NODE_COMPILE_CACHE set (Dockerfile):
 * loads every module of the connector, so Node (22.1 and later) stores their
 * compiled code there and each container start reuses it instead of compiling
 * ~0.1 s of JavaScript again. Airbyte starts a new container for every spec,
 * check, discover and read, so a cache filled at run time would never be hit.
 * The parse and check worker scripts load the same modules as their threads
 * start; they are compiled here too (they refuse to run outside a worker).
 */
'use strict';
const fs = require('fs');
const path = require('path');

const lib = path.join(__dirname, '..', 'lib', 'src');
/** The scripts of src/extract-file that refuse to run on the main thread; any other failure fails the build. */
const WORKER_SCRIPTS = new Set(['emit-worker.js', 'check-worker.js']);
const files = [];
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, {withFileTypes: true})) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.js')) files.push(p);
  }
};
walk(lib);
let failed = 0;
for (const f of files) {
  try {
    require(f);
  } catch (err) {
    // The worker scripts throw once compiled: they run as worker threads only.
    if (!WORKER_SCRIPTS.has(path.basename(f))) {
      failed++;
      console.error(
        `warm-compile-cache: ${path.relative(lib, f)}: ${err.message}`
      );
    }
  }
}
if (failed) process.exit(1);
