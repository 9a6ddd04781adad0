import fs from 'fs';
import path from 'path';
import {Worker} from 'worker_threads';

import {ConnectorError} from '../errors';
import {usableCpus} from './cpus';
import type {FileTask} from './file-task';
import {onRelease} from './json-bytes';
import {REGION_BYTES} from './parallel';
import type {Region} from './regions';
import {joinInto, Spares} from './spares';
import {ErrorData, fromErrorData} from './worker-errors';

/**
 * The parse workers: worker threads that turn regions of a file into RECORD
 * bytes (emit-worker.ts) while the main thread reads the next regions and
 * writes the finished ones, in file order (parallel.ts). Started on first
 * use, one region per worker at a time, closed after the sync.
 *
 * How many: {@link parseWorkerCount}. On one CPU: none by default (the
 * rows are written in the reading thread).
 */

/**
 * The most workers used: the main thread writes every record to stdout in
 * order (~400 MB/s of RECORD lines into a pipe on the bench machine, README
 * "Benchmark"), which 8 workers outrun on any file.
 */
export const MAX_PARSE_WORKERS = 8;

/** The environment variable that sets the number of parse workers (0: none). */
export const PARSE_WORKERS_ENV = 'CONCUR_PARSE_WORKERS';

/** The environment variable that sets the smallest file the workers write, in bytes (tests lower it). */
export const PARSE_WORKERS_MIN_BYTES_ENV = 'CONCUR_PARSE_WORKERS_MIN_BYTES';

/**
 * The smallest file the workers write by default. Below it the reading
 * thread alone is as fast or faster on 2 CPUs: starting two workers and
 * warming up their compiled code costs ~0.3 s of CPU (sae_rows of 10 MB:
 * 1.22 s without workers, 1.5 s with; 25 MB: even; 200 MB: 7.1 s against
 * 5.5 s, README "Benchmark"). Most extract files are smaller than this.
 */
export const PARSE_WORKERS_MIN_BYTES = 16 * 1024 * 1024;

export interface RegionRequest {
  task: FileTask;
  /** The region's bytes (transferred to the worker). */
  bytes: Uint8Array;
  firstLine: number;
  atStart: boolean;
  /** A buffer of earlier records, written to stdout: the worker may write this region's records into it. */
  spare?: ArrayBuffer;
}

/** A worker's answer to its one request in work (the pool knows which worker has which). */
export interface RegionReply {
  count?: number;
  bytes?: Uint8Array;
  /** The request's region buffer, back for a next region's copy. */
  input?: ArrayBuffer;
  error?: ErrorData;
}

/** A region's records: `count` RECORD lines as bytes. */
export interface RegionRecords {
  count: number;
  bytes: Buffer;
}

interface Pending {
  request: RegionRequest;
  resolve(r: RegionRecords): void;
  reject(err: unknown): void;
}

/** The worker script next to this module, compiled (absent when running from the TypeScript sources). */
const WORKER_SCRIPT = path.join(__dirname, 'emit-worker.js');

export class EmitPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly running = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private broken?: Error;
  /**
   * Buffers going round between this thread and the workers instead of new
   * ones per region (regions' copies; their records once written to stdout):
   * at 2 workers they were ~4 MB of garbage per MB of file, ~0.8 s of GC in
   * this thread for 200 MB and RSS over 256 MB. Region copies: as many as can
   * be in flight (2 per worker) and one; records: one per worker and one
   * (each region sent takes one, each reply brings one).
   */
  private readonly spareInput: Spares<ArrayBuffer>;
  private readonly spareOutput: Spares<ArrayBuffer>;

  /**
   * `size` workers, for files of `minFileBytes` or more (never under two
   * regions: below that there is nothing to run side by side).
   */
  private constructor(
    readonly size: number,
    readonly minFileBytes: number
  ) {
    this.spareInput = new Spares(2 * size + 1);
    this.spareOutput = new Spares(size + 1);
  }

  /** A pool of `size` workers; undefined for none (or without the compiled worker script). */
  static create(
    size: number = parseWorkerCount(),
    minFileBytes: number = parseWorkersMinBytes()
  ): EmitPool | undefined {
    if (size < 1 || !fs.existsSync(WORKER_SCRIPT)) return undefined;
    return new EmitPool(size, Math.max(minFileBytes, 2 * REGION_BYTES));
  }

  /** Whether a file of `bytes` is written by the workers. */
  takes(bytes: number): boolean {
    return bytes >= this.minFileBytes;
  }

  /**
   * Starts the workers while a body downloads, as soon as it is known to be
   * one they write: from its first bytes when its size (`expected`, its
   * Content-Length) says so, else once `received` bytes do.
   */
  warmFor(received: number, expected?: number): void {
    if (this.takes(Math.max(received, expected ?? 0))) this.warm();
  }

  /** How many worker threads have been started. */
  get started(): number {
    return this.workers.length;
  }

  /** Starts the workers now (they take ~0.1 s to load), e.g. while a large file downloads. */
  warm(): void {
    for (let w = this.spawn(); w; w = this.spawn()) {
      w.unref(); // an idle worker does not keep the process alive
      this.idle.push(w);
    }
  }

  /** The records of one region of a file. */
  run(task: FileTask, region: Region): Promise<RegionRecords> {
    if (this.broken) return Promise.reject(this.broken);
    // A copy of the region's bytes in a buffer of the pool's own, transferred (a view would send its whole buffer).
    const bytes = joinInto(region.parts, this.spareInput);
    const request: RegionRequest = {
      task,
      bytes,
      firstLine: region.firstLine,
      atStart: region.atStart,
    };
    return new Promise((resolve, reject) => {
      this.queue.push({request, resolve, reject});
      this.dispatch();
    });
  }

  /** Stops every worker (what is still queued is rejected). */
  async close(): Promise<void> {
    this.fail(new Error('the parse workers were closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }

  private dispatch(): void {
    while (this.queue.length) {
      const worker = this.idle.pop() ?? this.spawn();
      if (!worker) return;
      const job = this.queue.shift()!;
      this.running.set(worker, job);
      worker.ref(); // a region in work keeps the process alive
      const spare = this.spareOutput.any();
      const transfer = [job.request.bytes.buffer as ArrayBuffer];
      if (spare) transfer.push(spare);
      worker.postMessage({...job.request, spare}, transfer);
    }
  }

  private spawn(): Worker | undefined {
    if (this.workers.length >= this.size) return undefined;
    const worker = new Worker(WORKER_SCRIPT);
    this.workers.push(worker);
    worker.on('message', (reply: RegionReply) => this.done(worker, reply));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => {
      if (this.running.has(worker) || code !== 0) {
        this.fail(new Error(`a parse worker exited (code ${code})`));
      }
    });
    return worker;
  }

  private done(worker: Worker, reply: RegionReply): void {
    const job = this.running.get(worker);
    this.running.delete(worker);
    worker.unref(); // an idle worker does not
    this.idle.push(worker);
    if (reply.input) this.spareInput.keep(reply.input);
    if (job) {
      if (reply.error) job.reject(fromErrorData(reply.error));
      else {
        const b = reply.bytes!;
        const bytes = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
        // Written to stdout (output.ts hands it back): a worker's next records go into it.
        onRelease(bytes, () => this.spareOutput.keep(b.buffer as ArrayBuffer));
        job.resolve({count: reply.count!, bytes});
      }
    }
    this.dispatch();
  }

  /** A worker failed (a bug, or out of memory): every region in work or queued fails. */
  private fail(err: Error): void {
    this.broken ??= new ConnectorError(`parse worker failed: ${err.message}`, {
      code: 'INTERNAL_ERROR',
      cause: err,
    });
    for (const job of [...this.running.values(), ...this.queue]) {
      job.reject(this.broken);
    }
    this.running.clear();
    this.queue.length = 0;
  }
}

/**
 * Parse workers for this process: CONCUR_PARSE_WORKERS if set, otherwise one
 * per CPU the process may use (its affinity, and a container's CPU quota)
 * but one — the main thread downloads, checks and writes every record — at
 * least 2 and at most {@link MAX_PARSE_WORKERS}; none on one CPU, where a
 * worker could only take turns with the main thread. On 2 CPUs two workers
 * measured fastest when the reader of stdout has CPUs of its own, one when
 * it shares these two (README "Benchmark", "Parse workers").
 */
export function parseWorkerCount(
  env = process.env,
  cpus = usableCpus()
): number {
  const set = envCount(env, PARSE_WORKERS_ENV);
  if (set !== undefined) return Math.min(set, MAX_PARSE_WORKERS);
  if (cpus < 2) return 0;
  return Math.min(Math.max(cpus - 1, 2), MAX_PARSE_WORKERS);
}

/** The smallest file the workers write: CONCUR_PARSE_WORKERS_MIN_BYTES if set, {@link PARSE_WORKERS_MIN_BYTES} otherwise. */
export function parseWorkersMinBytes(env = process.env): number {
  return envCount(env, PARSE_WORKERS_MIN_BYTES_ENV) ?? PARSE_WORKERS_MIN_BYTES;
}

/** A whole number ≥ 0 set in `env[name]`; undefined when unset, blank or anything else. */
function envCount(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const set = env[name];
  if (set === undefined || set.trim() === '') return undefined;
  const n = Number(set);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}
