import {ConcurConfig, resolveConfig} from './config';
import {
  codeOf,
  ConfigError,
  ConnectorError,
  describeError,
  failureTypeOf,
  stopsSync,
} from './errors';
import {EmitPool} from './extract-file';
import {CheckThread} from './extract-file/check-thread';
import {ConnectorLogger, Logger} from './protocol/logger';
import {streamState, traceError} from './protocol/messages';
import {Output, stdout} from './protocol/output';
import {StreamStatuses} from './protocol/stream-status';
import {ConcurExtractSource} from './source';
import {parseInputState, StreamState} from './state';
import {warnUnknownState} from './state-warnings';
import {ConcurStream, StreamEvent} from './streams/base';
import {SyncContext} from './streams/context';
import {
  FileStream,
  FileStreamRead,
  readFileStreams,
  TaggedEvent,
} from './streams/file-group';
import {startJobsForSync} from './streams/job-lifecycle';
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
  output: Output = stdout
): Promise<number> {
  const statuses = new StreamStatuses(output);
  const configured = (catalog?.streams ?? [])
    .map((c) => c?.stream?.name)
    .filter((n): n is string => typeof n === 'string' && n !== '');
  let workDir: WorkDir | undefined;
  let pool: EmitPool | undefined;
  let checkThread: CheckThread | undefined;
  let ctx: SyncContext | undefined;
  let failed = false;
  try {
    const config = resolveConfig(rawConfig);
    const input = parseInputState(rawState);
    const streams = source.streams();
    const {plan, rejected} = planStreams(streams, catalog);
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
    // Their threads start with the file streams (file-group.ts).
    pool = EmitPool.create();
    checkThread = CheckThread.create();
    ctx = new SyncContext(
      client,
      config,
      logger,
      workDir.dir,
      pool,
      checkThread
    );
    // Credentials first: their failure is the sync's, not a stream's.
    await client.authenticate();
    await warnUnknownState(input, streams, ctx);
    await startJobsForSync(
      ctx,
      plan.map((p) => p.stream.name)
    );
    // The file streams are read together (one download per job for all of
    // them), in the place of the first one.
    const allReads = plan.map(({stream, incremental}) => ({
      stream,
      incremental,
      state: incremental ? (input[stream.name] ?? {}) : {},
    }));
    const fileReads = allReads.filter(
      (r): r is FileStreamRead => r.stream instanceof FileStream
    );
    for (const read of allReads) {
      const isFile = read.stream instanceof FileStream;
      if (isFile && read !== fileReads[0]) continue;
      const reads = isFile ? fileReads : [read];
      const end = await readStreams(reads, ctx, output, statuses);
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
    await pool?.close();
    await checkThread?.close();
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
 * Reads one stream, or the file streams together (their events tagged with
 * the stream they belong to). Anything a stream throws is its own failure (as
 * in the Python CDK) and the next stream still runs, unless the error stops
 * the sync (credentials, permissions: see stopsSync).
 */
async function readStreams(
  reads: readonly {
    stream: ConcurStream;
    incremental: boolean;
    state: StreamState;
  }[],
  ctx: SyncContext,
  output: Output,
  statuses: StreamStatuses
): Promise<'complete' | 'failed' | 'stop'> {
  const progress = new Map<
    string,
    {state: StreamState; count: number; total: number}
  >();
  for (const {stream, incremental, state} of reads) {
    ctx.logger.info(
      `Reading stream ${stream.name} (${incremental ? 'incremental' : 'full refresh'})`
    );
    await statuses.started(stream.name);
    progress.set(stream.name, {state, count: 0, total: 0});
  }
  const [first] = reads;
  const events: AsyncIterable<TaggedEvent> =
    first.stream instanceof FileStream
      ? readFileStreams(ctx, reads as FileStreamRead[])
      : tag(
          first.stream.name,
          first.stream.sync(ctx, first.incremental, first.state)
        );
  let thrown: unknown;
  try {
    for await (const {stream: name, event: ev} of events) {
      const p = progress.get(name)!;
      if ('state' in ev) {
        p.state = ev.state;
        await output.message(streamState(name, p.state, p.count));
        p.count = 0;
        continue;
      }
      const n = 'records' in ev ? ev.records.length : ev.count;
      if (n > 0) await statuses.record(name);
      if ('records' in ev) await output.records(name, ev.records);
      else await output.raw(ev.raw);
      p.count += n;
      p.total += n;
    }
  } catch (err) {
    thrown = err; // every stream read here misses what follows
  }
  let stop = false;
  let anyFailed = false;
  for (const [name, p] of progress) {
    // Every stream ends with a checkpoint, also when nothing moved.
    await output.message(streamState(name, p.state, p.count));
    ctx.logger.info(`Stream ${name}: ${p.total} record(s)`);
    const errors: unknown[] = ctx.failures
      .filter((f) => f.stream === name)
      .map((f) => f.error);
    if (thrown !== undefined) errors.push(thrown);
    for (const err of errors) await report(output, ctx.logger, err, name);
    await statuses.finished(name, errors.length > 0);
    anyFailed ||= errors.length > 0;
    stop ||= errors.some((e) => e instanceof ConnectorError && stopsSync(e));
  }
  return stop ? 'stop' : anyFailed ? 'failed' : 'complete';
}

async function* tag(
  stream: string,
  events: AsyncIterable<StreamEvent>
): AsyncGenerator<TaggedEvent> {
  for await (const event of events) yield {stream, event};
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
