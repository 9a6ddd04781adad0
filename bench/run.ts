/**
 * `npm run bench`: throughput and peak memory of a full `bin/main read` of
 * extract_file_rows against the simulator, beside a plain csv-parse →
 * JSON.stringify pipeline over the same SAE v3 file, in the same run.
 *
 *   npm run bench                 10 MB and 100 MB files
 *   BENCH_SIZES_MB=10,100,1024 npm run bench   adds a 1 GB file
 *
 * Files are generated once into bench/out/ (deterministic, seeded) and reused.
 */
import {spawn} from 'child_process';
import {startSimulator, writeSaeFile} from 'concur-extract-simulator';
import fs from 'fs';
import os from 'os';
import path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const OUT = path.join(ROOT, 'bench', 'out');
const MAIN = path.join(ROOT, 'bin', 'main');
const RSS_PRELOAD = path.join(__dirname, 'rss.js');
const BASELINE = path.join(__dirname, 'baseline.js');
const MB = 1024 * 1024;

interface Measure {
  seconds: number;
  rows: number;
  peakRss: number;
  code: number | null;
}

/** Runs a node script with the RSS preload, counting stdout lines without keeping them. */
function measure(
  args: string[],
  env: Record<string, string> = {}
): Promise<Measure> {
  const rssFile = path.join(
    os.tmpdir(),
    `bench-rss-${process.pid}-${Date.now()}`
  );
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-r', RSS_PRELOAD, ...args], {
      env: {...process.env, ...env, BENCH_RSS_FILE: rssFile},
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Count RECORD lines on the raw bytes (a native search, no decoding) so the
    // measuring process never slows the measured one down.
    const MARK = Buffer.from('{"type":"RECORD"');
    let records = 0;
    let carry = Buffer.alloc(0);
    child.stdout.on('data', (buf: Buffer) => {
      const data = carry.length ? Buffer.concat([carry, buf]) : buf;
      let i = -1;
      while ((i = data.indexOf(MARK, i + 1)) >= 0) records++;
      // Keep a partial mark at the end for the next chunk (a whole one was counted).
      const keep = data.subarray(Math.max(0, data.length - (MARK.length - 1)));
      carry = Buffer.from(
        keep.indexOf(MARK[0]) >= 0 ? keep.subarray(keep.indexOf(MARK[0])) : []
      );
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const peakRss = fs.existsSync(rssFile)
        ? Number(fs.readFileSync(rssFile, 'utf8'))
        : NaN;
      fs.rmSync(rssFile, {force: true});
      resolve({seconds, rows: records, peakRss, code});
    });
  });
}

async function ensureFile(
  sizeMb: number
): Promise<{file: string; details: number; bytes: number}> {
  fs.mkdirSync(OUT, {recursive: true});
  const file = path.join(OUT, `sae_v3_${sizeMb}MB.txt`);
  const meta = `${file}.json`;
  if (fs.existsSync(file) && fs.existsSync(meta))
    return {file, ...JSON.parse(fs.readFileSync(meta, 'utf8'))};
  process.stderr.write(`generating ${file} …\n`);
  const res = await writeSaeFile(file, {bytes: sizeMb * MB, seed: sizeMb});
  fs.writeFileSync(
    meta,
    JSON.stringify({details: res.details, bytes: res.bytes})
  );
  return {file, details: res.details, bytes: res.bytes};
}

async function benchOne(sizeMb: number): Promise<object> {
  const {file, details, bytes} = await ensureFile(sizeMb);
  const definitionId = 'bEnCh$pDefinition$x01';
  const sim = await startSimulator({
    seed: 1,
    credentials: {static_tokens: ['bench-static-token']},
    definitions: [
      {
        id: definitionId,
        name: 'Standard Accounting Extract',
        jobs: [
          {
            id: `bench$pJob${sizeMb}`,
            status: 'Completed',
            start_time: '2026-01-01T00:00:00Z',
            stop_time: '2026-01-01T00:01:00Z',
            file: {path: file},
          },
        ],
      },
    ],
  } as any);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const config = path.join(dir, 'config.json');
  const catalog = path.join(dir, 'catalog.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      credentials: {
        auth_type: 'access_token',
        access_token: 'bench-static-token',
      },
      oauth_base_url: sim.url,
      api_base_url: sim.url,
    })
  );
  fs.writeFileSync(
    catalog,
    JSON.stringify({
      streams: [
        {
          stream: {
            name: 'extract_file_rows',
            json_schema: {},
            supported_sync_modes: ['full_refresh'],
          },
          sync_mode: 'full_refresh',
          destination_sync_mode: 'overwrite',
        },
      ],
    })
  );
  try {
    const baseline = await measure([BASELINE, file]);
    const connector = await measure([
      MAIN,
      'read',
      '--config',
      config,
      '--catalog',
      catalog,
    ]);
    if (connector.code !== 0)
      throw new Error(`bin/main read exited ${connector.code}`);
    if (connector.rows !== details + 1) {
      throw new Error(
        `bin/main read emitted ${connector.rows} rows, the file has ${details + 1} lines`
      );
    }
    const row = (m: Measure): object => ({
      seconds: +m.seconds.toFixed(2),
      rows_per_s: Math.round(m.rows / m.seconds),
      mb_per_s: +(bytes / MB / m.seconds).toFixed(1),
      peak_rss_mb: Math.round(m.peakRss / MB),
    });
    return {
      file_mb: +(bytes / MB).toFixed(1),
      lines: details + 1,
      connector: row(connector),
      baseline: row(baseline),
      speedup: +(baseline.seconds / connector.seconds).toFixed(2),
    };
  } finally {
    await sim.close();
    fs.rmSync(dir, {recursive: true, force: true});
  }
}

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_SIZES_MB ?? '10,100').split(',').map(Number);
  const results = [];
  for (const size of sizes) {
    const r = await benchOne(size);
    results.push(r);
    process.stdout.write(JSON.stringify(r) + '\n');
  }
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 1024 ** 3)} GB, Node ${process.version}`;
  fs.writeFileSync(
    path.join(OUT, 'results.json'),
    JSON.stringify({machine, results}, null, 2)
  );
  process.stdout.write(`\nMachine: ${machine}\n\n`);
  process.stdout.write(
    '| file | lines | bin/main read: s | rows/s | MB/s | peak RSS | csv-parse→JSON: s | MB/s | peak RSS | speed-up |\n'
  );
  process.stdout.write('|---|---|---|---|---|---|---|---|---|---|\n');
  for (const r of results as any[]) {
    process.stdout.write(
      `| ${r.file_mb} MB | ${r.lines} | ${r.connector.seconds} | ${r.connector.rows_per_s} | ${r.connector.mb_per_s} | ` +
        `${r.connector.peak_rss_mb} MB | ${r.baseline.seconds} | ${r.baseline.mb_per_s} | ${r.baseline.peak_rss_mb} MB | ${r.speedup}× |\n`
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
