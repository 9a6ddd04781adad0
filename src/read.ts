import {ConcurConfig, resolveConfig} from './config';
import {
  codeOf,
  ConfigError,
  ConnectorError,
  describeError,
  failureTypeOf,
  stopsSync,
} from './errors';
import {ConnectorLogger, Logger} from './protocol/logger';
import {streamState, traceError} from './protocol/messages';
import {Output} from './protocol/output';
import {StreamStatuses} from './protocol/stream-status';
import {ConcurExtractSource} from './source';
import {parseInputState, StreamState} from './state';
import {ConcurStream} from './streams/base';
import {SyncContext} from './streams/context';
import {startAndWaitForJobs} from './streams/start-jobs';
import {createWorkDir, WorkDir} from './work-dir';

export interface ConfiguredCatalog {
  streams: {stream: {name: string}; sync_mode?: string}[];
}

interface Planned {
  stream: ConcurStream;
  incremental: boolean;
}

/**
 * One `read`, as a stock Airbyte source does it: per configured stream a
 * STARTED status, RUNNING with its first record, RECORDs, a per-stream STATE
 * (with sourceStats) after each fully emitted unit, then COMPLETE — or its
 * own TRACE errors and INCOMPLETE, while the other streams go on. A failure
 * of the whole sync (configuration, credentials) is one TRACE error without
 * a stream, every stream INCOMPLETE. Returns the exit code.
 */
export async function runRead(
  source: ConcurExtractSource,
  logger: ConnectorLogger,
  rawConfig: ConcurConfig,
  catalog: ConfiguredCatalog,
  rawState: unknown,
  output = new Output()
): Promise<number> {
  const statuses = new StreamStatuses(output);
  const configured = (catalog?.streams ?? [])
    .map((c) => c?.stream?.name)
    .filter((n): n is string => typeof n === 'string' && n !== '');
  let workDir: WorkDir | undefined;
  let ctx: SyncContext | undefined;
  let failed = false;
  try {
    const config = resolveConfig(rawConfig);
    const input = parseInputState(rawState);
    const {plan, rejected} = planStreams(source.streams(), catalog);
    for (const {stream, error} of rejected) {
      await report(output, logger, error, stream);
      await statuses.finished(stream, true);
      failed = true;
    }
    if (plan.length === 0) return failed ? 1 : 0;
    workDir = await createWorkDir();
    const client = source.createClient(config, rawConfig, output, {
      onRateLimited: (quotaReset) => void statuses.rateLimited(quotaReset),
    });
    ctx = new SyncContext(client, config, logger, workDir.dir);
    // Credentials first: their failure is the sync's, not a stream's.
    await client.authenticate();
    if (
      config.startNewJobs &&
      plan.some((p) => p.stream.name !== 'extract_definitions')
    ) {
      await startAndWaitForJobs(ctx);
    }
    for (const {stream, incremental} of plan) {
      const state = incremental ? (input[stream.name] ?? {}) : {};
      const end = await readStream(
        stream,
        ctx,
        incremental,
        state,
        output,
        statuses
      );
      if (end !== 'complete') failed = true;
      if (end === 'stop') {
        // Credentials or permissions: every other stream would fail alike.
        await statuses.abandon(configured);
        break;
      }
    }
  } catch (err) {
    await report(output, logger, err);
    await statuses.abandon(configured);
    failed = true;
  } finally {
    await workDir?.remove();
  }
  // Failures of jobs started before the streams belong to no stream.
  for (const {error, stream} of ctx?.failures ?? []) {
    if (stream === undefined) {
      await report(output, logger, error);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

/**
 * Reads one stream. Anything it throws is its own failure (as in the Python
 * CDK) and the next stream still runs, unless the error stops the sync
 * (credentials, permissions: see stopsSync).
 */
async function readStream(
  stream: ConcurStream,
  ctx: SyncContext,
  incremental: boolean,
  initial: StreamState,
  output: Output,
  statuses: StreamStatuses
): Promise<'complete' | 'failed' | 'stop'> {
  const name = stream.name;
  ctx.logger.info(
    `Reading stream ${name} (${incremental ? 'incremental' : 'full refresh'})`
  );
  await statuses.started(name);
  let state = initial;
  let count = 0;
  let total = 0;
  const errors: unknown[] = [];
  try {
    for await (const ev of stream.sync(ctx, incremental, state)) {
      if ('state' in ev) {
        state = ev.state;
        await output.message(streamState(name, state, count));
        count = 0;
        continue;
      }
      const n = 'records' in ev ? ev.records.length : ev.count;
      if (n > 0) await statuses.record(name);
      if ('records' in ev) await output.records(name, ev.records);
      else await output.raw(ev.raw);
      count += n;
      total += n;
    }
  } catch (err) {
    errors.push(err);
  }
  // Every stream ends with a checkpoint, also when nothing moved.
  await output.message(streamState(name, state, count));
  ctx.logger.info(`Stream ${name}: ${total} record(s)`);
  for (const f of ctx.failures) if (f.stream === name) errors.unshift(f.error);
  for (const err of errors) await report(output, ctx.logger, err, name);
  await statuses.finished(name, errors.length > 0);
  if (errors.some((e) => e instanceof ConnectorError && stopsSync(e)))
    return 'stop';
  return errors.length ? 'failed' : 'complete';
}

/** The configured streams in dependency order, with their effective sync mode; the others rejected. */
function planStreams(
  streams: ConcurStream[],
  catalog: ConfiguredCatalog
): {plan: Planned[]; rejected: {stream: string; error: ConfigError}[]} {
  const configured = catalog?.streams;
  if (
    !Array.isArray(configured) ||
    configured.some((c) => typeof c?.stream?.name !== 'string')
  ) {
    throw new ConfigError(
      'The catalog is not a configured catalog: it needs a "streams" list whose entries each name a stream.',
      {code: 'CATALOG_INVALID'}
    );
  }
  const names = streams.map((s) => s.name);
  const rejected = configured
    .map((c) => c?.stream?.name)
    .filter((n) => !names.includes(n))
    .map((n) => ({
      stream: n,
      error: new ConfigError(
        `The catalog names the stream "${n}", which this source does not have (its streams are ${names.join(', ')}): ` +
          'refresh the source schema in Airbyte and save the connection.',
        {code: 'STREAM_UNKNOWN'}
      ),
    }));
  const plan: Planned[] = [];
  for (const stream of streams) {
    const c = configured.find((x) => x?.stream?.name === stream.name);
    if (!c) continue;
    const mode = c.sync_mode ?? 'full_refresh';
    const problem =
      mode !== 'full_refresh' && mode !== 'incremental'
        ? `sync_mode "${mode}" is not full_refresh or incremental.`
        : mode === 'incremental' && !stream.supportsIncremental
          ? 'it supports only full_refresh, not incremental.'
          : undefined;
    if (problem) {
      const msg = `Stream ${stream.name}: ${problem}`;
      rejected.push({
        stream: stream.name,
        error: new ConfigError(msg, {code: 'CATALOG_INVALID'}),
      });
      continue;
    }
    plan.push({stream, incremental: mode === 'incremental'});
  }
  return {plan, rejected};
}

/** One failure as its own TRACE error (a bug's stack goes to the log, never into the message). */
async function report(
  output: Output,
  logger: Logger,
  err: unknown,
  stream?: string
): Promise<void> {
  if (!(err instanceof ConnectorError) && err instanceof Error && err.stack)
    logger.error(err.stack);
  const message = describeError(err);
  await output.message(
    traceError({
      message,
      failureType: failureTypeOf(err),
      code: codeOf(err),
      detail:
        err instanceof ConnectorError ? `${err.name}: ${message}` : message,
      stream,
    })
  );
}
