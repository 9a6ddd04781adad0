import {Output} from './output';

export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';

/** An Airbyte STREAM_STATUS trace (reasons: RATE_LIMITED with quota_reset in ms). */
function streamStatus(
  stream: string,
  status: StreamStatus,
  quotaResetMs?: number | null
): object {
  const reasons =
    quotaResetMs === undefined
      ? {}
      : {
          reasons: [
            {
              type: 'RATE_LIMITED',
              rate_limited:
                quotaResetMs === null ? {} : {quota_reset: quotaResetMs},
            },
          ],
        };
  return {
    type: 'TRACE',
    trace: {
      type: 'STREAM_STATUS',
      emitted_at: Date.now(),
      stream_status: {stream_descriptor: {name: stream}, status, ...reasons},
    },
  };
}

/**
 * The status of every configured stream over one sync, as the Python CDK
 * reports it: STARTED when a stream begins, RUNNING with its first record,
 * COMPLETE or INCOMPLETE at its end. Streams are tracked by name, so a reader
 * that feeds several streams at once calls record() for each; the Concur
 * client's 429 backoff calls rateLimited(), which marks every running stream.
 */
export class StreamStatuses {
  private readonly active = new Set<string>();
  private readonly running = new Set<string>();
  private readonly ended = new Set<string>();

  constructor(private readonly output: Output) {}

  async started(stream: string): Promise<void> {
    if (this.active.has(stream) || this.ended.has(stream)) return;
    this.active.add(stream);
    await this.output.message(streamStatus(stream, 'STARTED'));
  }

  /** Call with each batch of records; the first one makes the stream RUNNING. */
  async record(stream: string): Promise<void> {
    if (this.running.has(stream) || !this.active.has(stream)) return;
    this.running.add(stream);
    await this.output.message(streamStatus(stream, 'RUNNING'));
  }

  /**
   * Concur answered 429: the running streams are quiet until `quotaResetMs`
   * (epoch ms, from Retry-After) or an unknown time (undefined).
   */
  async rateLimited(quotaResetMs?: number): Promise<void> {
    for (const stream of this.active) {
      await this.output.message(
        streamStatus(stream, 'RUNNING', quotaResetMs ?? null)
      );
    }
  }

  async finished(stream: string, failed: boolean): Promise<void> {
    if (this.ended.has(stream)) return;
    this.active.delete(stream);
    this.ended.add(stream);
    await this.output.message(
      streamStatus(stream, failed ? 'INCOMPLETE' : 'COMPLETE')
    );
  }

  /** Every stream of `streams` that has not ended yet ends INCOMPLETE (a sync-wide failure). */
  async abandon(streams: readonly string[]): Promise<void> {
    for (const s of streams) await this.finished(s, true);
  }
}
