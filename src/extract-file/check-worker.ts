import {parentPort} from 'worker_threads';

import {checkFile} from './check';
import type {CheckReply, CheckRequest} from './check-thread';
import {errorData} from './worker-errors';

/**
 * The check thread (check-thread.ts): the first pass over a text body while
 * it downloads — the same checkFile as in the reading thread, fed with the
 * body's bytes as they arrive, one check per download attempt (an aborted
 * one stops at its next block). Each block is acknowledged once the check
 * has taken it, for the sender's back-pressure.
 */

const port = parentPort;
if (!port) throw new Error('check-worker.ts runs as a worker thread only');

const post = (reply: CheckReply): void => port.postMessage(reply);

/** The blocks of one check, as an async iterable that checkFile reads. */
class Blocks implements AsyncIterable<Buffer> {
  private readonly queued: Buffer[] = [];
  private ended = false;
  private failure?: Error;
  private wake?: () => void;

  constructor(private readonly id: number) {}

  push(b: Buffer): void {
    this.queued.push(b);
    this.wake?.();
  }
  end(): void {
    this.ended = true;
    this.wake?.();
  }
  fail(err: Error): void {
    this.failure = err;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.failure) throw this.failure;
      const b = this.queued.shift();
      if (b) {
        yield b;
        post({id: this.id, kind: 'ack', bytes: b.length});
      } else if (this.ended) return;
      else await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }
}

/** The checks in work, by id (the next job's check may start before the last one has finished). */
const checks = new Map<number, Blocks>();

port.on('message', (m: CheckRequest) => {
  if (m.kind === 'start') {
    const blocks = new Blocks(m.id);
    checks.set(m.id, blocks);
    checkFile(blocks, m.file, m.encoding, {sha256: false}) // the sender hashes the bytes (check-thread.ts)
      .then(
        (check) =>
          post({
            id: m.id,
            kind: 'done',
            check: {...check, error: undefined},
            error: check.error && errorData(check.error),
          }),
        (err) => post({id: m.id, kind: 'failed', error: errorData(err)})
      )
      .finally(() => checks.delete(m.id));
    return;
  }
  const blocks = checks.get(m.id);
  if (!blocks) return; // an aborted check's late message
  if (m.kind === 'block') {
    const b = m.bytes;
    blocks.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  } else if (m.kind === 'end') blocks.end();
  else blocks.fail(new Error('download aborted'));
});
