/**
 * Runs one measured process of the benchmark: a node script with the RSS
 * preload, optionally pinned to one core (`taskset -c 0`), counting the
 * RECORD lines of its stdout without keeping them. Its stdout is a named
 * pipe, as the Airbyte platform gives a source on Kubernetes (Node would
 * give its child a socket).
 */
import {execFileSync, spawn} from 'child_process';
import fs from 'fs';
import net from 'net';
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
  const fifo = namedPipe();
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, {
      env: {...process.env, ...opts.env, BENCH_RSS_FILE: rssFile},
      stdio: ['ignore', fifo.writeFd, 'inherit'],
    });
    fs.closeSync(fifo.writeFd);
    const stdout = new net.Socket({
      fd: fifo.readFd,
      readable: true,
      writable: false,
    });
    // Count RECORD lines on the raw bytes (a native search, no decoding) so the
    // measuring process never slows the measured one down.
    const MARK = Buffer.from('{"type":"RECORD"');
    let records = 0;
    let carry = Buffer.alloc(0);
    stdout.on('data', (buf: Buffer) => {
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
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    const drained = new Promise<void>((r) => stdout.on('close', () => r()));
    void Promise.all([exited, drained]).then(([code]) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const {peakRss, cpuSeconds} = fs.existsSync(rssFile)
        ? JSON.parse(fs.readFileSync(rssFile, 'utf8'))
        : {peakRss: NaN, cpuSeconds: NaN};
      fs.rmSync(rssFile, {force: true});
      fifo.remove();
      resolve({seconds, rows: records, peakRss, cpuSeconds, code});
    });
  });
}

/** A named pipe in a temp folder, open at both ends (the reading end first, so opening the other does not wait). */
function namedPipe(): {readFd: number; writeFd: number; remove(): void} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pipe-'));
  const file = path.join(dir, 'stdout');
  execFileSync('mkfifo', [file]);
  const {O_RDONLY, O_WRONLY, O_NONBLOCK} = fs.constants;
  const readFd = fs.openSync(file, O_RDONLY | O_NONBLOCK);
  const writeFd = fs.openSync(file, O_WRONLY);
  return {
    readFd,
    writeFd,
    remove: () => fs.rmSync(dir, {recursive: true, force: true}),
  };
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
