import fs from 'fs';
import type {Writable} from 'stream';

/**
 * The stream behind the connector's stdout.
 *
 * Under the Airbyte platform stdout is a pipe (a named pipe on Kubernetes, a
 * pipe from the container runtime under Docker). Through process.stdout the
 * main thread itself feeds that pipe, 64 KB at a time (pipe(7)), whenever it
 * gets back to the event loop, and idles while it drains: a fifth of a large
 * file's emit time, measured (README "Benchmark"). So when fd 1 is a pipe,
 * it is opened a second time through /proc/self/fd/1 (Linux) as a blocking
 * descriptor written by a libuv thread (fs.WriteStream, one write at a time,
 * in order): each write waits in that thread for the reader while the main
 * thread builds the next records. The bytes and their order are the same.
 *
 * Anything else (a file, a socket, a terminal, no /proc): process.stdout.
 */
export function stdoutStream(): Writable {
  const fd = reopenPipe(1);
  return fd === undefined
    ? process.stdout
    : fs.createWriteStream('', {fd, highWaterMark: WRITE_CHUNK_BYTES});
}

/** What the writing thread takes at a time from the queue (several chunks go in one writev). */
const WRITE_CHUNK_BYTES = 64 * 1024;

/** A new blocking write descriptor for the pipe behind `fd`, or undefined. */
function reopenPipe(fd: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  const self = `/proc/self/fd/${fd}`;
  try {
    if (!fs.fstatSync(fd).isFIFO()) return undefined;
    // Opening a pipe for writing waits for a reader: probe without waiting
    // first (ENXIO when there is none; then stdout is broken either way and
    // process.stdout reports it as usual).
    fs.closeSync(fs.openSync(self, WRITE_ONLY | fs.constants.O_NONBLOCK));
    return fs.openSync(self, WRITE_ONLY);
  } catch {
    return undefined;
  }
}

const WRITE_ONLY = fs.constants.O_WRONLY;
