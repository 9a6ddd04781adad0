import type {EmitPool, RegionRecords} from './emit-pool';
import {toBuffer} from './encoding';
import type {FileTask} from './file-task';
import type {RecordBatch} from './index';
import type {ByteSource} from './parser';
import {Region, RegionCutter} from './regions';

/**
 * The records of one file written by the parse workers (emit-pool.ts): the
 * file's text is cut into regions of whole records (regions.ts), each region
 * is parsed and written by a worker, and the regions' bytes are yielded in
 * file order — the same bytes, record for record, as the in-thread writer's
 * (emitted_at aside). Back-pressure: at most {@link IN_FLIGHT_PER_WORKER} ×
 * workers regions are read ahead of the one the consumer waits for, so the
 * memory held is a few regions and their records, at any file size.
 *
 * A worker's error (the file's first failing line: the check pass let
 * nothing through that should fail here) is thrown at its region's turn,
 * after every earlier region was yielded, as the in-thread writer throws it.
 */

/**
 * Bytes of a region (at least; it ends at the next record boundary): large
 * enough that a region's message round trip (~0.1 ms) is well under 1 % of
 * its work (~10 ms per MB), small enough that the regions in flight and their
 * records (about 3 × the text, in each worker and in this thread) stay
 * within a few tens of MB: 1 MB regions held ~12 MB more RSS at 2 workers
 * (200 MB extract_file_rows, 254 MB peak), and were no faster.
 */
export const REGION_BYTES = 512 * 1024;

/** Regions in flight per worker: one in work, one queued, so no worker waits for the reader. */
export const IN_FLIGHT_PER_WORKER = 2;

export async function* parallelRecords(
  input: ByteSource,
  task: FileTask,
  pool: EmitPool
): AsyncGenerator<RecordBatch> {
  const cutter = new RegionCutter(REGION_BYTES);
  const inFlight: Promise<RegionRecords>[] = [];
  const limit = IN_FLIGHT_PER_WORKER * pool.size;
  const send = (region: Region | undefined): void => {
    if (!region) return;
    const p = pool.run(task, region);
    p.catch(() => undefined); // thrown at its turn; dropped when an earlier region failed
    inFlight.push(p);
  };
  const batch = ({count, bytes}: RegionRecords): RecordBatch => ({
    file: task.file,
    count,
    bytes,
  });
  for await (const chunk of input) {
    for (const region of cutter.push(toBuffer(chunk))) {
      send(region);
      while (inFlight.length >= limit) yield batch(await inFlight.shift()!);
    }
  }
  send(cutter.end());
  if (inFlight.length === 0)
    yield {file: task.file, count: 0, bytes: Buffer.alloc(0)};
  while (inFlight.length) yield batch(await inFlight.shift()!);
}
