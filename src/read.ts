import {promises as fs, rmSync} from 'fs';
import os from 'os';
import path from 'path';

import {ConcurConfig, resolveConfig} from './config';
import {
  ConfigError,
  ConnectorError,
  describeError,
  failureTypeOf,
} from './errors';
import {ConnectorLogger} from './protocol/logger';
import {streamState, traceError} from './protocol/messages';
import {Output} from './protocol/output';
import {ConcurExtractSource} from './source';
import {parseInputState, StreamState} from './state';
import {ConcurStream, StreamEvent} from './streams/base';
import {SyncContext} from './streams/context';
import {
  FileStream,
  FileStreamRead,
  readFileStreams,
  TaggedEvent,
} from './streams/file-group';
import {startAndWaitForJobs} from './streams/start-jobs';

export interface ConfiguredCatalog {
  streams: {stream: {name: string}; sync_mode?: string}[];
}

/**
 * One `read`, as a stock Airbyte source does it: RECORDs, a per-stream STATE
 * (with sourceStats) after each fully emitted unit, and, if anything failed, an
 * Airbyte TRACE error after the state of whatever completed. Returns the exit code.
 */
export async function runRead(
  source: ConcurExtractSource,
  logger: ConnectorLogger,
  rawConfig: ConcurConfig,
  catalog: ConfiguredCatalog,
  rawState: unknown,
  output = new Output()
): Promise<number> {
  let workDir: {dir: string; remove(): Promise<void>} | undefined;
  let ctx: SyncContext | undefined;
  try {
    const config = resolveConfig(rawConfig);
    const plan = planStreams(source.streams(), catalog);
    const input = parseInputState(rawState);
    workDir = await createWorkDir();
    const client = source.createClient(config, rawConfig, output);
    ctx = new SyncContext(client, config, logger, workDir.dir);
    if (
      config.startNewJobs &&
      plan.some((p) => p.stream.name !== 'extract_definitions')
    ) {
      await startAndWaitForJobs(ctx);
    }
    const fileReads: FileStreamRead[] = [];
    for (const {stream, incremental} of plan) {
      const initial = incremental ? (input[stream.name] ?? {}) : {};
      if (stream instanceof FileStream) {
        fileReads.push({stream, incremental, state: initial});
      } else {
        await readStream(stream, ctx, incremental, initial, output);
      }
    }
    // The file streams together: one download per job for all of them.
    if (fileReads.length) await readEvents(ctx, fileReads, output);
  } catch (err) {
    // Definitions that failed before the fatal error are reported with it.
    await fail(output, logger, [...(ctx?.failures ?? []), err]);
    return 1;
  } finally {
    await workDir?.remove();
  }
  if (ctx.failures.length) {
    await fail(output, logger, ctx.failures);
    return 1;
  }
  return 0;
}

const WORK_DIR_PREFIX = 'concur-extract-';
/** A work folder untouched this long belongs to a sync that was killed (each job touches it). */
const STALE_WORK_DIR_MS = 24 * 3_600_000;

/**
 * The sync's private folder for downloaded bodies. Folders of killed syncs
 * (SIGKILL leaves no chance to clean up) are removed first; SIGTERM/SIGINT
 * (Airbyte cancelling a sync) remove this one before exiting.
 */
async function createWorkDir(): Promise<{
  dir: string;
  remove(): Promise<void>;
}> {
  const tmp = os.tmpdir();
  for (const name of await fs.readdir(tmp).catch(() => [] as string[])) {
    if (!name.startsWith(WORK_DIR_PREFIX)) continue;
    const dir = path.join(tmp, name);
    const stat = await fs.stat(dir).catch(() => undefined);
    if (stat?.isDirectory() && Date.now() - stat.mtimeMs > STALE_WORK_DIR_MS) {
      await fs.rm(dir, {recursive: true, force: true}).catch(() => undefined);
    }
  }
  const dir = await fs.mkdtemp(path.join(tmp, WORK_DIR_PREFIX));
  const onSignal = (signal: NodeJS.Signals): void => {
    rmSync(dir, {recursive: true, force: true});
    process.kill(process.pid, signal); // the listener is gone: the default action ends the process
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return {
    dir,
    remove: async () => {
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('SIGINT', onSignal);
      await fs.rm(dir, {recursive: true, force: true});
    },
  };
}

async function readStream(
  stream: ConcurStream,
  ctx: SyncContext,
  incremental: boolean,
  initial: StreamState,
  output: Output
): Promise<void> {
  await readEvents(ctx, [{stream, incremental, state: initial}], output);
}

/**
 * Streams read together (the file streams share their downloads): their
 * events, each tagged with its stream, become RECORD and STATE messages.
 */
async function readEvents(
  ctx: SyncContext,
  reads: readonly {
    stream: ConcurStream;
    incremental: boolean;
    state: StreamState;
  }[],
  output: Output
): Promise<void> {
  const progress = new Map(
    reads.map(({stream, incremental, state}) => {
      ctx.logger.info(
        `Reading stream ${stream.name} (${incremental ? 'incremental' : 'full refresh'})`
      );
      return [stream.name, {state, count: 0, total: 0}];
    })
  );
  const events: AsyncIterable<TaggedEvent> =
    reads.length === 1 && !(reads[0].stream instanceof FileStream)
      ? tag(
          reads[0].stream.name,
          reads[0].stream.sync(ctx, reads[0].incremental, reads[0].state)
        )
      : readFileStreams(ctx, reads as FileStreamRead[]);
  for await (const {stream, event: ev} of events) {
    const p = progress.get(stream)!;
    if ('records' in ev) {
      await output.records(stream, ev.records);
      p.count += ev.records.length;
      p.total += ev.records.length;
    } else if ('raw' in ev) {
      await output.raw(ev.raw);
      p.count += ev.count;
      p.total += ev.count;
    } else {
      p.state = ev.state;
      await output.message(streamState(stream, p.state, p.count));
      p.count = 0;
    }
  }
  // Every stream ends with a checkpoint, also when nothing moved.
  for (const [stream, p] of progress) {
    await output.message(streamState(stream, p.state, p.count));
    ctx.logger.info(`Stream ${stream}: ${p.total} record(s)`);
  }
}

async function* tag(
  stream: string,
  events: AsyncIterable<StreamEvent>
): AsyncGenerator<TaggedEvent> {
  for await (const event of events) yield {stream, event};
}

/** The configured streams in dependency order, with their effective sync mode. */
function planStreams(
  streams: ConcurStream[],
  catalog: ConfiguredCatalog
): {stream: ConcurStream; incremental: boolean}[] {
  const configured = catalog?.streams ?? [];
  const names = streams.map((s) => s.name);
  const unknown = configured
    .map((c) => c.stream?.name)
    .filter((n) => !names.includes(n));
  if (unknown.length) {
    throw new ConfigError(
      `The catalog names stream(s) ${unknown.map((n) => `"${n}"`).join(', ')} that this source does not have; ` +
        `its streams are ${names.join(', ')}.`
    );
  }
  const plan = [];
  for (const stream of streams) {
    const c = configured.find((x) => x.stream.name === stream.name);
    if (!c) continue;
    const mode = c.sync_mode ?? 'full_refresh';
    if (mode !== 'full_refresh' && mode !== 'incremental') {
      throw new ConfigError(
        `Stream ${stream.name}: sync_mode "${mode}" is not full_refresh or incremental.`
      );
    }
    if (mode === 'incremental' && !stream.supportsIncremental) {
      throw new ConfigError(
        `Stream ${stream.name} supports only full_refresh, not incremental.`
      );
    }
    plan.push({stream, incremental: mode === 'incremental'});
  }
  return plan;
}

async function fail(
  output: Output,
  logger: ConnectorLogger,
  errors: unknown[]
): Promise<void> {
  const messages = errors.map(describeError);
  for (const e of errors) {
    if (!(e instanceof ConnectorError) && e instanceof Error && e.stack)
      logger.error(e.stack);
  }
  const message =
    messages.length === 1
      ? messages[0]
      : `${messages.length} errors: ${messages.map((m, i) => `(${i + 1}) ${m}`).join(' ')}`;
  const failureType = errors.some((e) => failureTypeOf(e) === 'config_error')
    ? 'config_error'
    : 'system_error';
  await output.message(
    traceError(
      message,
      failureType,
      errors[0] instanceof Error ? errors[0].name : undefined
    )
  );
}
