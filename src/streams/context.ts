import {ConcurClient} from '../concur/client';
import {Definition} from '../concur/types';
import {ResolvedConfig} from '../config';
import {
  ConfigError,
  ConnectorError,
  DataError,
  describeError,
  withContext,
} from '../errors';
import {Logger} from '../protocol/logger';

/** What every stream may use during one sync. */
export class SyncContext {
  private selected?: Promise<Definition[]>;
  readonly failures: ConnectorError[] = [];

  constructor(
    readonly client: ConcurClient,
    readonly config: ResolvedConfig,
    readonly logger: Logger,
    /** A private folder for downloaded bodies, removed after the sync. */
    readonly workDir: string
  ) {}

  /** The definitions the user selected, listed once per sync. */
  definitions(): Promise<Definition[]> {
    if (!this.selected) {
      this.selected = this.client
        .listDefinitions()
        .then((all) => selectDefinitions(all, this.config.definitions));
    }
    return this.selected;
  }

  /**
   * One definition failed: the sync goes on with the others, then fails. A
   * configuration error (bad credentials…) would fail every definition alike,
   * so it stops the sync at once; a file that fails its checks (a DataError,
   * config_error too) is that definition's problem only.
   */
  fail(err: unknown, definition: Definition): void {
    const e = withContext(err, {definition: definition.name || definition.id});
    if (e.failureType === 'config_error' && !(e instanceof DataError)) throw e;
    this.logger.error(describeError(e));
    this.failures.push(e);
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
        `Available definitions: ${available}.`
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
