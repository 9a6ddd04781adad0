import {createHash} from 'crypto';
import fs from 'fs';
import path from 'path';
import {Worker} from 'worker_threads';

import type {FileCheck} from './check';
import {usableCpus} from './cpus';
import type {FileEncoding} from './encoding';
import {ErrorData, fromErrorData} from './worker-errors';

/**
 * The check thread: a worker thread (check-worker.ts) that runs the first
 * pass over a text body while it downloads, so the main thread only
 * receives the body and spools it. On one core the check costs ~0.3 s of
 * CPU per 100 MB (README "Benchmark"), which otherwise slows the download
 * itself. Started with the file streams, stopped after the sync. Checks
 * are independent: the next job's download (prefetch.ts) starts its check
 * while the last blocks of the previous one are still being checked; only
 * a retried download drops its own earlier check (download-check.ts).
 *
 * The SHA-256 of the body is taken here, in the main thread, as the bytes
 * are sent: it is ~15 % of the check's CPU, and the thread's pass is what a
 * fast download waits for (README "Benchmark"), while the main thread mostly
 * waits for the socket.
 *
 * CONCUR_CHECK_THREAD=0 checks in the main thread instead, as does a
 * process limited to one CPU. Without the compiled worker script (running
 * from the TypeScript sources) there is no thread either.
 */

/** The environment variable that turns the check thread off (`0`). */
export const CHECK_THREAD_ENV = 'CONCUR_CHECK_THREAD';

/** Bytes sent to the check and not yet taken before the download waits for it. */
export const CHECK_QUEUE_BYTES = 4 * 1024 * 1024;

/** Body bytes are copied into blocks of this size, each sent (transferred) whole: one message per MB, not per socket read. */
const BLOCK_BYTES = 1024 * 1024;

export type CheckRequest =
  | {id: number; kind: 'start'; file: string; encoding: FileEncoding}
  | {id: number; kind: 'block'; bytes: Uint8Array}
  | {id: number; kind: 'end' | 'abort'};

export type CheckReply =
  | {id: number; kind: 'ack'; bytes: number}
  | {id: number; kind: 'done'; check: FileCheck; error?: ErrorData}
  | {id: number; kind: 'failed'; error: ErrorData};

/** One check being fed: what a download attempt writes its body's bytes to. */
export interface CheckSink {
  /** A chunk of the body; a promise while the check asks the download to wait. */
  write(chunk: Buffer): void | Promise<void>;
  end(): void;
  abort(err: unknown): void;
  /** The file's check; rejects when the check could not run (a bug, the thread gone): not a verdict. */
  readonly result: Promise<FileCheck>;
}

const WORKER_SCRIPT = path.join(__dirname, 'check-worker.js');

export class CheckThread {
  private worker?: Worker;
  private nextId = 1;
  private readonly checks = new Map<number, RemoteCheck>();

  private constructor(private readonly script: string) {}

  /**
   * The check thread, or undefined: turned off, a single usable CPU (the
   * thread could only take turns with the main thread), or no compiled
   * worker script.
   */
  static create(
    script = WORKER_SCRIPT,
    env = process.env,
    cpus = usableCpus()
  ): CheckThread | undefined {
    if (env[CHECK_THREAD_ENV]?.trim() === '0' || cpus < 2) return undefined;
    return fs.existsSync(script) ? new CheckThread(script) : undefined;
  }

  /** Starts the thread now (it takes ~0.1 s to load), e.g. while the first job is listed. */
  warm(): void {
    this.thread();
  }

  /** A new check of the text file `file`, fed by a download attempt. */
  start(file: string, encoding: FileEncoding): CheckSink {
    const id = this.nextId++;
    const check = new RemoteCheck(id, (m, t) => this.send(m, t));
    this.checks.set(id, check);
    void check.result.then(
      () => this.settled(id),
      () => this.settled(id)
    );
    this.send({id, kind: 'start', file, encoding});
    this.worker?.ref(); // a check in work keeps the process alive
    return check;
  }

  async close(): Promise<void> {
    this.failAll(new Error('the check thread was closed'));
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }

  private send(m: CheckRequest, transfer: ArrayBuffer[] = []): void {
    this.thread().postMessage(m, transfer);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.unref(); // an idle thread does not keep the process alive
    worker.on('message', (r: CheckReply) => this.checks.get(r.id)?.reply(r));
    worker.on('error', (err) => this.gone(worker, err));
    worker.on('exit', (code) =>
      this.gone(worker, new Error(`the check thread exited (code ${code})`))
    );
    this.worker = worker;
    return worker;
  }

  private settled(id: number): void {
    this.checks.delete(id);
    if (this.checks.size === 0) this.worker?.unref();
  }

  /** The thread died: its checks fail (each is then run again from disk), the next one starts a new thread. */
  private gone(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failAll(err);
  }

  private failAll(err: Error): void {
    for (const c of this.checks.values()) c.fail(err);
  }
}

class RemoteCheck implements CheckSink {
  readonly result: Promise<FileCheck>;
  private resolve!: (c: FileCheck) => void;
  private reject!: (e: Error) => void;
  private readonly hash = createHash('sha256');
  private block = new Uint8Array(BLOCK_BYTES);
  private filled = 0;
  /** Bytes sent and not yet acknowledged. */
  private unacked = 0;
  private waiting?: () => void;
  private finished = false;

  constructor(
    private readonly id: number,
    private readonly send: (m: CheckRequest, transfer?: ArrayBuffer[]) => void
  ) {
    this.result = new Promise<FileCheck>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    this.result.catch(() => undefined); // a failure is read through result
  }

  write(chunk: Buffer): void | Promise<void> {
    if (this.finished) return;
    this.hash.update(chunk);
    for (let at = 0; at < chunk.length;) {
      const n = Math.min(chunk.length - at, BLOCK_BYTES - this.filled);
      this.block.set(chunk.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === BLOCK_BYTES) this.flush();
    }
    if (this.unacked <= CHECK_QUEUE_BYTES) return;
    return new Promise<void>((r) => (this.waiting = r));
  }

  end(): void {
    if (this.finished) return;
    this.flush();
    this.send({id: this.id, kind: 'end'});
  }

  abort(err: unknown): void {
    if (this.finished) return;
    this.send({id: this.id, kind: 'abort'});
    this.fail(err instanceof Error ? err : new Error(String(err)));
  }

  reply(r: CheckReply): void {
    if (r.kind === 'ack') {
      this.unacked -= r.bytes;
      if (this.unacked <= CHECK_QUEUE_BYTES) this.release();
    } else if (r.kind === 'done') {
      this.finish();
      this.resolve({
        ...r.check,
        sha256: this.hash.digest('hex'), // every byte was written before the check could end
        error: r.error && fromErrorData(r.error),
      } as FileCheck);
    } else {
      this.fail(fromErrorData(r.error));
    }
  }

  fail(err: Error): void {
    this.finish();
    this.reject(err);
  }

  private finish(): void {
    this.finished = true;
    this.release();
  }

  private release(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }

  private flush(): void {
    if (this.filled === 0) return;
    const bytes = this.block.subarray(0, this.filled);
    this.unacked += this.filled;
    this.send({id: this.id, kind: 'block', bytes}, [
      bytes.buffer as ArrayBuffer,
    ]);
    this.block = new Uint8Array(BLOCK_BYTES);
    this.filled = 0;
  }
}
