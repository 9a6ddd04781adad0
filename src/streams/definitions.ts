import {ConcurStream, StreamEvent} from './base';
import {SyncContext} from './context';

export class ExtractDefinitions extends ConcurStream {
  get name(): string {
    return 'extract_definitions';
  }
  get primaryKey(): string[][] {
    return [['id']];
  }

  async *sync(ctx: SyncContext): AsyncGenerator<StreamEvent> {
    const defs = await ctx.definitions();
    yield {
      records: defs.map((d) => ({
        id: d.id,
        name: d.name,
        url: d.url,
        job_link: d.jobLink,
      })),
    };
  }
}
