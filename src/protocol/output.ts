import {once} from 'events';
import type {Writable} from 'stream';

import {releaseBytes} from '../extract-file/json-bytes';
import type {Envelope} from '../extract-file/record-frame';
import {redact} from '../redact';
import {stdoutStream} from './stdout-stream';

/** Records are joined into chunks of about this size: one write per chunk, not per record. */
const RECORD_CHUNK_BYTES = 256 * 1024;

/**
 * Writers wait for stdout only once this much is queued in it, so the main
 * thread goes on building records while a pipe is written from a libuv
 * thread (stdout-stream.ts); waiting for every chunk to drain would idle it
 * at each one. Bounds the memory stdout may hold.
 */
export const STDOUT_QUEUE_BYTES = 4 * 1024 * 1024;

/**
 * The one way out to stdout: every Airbyte message the connector prints
 * (RECORD, STATE, TRACE, LOG, CONTROL), one per line, in the order they are
 * handed over. Every message but RECORD and CONTROL passes through secret
 * redaction. Back-pressure is shared: once more than `maxQueued` bytes wait
 * in stdout, every async write waits for it to drain, whatever filled it (a
 * log line too).
 * Only this module knows the RECORD JSON shape; byte writers get it as an
 * envelope.
 */
export class Output {
  private draining?: Promise<void>;

  constructor(
    private readonly stream: Writable = process.stdout,
    private readonly maxQueued = STDOUT_QUEUE_BYTES
  ) {}

  /** Any message but a record (STATE, TRACE…): written now, resolved once stdout can take more. */
  async message(msg: object): Promise<void> {
    await this.write(redact(JSON.stringify(msg)) + '\n');
  }

  /**
   * A LOG line, for the logger (which cannot wait): written at once, in order
   * with everything else; the next async write waits if it filled stdout.
   */
  log(msg: object): void {
    this.put(redact(JSON.stringify(msg)) + '\n');
  }

  /**
   * A CONTROL message carries the configuration for the platform to store
   * (e.g. a rotated refresh token): the platform needs the real secrets, so it
   * is the one message that is not redacted. The platform consumes it; it is
   * never logged.
   */
  control(msg: object): void {
    this.put(JSON.stringify(msg) + '\n');
  }

  /** The RECORD envelope of `stream` for writers that build lines as bytes (see raw). */
  static envelope(stream: string): Envelope {
    return {before: recordPrefixParts(stream), after: '}}\n'};
  }

  /** RECORD lines already written as bytes inside an envelope(). */
  async raw(bytes: Buffer): Promise<void> {
    if (!bytes.length) return;
    // Once written, a batch's buffer can take the next batches (json-bytes.ts).
    this.put(bytes, () => releaseBytes(bytes));
    if (this.draining) await this.draining;
  }

  /** A batch of records of one stream, stamped with one emitted_at. */
  async records(
    stream: string,
    rows: readonly object[],
    emittedAt = Date.now()
  ): Promise<void> {
    const prefix = recordPrefix(stream, emittedAt);
    let chunk = '';
    for (const row of rows) {
      chunk += prefix + JSON.stringify(row) + '}}\n';
      if (chunk.length >= RECORD_CHUNK_BYTES) {
        await this.write(chunk);
        chunk = '';
      }
    }
    if (chunk) await this.write(chunk);
  }

  /** Resolves once everything written so far has left the process (before exit). */
  flush(): Promise<void> {
    return new Promise((resolve) => this.stream.write('', () => resolve()));
  }

  private async write(chunk: string | Buffer): Promise<void> {
    this.put(chunk);
    if (this.draining) await this.draining;
  }

  /** Writes now (so lines keep the order they were handed over in) and notes a full queue. */
  private put(chunk: string | Buffer, written?: () => void): void {
    if (this.stream.write(chunk, written) || this.draining) return;
    if (this.stream.writableLength <= this.maxQueued) return;
    this.draining = once(this.stream, 'drain').then(() => {
      this.draining = undefined;
    });
  }
}

/** A RECORD line's start, in two parts around its emitted_at. */
function recordPrefixParts(stream: string): [string, string] {
  return [
    `{"type":"RECORD","record":{"stream":${JSON.stringify(stream)},"emitted_at":`,
    ',"data":',
  ];
}

function recordPrefix(stream: string, emittedAt: number): string {
  return recordPrefixParts(stream).join(String(emittedAt));
}

/** The process's writer: the logger, the runner and the read loop share it (one back-pressure, one order). */
export const stdout = new Output(stdoutStream());
