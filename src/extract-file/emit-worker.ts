import {parentPort} from 'worker_threads';

import type {RegionReply, RegionRequest} from './emit-pool';
import {taskRecords} from './file-task';
import {releaseBytes} from './json-bytes';
import {joinInto, Spares} from './spares';
import {errorData} from './worker-errors';

/**
 * A parse worker (emit-pool.ts): one region of a file at a time, parsed and
 * written as RECORD bytes exactly as the reading thread would write them,
 * sent back whole (the buffer is transferred, not copied).
 */

const port = parentPort;
if (!port) throw new Error('emit-worker.ts runs as a worker thread only');

/**
 * Record buffers the main thread sent back once written (emit-pool.ts): the
 * next regions' records go into them. One comes with each region, one goes
 * back with its records; a second is kept for when one is too small.
 */
const spares = new Spares<ArrayBuffer>(2);

port.on('message', (req: RegionRequest) => {
  void emitRegion(req).then(
    ({reply, transfer}) => port.postMessage(reply, transfer),
    (err) => port.postMessage({error: errorData(err)})
  );
});

async function emitRegion({
  task,
  bytes,
  firstLine,
  atStart,
  spare,
}: RegionRequest): Promise<{reply: RegionReply; transfer: ArrayBuffer[]}> {
  if (spare) spares.keep(spare);
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Buffer[] = [];
  let count = 0;
  for await (const batch of taskRecords([input], task, {firstLine, atStart})) {
    parts.push(batch.bytes);
    count += batch.count;
  }
  const out = joinInto(parts, spares);
  for (const p of parts) releaseBytes(p); // copied: its slab can take the next region's records
  const region = bytes.buffer as ArrayBuffer; // back to the pool for a next region's copy
  return {
    reply: {count, bytes: out, input: region},
    transfer: [out.buffer as ArrayBuffer, region],
  };
}
