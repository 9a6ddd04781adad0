import {Definition, Job} from '../concur/types';
import {DefinitionCursor, StreamState} from '../state';
import {ConcurStream, StreamEvent} from './base';
import {SyncContext} from './context';
import {advance, finishedBefore, jobsToEmit} from './cursor';
import {listJobs} from './job-lifecycle';

export class ExtractJobs extends ConcurStream {
  get name(): string {
    return 'extract_jobs';
  }
  get primaryKey(): string[][] {
    return [['id']];
  }
  override get cursorField(): string[] {
    return ['stop_time'];
  }

  async *sync(
    ctx: SyncContext,
    incremental: boolean,
    state: StreamState
  ): AsyncGenerator<StreamEvent> {
    for (const def of await ctx.definitions()) {
      try {
        const cursor = incremental ? state[def.id] : undefined;
        const jobs = await listJobs(ctx, def, cursor);
        if (!incremental) {
          // Full refresh: every listed job; finished ones bounded by start_date.
          const kept = jobs.filter(
            (j) => !finishedBefore(j, ctx.config.startDate)
          );
          yield {records: kept.map((j) => jobRecord(def, j))};
          continue;
        }
        // Incremental: finished jobs only, each exactly once; unfinished ones come when they finish.
        const emit = jobsToEmit(jobs, cursor, ctx.config.startDate);
        if (emit.length === 0) continue;
        yield {records: emit.map((j) => jobRecord(def, j))};
        const moved = emit.reduce(advance, cursor) as DefinitionCursor;
        state = {...state, [def.id]: moved};
        yield {state};
      } catch (err) {
        ctx.fail(err, def, this.name);
      }
    }
  }
}

export function jobRecord(def: Definition, j: Job): object {
  return {
    id: j.id,
    definition_id: def.id,
    definition_name: def.name,
    status: j.status,
    start_time: j.startTime,
    stop_time: j.stopTime,
    file_link: j.fileLink,
    url: j.url,
    status_link: j.statusLink,
  };
}
