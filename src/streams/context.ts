import {ConcurClient} from '../concur/client';
import {Definition} from '../concur/types';
import {ResolvedConfig} from '../config';
import {
  ConfigError,
  ConnectorError,
  describeError,
  stopsSync,
  withContext,
} from '../errors';
import type {EmitPool} from '../extract-file';
import type {CheckThread} from '../extract-file/check-thread';
import {Logger} from '../protocol/logger';

/** What every stream may use during one sync. */
export class SyncContext {
  private listed?: Promise<Definition[]>;
  private selected?: Promise<Definition[]>;
  /** Failures that did not stop the sync, each with the stream it belongs to (none: the sync's). */
  readonly failures: {error: ConnectorError; stream?: string}[] = [];

  constructor(
    readonly client: ConcurClient,
    readonly config: ResolvedConfig,
    readonly logger: Logger,
    /** A private folder for downloaded bodies, removed after the sync. */
    readonly workDir: string,
    /** The parse workers that write the file streams' rows (none: the reading thread writes them). */
    readonly emitPool?: EmitPool,
    /** The thread that checks text bodies while they download (none: the reading thread checks them). */
    readonly checkThread?: CheckThread
  ) {}

  /** Every definition Concur lists, listed once per sync. */
  allDefinitions(): Promise<Definition[]> {
    this.listed ??= this.client.listDefinitions();
    return this.listed;
  }

  /** The definitions the user selected. */
  definitions(): Promise<Definition[]> {
    this.selected ??= this.allDefinitions().then((all) =>
      selectDefinitions(all, this.config.definitions)
    );
    return this.selected;
  }

  /**
   * One definition failed: the sync goes on with the others, then fails. A
   * configuration error (bad credentials…) would fail every definition alike,
   * so it stops its stream at once. `stream`: the stream whose data the
   * failure is missing from (none for a job started before the streams).
   */
  fail(err: unknown, definition: Definition, stream?: string): void {
    const e = withContext(err, {definition: definition.name || definition.id});
    if (stopsSync(e)) throw e;
    this.logger.error(describeError(e));
    this.failures.push({error: e, stream});
  }
}

/** `definitions` entries match a definition's name (case-insensitive) or its id. */
export function selectDefinitions(
  all: Definition[],
  wanted: string[]
): Definition[] {
  if (wanted.length === 0) return all;
  const unknown = wanted.filter((w) => !all.some((d) => matches(d, w)));
  if (unknown.length) {
    const available =
      all.map((d) => `"${d.name}" (${d.id})`).join(', ') || 'none';
    throw new ConfigError(
      `The configured definition(s) ${unknown.map((u) => `"${u}"`).join(', ')} do not exist in Concur. ` +
        `Available definitions: ${available}.`,
      {code: 'DEFINITION_NOT_FOUND'}
    );
  }
  return all.filter((d) => wanted.some((w) => matches(d, w)));
}

function matches(d: Definition, wanted: string): boolean {
  return (
    d.id === wanted ||
    d.name.trim().toLowerCase() === wanted.trim().toLowerCase()
  );
}
