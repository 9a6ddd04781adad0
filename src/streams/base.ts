import {AirbyteStream} from '../cdk';
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
 * A stream of this connector: its catalog entry for discover (name, schema,
 * primary key, cursor) and `sync`, driven by the read loop (read.ts), which
 * turns events into RECORD and STATE messages. (Not the CDK's stream base
 * class: its read protocol is not used, and importing it loads
 * faros-js-client and graphql on every command.)
 */
export abstract class ConcurStream {
  abstract get name(): string;
  /** Each key is a path (one field name here). */
  abstract get primaryKey(): string[][];
  /** Empty for full-refresh-only streams. */
  get cursorField(): string[] {
    return [];
  }
  get supportsIncremental(): boolean {
    return this.cursorField.length > 0;
  }

  getJsonSchema(): Record<string, any> {
    return readResource(`schemas/${this.name}.json`);
  }

  asAirbyteStream(): AirbyteStream {
    return {
      name: this.name,
      json_schema: this.getJsonSchema(),
      supported_sync_modes: this.supportsIncremental
        ? ['full_refresh', 'incremental']
        : ['full_refresh'],
      ...(this.supportsIncremental
        ? {
            source_defined_cursor: true,
            default_cursor_field: this.cursorField,
            // A failed incremental sync resumes from its last checkpoint.
            is_resumable: true,
          }
        : {}),
      source_defined_primary_key: this.primaryKey,
    } as AirbyteStream;
  }

  abstract sync(
    ctx: SyncContext,
    incremental: boolean,
    state: StreamState
  ): AsyncGenerator<StreamEvent>;
}
