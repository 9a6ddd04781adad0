/**
 * How the parse workers scale, without the rest of a sync: every region of a
 * bench file written into memory (no download, no check, no stdout) by
 * 1, 2, … workers.
 *
 *   npm run build && node lib/bench/workers.js [file] [workers …]
 *   (default: bench/out/sae_v3_200MB.txt, made by `npm run bench`; 1 2)
 */
import fs from 'fs';
import path from 'path';

import {EmitPool} from '../src/extract-file/emit-pool';
import {FileTask} from '../src/extract-file/file-task';
import {parallelRecords} from '../src/extract-file/parallel';

async function main(): Promise<void> {
  const [file, ...counts] = process.argv.slice(2);
  const input =
    file ??
    path.join(__dirname, '..', '..', 'bench', 'out', 'sae_v3_200MB.txt');
  const bytes = fs.readFileSync(input);
  const task: FileTask = {
    file: path.basename(input),
    layout: 'sae_v3',
    fields: {job_id: 'bench'},
    amountsAs: 'number',
  };
  for (const n of (counts.length ? counts : ['1', '2']).map(Number)) {
    const pool = EmitPool.create(n)!;
    pool.warm();
    const started = process.hrtime.bigint();
    let out = 0;
    let regions = 0;
    // The connector's own path: cut, sent, written in file order (parallel.ts).
    for await (const batch of parallelRecords([bytes], task, pool)) {
      out += batch.bytes.length;
      regions++;
    }
    const s = Number(process.hrtime.bigint() - started) / 1e9;
    process.stdout.write(
      `${n} worker(s): ${s.toFixed(2)} s for ${regions} regions, ${(out / 2 ** 20).toFixed(0)} MB of records\n`
    );
    await pool.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
