import {AirbyteLogger, AirbyteMessage, shouldWriteLog} from '../cdk';
import {Logger as ClientLogger} from '../concur/types';
import {Output, stdout} from './output';

/** What the streams and the read loop need from a logger: the client's, plus errors. */
export interface Logger extends ClientLogger {
  error(message: string): void;
}

/**
 * The CDK's logger, minus its Faros habits: every message is one plain Airbyte
 * message written through the connector's one writer (in order with records,
 * redacted), with no log batches disguised as STATE.
 */
export class ConnectorLogger extends AirbyteLogger implements Logger {
  constructor(private readonly output: Output = stdout) {
    super();
  }

  override write(msg: AirbyteMessage): void {
    if (msg.type === 'LOG' && !shouldWriteLog(msg as any, this.level)) return;
    this.output.log(msg);
  }

  /** The CDK runner calls these on its own logger; there is nothing to batch. */
  flush(): void {}
  set getState(_fn: unknown) {}
}
