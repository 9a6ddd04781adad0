import fs from 'fs';
import path from 'path';

import {fileRecords} from '../src/extract-file';
import {cpuQuota, usableCpus} from '../src/extract-file/cpus';
import {
  parseWorkerCount,
  parseWorkersMinBytes,
} from '../src/extract-file/emit-pool';
import {FileTask} from '../src/extract-file/file-task';
import {failure, saeDetail} from './helpers/file';
import {tempDir} from './helpers/temp';

/**
 * The parse worker pool itself. Its bytes are compared with the reading
 * thread's through bin/main (test/read.threads.test.ts); here, what a
 * sync cannot show: a worker's error arrives as the error the reading
 * thread throws, how many workers a machine or container gets, and when
 * they start while a body downloads. The pool is the compiled one (lib/,
 * as bin/main runs it): a worker thread cannot load the TypeScript
 * sources.
 */

/* eslint-disable @typescript-eslint/no-var-requires */
const {EmitPool} = require('../lib/src/extract-file/emit-pool');
const lib = require('../lib/src/errors');
const {releaseBytes} = require('../lib/src/extract-file/json-bytes');
/* eslint-enable @typescript-eslint/no-var-requires */

/** The error a promise rejects with. */
async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('parse worker pool', () => {
  test('a line a worker refuses fails as in the reading thread: same class, code, message, file and line', async () => {
    const good = saeDetail({});
    const bad = good.split('|').slice(0, 300).join('|'); // 300 of 400 fields
    const text = Buffer.from(`${good}\n${good}\n${bad}\n`);
    const task: FileTask = {
      file: 'x.txt',
      layout: 'sae_v3',
      fields: {job_id: 'j'},
      amountsAs: 'number',
    };
    const inThread = await failure(
      (async () => {
        for await (const b of fileRecords(
          [text],
          'x.txt',
          {job_id: 'j'},
          undefined,
          'sae_v3'
        ))
          void b;
      })()
    );
    const pool = EmitPool.create(2);
    try {
      const region = {parts: [text], firstLine: 7, atStart: false};
      const err = await rejection(pool.run(task, region));
      expect(err).toBeInstanceOf(lib.DataError);
      expect(err.code).toBe('FILE_WIDTH_MISMATCH');
      expect(err.message).toBe(inThread.message);
      // The region's own line numbers: it started at line 7.
      expect(err.context).toEqual({file: 'x.txt', line: 9});
      expect(inThread.context).toEqual({file: 'x.txt', line: 3});
      // The pool goes on after a data error.
      const ok = await pool.run(task, {
        parts: [Buffer.from(`${good}\n`)],
        firstLine: 1,
        atStart: true,
      });
      expect(ok.count).toBe(1);
    } finally {
      await pool.close();
    }
  });

  test("a region's records buffer goes back to a worker once written (handed back), never before", async () => {
    const text = Buffer.from(`${saeDetail({})}\n`.repeat(50));
    const task: FileTask = {
      file: 'x.txt',
      layout: 'sae_v3',
      fields: {job_id: 'j'},
      amountsAs: 'number',
    };
    const region = () => ({parts: [text], firstLine: 1, atStart: true});
    const stamped = (b: Buffer) =>
      b.toString('latin1').replace(/"emitted_at":\d+/g, '"emitted_at":0');
    const pool = EmitPool.create(1);
    try {
      const first = await pool.run(task, region());
      const copy = Buffer.from(first.bytes);
      expect(first.count).toBe(50);
      for (let i = 0; i < 3; i++) await pool.run(task, region());
      // Not handed back: still this thread's, untouched by the regions after it.
      expect(first.bytes.equals(copy)).toBe(true);
      releaseBytes(first.bytes);
      const next = await pool.run(task, region());
      // Handed back: sent to the worker with the next region (transferred, so detached here).
      expect(first.bytes.buffer.byteLength).toBe(0);
      expect(stamped(next.bytes)).toBe(stamped(copy));
    } finally {
      await pool.close();
    }
  });

  test('workers: one per CPU but one (the main thread writes), at least 2, none on one CPU; CONCUR_PARSE_WORKERS overrides', () => {
    const byCpus = [1, 2, 3, 4, 9, 16].map((cpus) =>
      parseWorkerCount({}, cpus)
    );
    expect(byCpus).toEqual([0, 2, 2, 3, 8, 8]);
    expect(parseWorkerCount({CONCUR_PARSE_WORKERS: '0'}, 4)).toBe(0);
    expect(parseWorkerCount({CONCUR_PARSE_WORKERS: '3'}, 1)).toBe(3);
    expect(parseWorkerCount({CONCUR_PARSE_WORKERS: '99'})).toBe(8);
    // Not a count: the machine decides (this one's CPUs by default).
    expect(parseWorkerCount({CONCUR_PARSE_WORKERS: 'many'}, 2)).toBe(2);
    expect(parseWorkerCount({CONCUR_PARSE_WORKERS: 'many'})).toBe(
      parseWorkerCount({}, usableCpus())
    );
  });

  test('files the workers take: 16 MB or more by default, CONCUR_PARSE_WORKERS_MIN_BYTES overrides, never under two regions', async () => {
    expect(parseWorkersMinBytes({})).toBe(16 * 1024 * 1024);
    expect(
      parseWorkersMinBytes({CONCUR_PARSE_WORKERS_MIN_BYTES: '1048576'})
    ).toBe(1048576);
    expect(parseWorkersMinBytes({CONCUR_PARSE_WORKERS_MIN_BYTES: 'x'})).toBe(
      16 * 1024 * 1024
    );
    const pool = EmitPool.create(1, 16 * 1024 * 1024);
    const tiny = EmitPool.create(1, 0);
    try {
      expect([
        pool.takes(16 * 1024 * 1024 - 1),
        pool.takes(16 * 1024 * 1024),
      ]).toEqual([false, true]);
      // One region's worth is never worth a worker's round trip.
      expect([tiny.takes(512 * 1024), tiny.takes(1024 * 1024)]).toEqual([
        false,
        true,
      ]);
    } finally {
      await Promise.all([pool.close(), tiny.close()]);
    }
  });

  test('workers start while a body downloads: at its first bytes when its Content-Length is one they take, else once enough has arrived', async () => {
    const MB = 1024 * 1024;
    const pool = EmitPool.create(2, 2 * MB);
    try {
      pool.warmFor(64 * 1024); // size unknown, little received: not yet
      pool.warmFor(64 * 1024, MB); // a body they do not take
      expect(pool.started).toBe(0);
      pool.warmFor(64 * 1024, 2 * MB); // first bytes of a 2 MB body
      expect(pool.started).toBe(2);
      pool.warmFor(3 * MB, 3 * MB); // never more than the pool's size
      expect(pool.started).toBe(2);
    } finally {
      await pool.close();
    }
    const unsized = EmitPool.create(2, 2 * MB);
    try {
      unsized.warmFor(2 * MB - 1);
      expect(unsized.started).toBe(0);
      unsized.warmFor(2 * MB); // no Content-Length: the bytes received decide
      expect(unsized.started).toBe(2);
    } finally {
      await unsized.close();
    }
  });

  test.each([
    ['cgroup v2 quota of 2.5 CPUs', {'cpu.max': '250000 100000'}, 2],
    ['cgroup v2 without a quota', {'cpu.max': 'max 100000'}, undefined],
    ['cgroup v2 quota under one CPU', {'cpu.max': '50000 100000'}, 1],
    [
      'cgroup v1 quota of 4 CPUs',
      {'cpu/cpu.cfs_quota_us': '400000', 'cpu/cpu.cfs_period_us': '100000'},
      4,
    ],
    [
      'cgroup v1 without a quota',
      {'cpu/cpu.cfs_quota_us': '-1', 'cpu/cpu.cfs_period_us': '100000'},
      undefined,
    ],
    ['no cgroup files', {}, undefined],
  ])('container CPUs: %s', (_label, files, cpus) => {
    const root = tempDir('concur-cgroup-');
    for (const [f, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, f)), {recursive: true});
      fs.writeFileSync(path.join(root, f), `${text}\n`);
    }
    expect(cpuQuota(root)).toBe(cpus);
  });
});
