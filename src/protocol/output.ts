import {once} from 'events';

import {redact} from '../redact';

/** Records are joined into chunks of about this size: one write per chunk, not per record. */
const RECORD_CHUNK_BYTES = 256 * 1024;

export type MessageSink = (chunk: string) => boolean;

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

  /**
   * A batch of records of one stream, stamped with one emitted_at. A record is
   * an object, or the JSON text of one (file rows are built as text).
   */
  async records(
    stream: string,
    rows: readonly (object | string)[],
    emittedAt = Date.now()
  ): Promise<void> {
    const prefix = `{"type":"RECORD","record":{"stream":${JSON.stringify(stream)},"emitted_at":${emittedAt},"data":`;
    const suffix = '}}\n';
    // Rows are joined into ~RECORD_CHUNK_BYTES chunks: one write each, and a
    // join builds a flat string where repeated `+=` would build a rope that
    // the write must flatten again.
    let start = 0;
    let size = 0;
    const texts = rows.map((row) =>
      typeof row === 'string' ? row : JSON.stringify(row)
    );
    for (let i = 0; i < texts.length; i++) {
      size += texts[i].length + prefix.length;
      if (size >= RECORD_CHUNK_BYTES || i === texts.length - 1) {
        await this.write(
          prefix + texts.slice(start, i + 1).join(suffix + prefix) + suffix
        );
        start = i + 1;
        size = 0;
      }
    }
  }

  private async write(chunk: string): Promise<void> {
    if (!this.sink(chunk)) await this.drained();
  }
}
