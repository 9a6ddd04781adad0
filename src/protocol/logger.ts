import {AirbyteLogger, AirbyteMessage, shouldWriteLog} from '../cdk';
import {Logger as ClientLogger} from '../concur/types';
import {redact} from '../redact';

/** What the streams and the read loop need from a logger: the client's, plus errors. */
export interface Logger extends ClientLogger {
  error(message: string): void;
}

/**
 * The CDK's logger, minus its Faros habits: every message is one plain Airbyte
 * message on stdout (no log batches disguised as STATE), and every message is
 * passed through secret redaction first.
 */
export class ConnectorLogger extends AirbyteLogger implements Logger {
  override write(msg: AirbyteMessage): void {
    if (msg.type === 'LOG' && !shouldWriteLog(msg as any, this.level)) return;
    process.stdout.write(redact(JSON.stringify(msg)) + '\n');
  }

  /** The CDK runner calls these on its own logger; there is nothing to batch. */
  flush(): void {}
  set getState(_fn: unknown) {}
}
