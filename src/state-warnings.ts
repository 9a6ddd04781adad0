import {ConnectorState} from './state';
import {SyncContext} from './streams/context';

/**
 * Input state that names a stream this source does not have, or a definition
 * id Concur does not list, is a typo or a leftover: it is ignored, so the
 * stream or definition it meant reads from the start (a full re-sync). Each is
 * logged as a WARN naming it. Definitions are listed only when some state
 * names one; a listing failure is left to the streams, which report it.
 */
export async function warnUnknownState(
  input: ConnectorState,
  streams: readonly {name: string}[],
  ctx: SyncContext
): Promise<void> {
  const known = new Set(streams.map((s) => s.name));
  const named: [string, string][] = [];
  for (const [stream, state] of Object.entries(input)) {
    if (!known.has(stream)) {
      ctx.logger.warn(
        `The input state names stream "${stream}", which this source does not have; it is ignored.`
      );
      continue;
    }
    for (const definition of Object.keys(state))
      named.push([stream, definition]);
  }
  if (named.length === 0) return;
  const ids = await ctx.allDefinitions().then(
    (all) => new Set(all.map((d) => d.id)),
    () => undefined
  );
  if (!ids) return;
  for (const [stream, definition] of named) {
    if (ids.has(definition)) continue;
    ctx.logger.warn(
      `The input state of stream ${stream} names definition "${definition}", which Concur does not list; ` +
        'it is ignored (a definition is keyed by its id).'
    );
  }
}
