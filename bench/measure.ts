/**
 * Runs one measured process of the benchmark: a node script with the RSS
 * preload, optionally pinned to one core (`taskset -c 0`), counting the
 * RECORD lines of its stdout without keeping them.
 */
import {spawn} from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

const RSS_PRELOAD = path.join(__dirname, 'rss.js');
export const MB = 1024 * 1024;

export interface Measure {
  seconds: number;
  rows: number;
  peakRss: number;
  /** CPU time of the measured process (user + system). */
  cpuSeconds: number;
  code: number | null;
}

export interface MeasureOptions {
  /** Pin the process to CPU 0 (Linux `taskset`). */
  oneCore?: boolean;
  /** Extra environment for the measured process (e.g. CONCUR_PARSE_WORKERS). */
  env?: Record<string, string>;
}

export function measure(
  args: string[],
  opts: MeasureOptions = {}
): Promise<Measure> {
  const rssFile = path.join(
    os.tmpdir(),
    `bench-rss-${process.pid}-${Date.now()}`
  );
  const node = [process.execPath, '-r', RSS_PRELOAD, ...args];
  const [cmd, ...argv] = opts.oneCore ? ['taskset', '-c', '0', ...node] : node;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, {
      env: {...process.env, ...opts.env, BENCH_RSS_FILE: rssFile},
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
      const {peakRss, cpuSeconds} = fs.existsSync(rssFile)
        ? JSON.parse(fs.readFileSync(rssFile, 'utf8'))
        : {peakRss: NaN, cpuSeconds: NaN};
      fs.rmSync(rssFile, {force: true});
      resolve({seconds, rows: records, peakRss, cpuSeconds, code});
    });
  });
}

export interface Figures {
  seconds: number;
  cpu_s: number;
  rows_per_s: number;
  mb_per_s: number;
  peak_rss_mb: number;
}

/** rows/s, MB/s (of the input file), CPU time and peak RSS of a measure. */
export function figures(m: Measure, inputBytes: number): Figures {
  return {
    seconds: +m.seconds.toFixed(2),
    cpu_s: +m.cpuSeconds.toFixed(2),
    rows_per_s: Math.round(m.rows / m.seconds),
    mb_per_s: +(inputBytes / MB / m.seconds).toFixed(1),
    peak_rss_mb: Math.round(m.peakRss / MB),
  };
}
