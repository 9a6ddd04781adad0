import {AirbyteStreamBase, SyncMode} from 'faros-airbyte-cdk';

import {readResource} from '../resources';
import {StreamState} from '../state';
import {SyncContext} from './context';

/**
 * What a stream yields: records to write (objects, or `count` records already
 * written as RECORD lines in `raw`), or a checkpoint of its state.
 */
export type StreamEvent =
  {records: object[]} | {raw: Buffer; count: number} | {state: StreamState};

/**
 * A stream of this connector. The CDK base class gives discover its catalog
 * entry (name, schema, keys, cursor); reading goes through `sync`, driven by
 * the source's read loop, which turns events into RECORD and STATE messages.
 */
export abstract class ConcurStream extends AirbyteStreamBase {
  abstract override get name(): string;

  getJsonSchema(): Record<string, any> {
    return readResource(`schemas/${this.name}.json`);
  }

  abstract sync(
    ctx: SyncContext,
    incremental: boolean,
    state: StreamState
  ): AsyncGenerator<StreamEvent>;

  /** Not used: the CDK's read loop is replaced by the source's (see source.ts). */
  // eslint-disable-next-line require-yield
  async *readRecords(_mode: SyncMode): AsyncGenerator<Record<string, any>> {
    throw new Error(`${this.name} is read through sync()`);
  }
}
