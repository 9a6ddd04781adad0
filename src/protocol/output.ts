import {once} from 'events';

import {redact} from '../redact';

/** Records are joined into chunks of about this size: one write per chunk, not per record. */
const RECORD_CHUNK_BYTES = 256 * 1024;

export type MessageSink = (chunk: string | Buffer) => boolean;

/**
 * Everything the connector prints on stdout goes through here, one Airbyte
 * message per line. Non-record messages are passed through secret redaction;
 * records are written in large chunks and back-pressure is honoured.
 */
export class Output {
  constructor(
    private readonly sink: MessageSink = (chunk) => process.stdout.write(chunk),
    private readonly drained: () => Promise<unknown> = () =>
      once(process.stdout, 'drain')
  ) {}

  /** Any message but a record (LOG, STATE, TRACE, CONTROL…). */
  async message(msg: object): Promise<void> {
    await this.write(redact(JSON.stringify(msg)) + '\n');
  }

  /**
   * A CONTROL message carries the configuration for the platform to store
   * (e.g. a rotated refresh token): the platform needs the real secrets, so it
   * is the one message that is not redacted. The platform consumes it; it is
   * never logged.
   */
  control(msg: object): void {
    this.sink(JSON.stringify(msg) + '\n');
  }

  /** The start of a RECORD line of `stream`; its data object follows, then `}}\n`. */
  static recordPrefix(stream: string, emittedAt = Date.now()): string {
    return `{"type":"RECORD","record":{"stream":${JSON.stringify(stream)},"emitted_at":${emittedAt},"data":`;
  }

  /** RECORD lines already written as bytes (see recordPrefix). */
  async raw(bytes: Buffer): Promise<void> {
    if (bytes.length) await this.write(bytes);
  }

  /** A batch of records of one stream, stamped with one emitted_at. */
  async records(
    stream: string,
    rows: readonly object[],
    emittedAt = Date.now()
  ): Promise<void> {
    const prefix = Output.recordPrefix(stream, emittedAt);
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

  private async write(chunk: string | Buffer): Promise<void> {
    if (!this.sink(chunk)) await this.drained();
  }
}
