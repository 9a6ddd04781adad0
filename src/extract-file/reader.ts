import {createReadStream, promises as fs} from 'fs';
import {Readable} from 'stream';

import {openZipEntries, ZipOptions} from './zip';

/**
 * A downloaded body → the files in it. Whether the body is a ZIP is decided
 * from its first bytes (`PK\x03\x04`, or `PK\x05\x06` for an empty archive),
 * never from the Content-Type.
 */

export interface ExtractFile {
  /** The ZIP entry name (folders kept), or the default name of a plain body. */
  name: string;
  /** The file's bytes; read it to the end before asking for the next file. */
  stream: Readable;
}

export interface OpenOptions extends ZipOptions {
  /** The name of a body that is not a ZIP (a stable name chosen by the caller). */
  defaultName: string;
}

/** Read size for plain text bodies: big chunks keep the per-chunk overhead low. */
const TEXT_CHUNK_BYTES = 1024 * 1024;

export async function* openExtractFiles(
  path: string,
  opts: OpenOptions
): AsyncGenerator<ExtractFile> {
  if (await isZip(path)) {
    yield* openZipEntries(path, opts);
    return;
  }
  const stream = createReadStream(path, {highWaterMark: TEXT_CHUNK_BYTES});
  try {
    yield {name: opts.defaultName, stream};
  } finally {
    stream.destroy();
  }
}

/** Bytes of a body's start that decide {@link isZipHead}. */
export const ZIP_HEAD_BYTES = 4;

const ZIP_MAGIC = [
  Buffer.from('PK\x03\x04', 'latin1'), // a local file header: an archive with entries
  Buffer.from('PK\x05\x06', 'latin1'), // end of central directory first: an empty archive
];

export async function isZip(path: string): Promise<boolean> {
  const fh = await fs.open(path, 'r');
  try {
    const head = Buffer.alloc(ZIP_HEAD_BYTES);
    const {bytesRead} = await fh.read(head, 0, ZIP_HEAD_BYTES, 0);
    return isZipHead(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** Whether a body starting with `head` (its first 4 bytes, or all of a shorter body) is a ZIP. */
export function isZipHead(head: Buffer): boolean {
  return (
    head.length >= ZIP_HEAD_BYTES &&
    ZIP_MAGIC.some((m) => m.equals(head.subarray(0, ZIP_HEAD_BYTES)))
  );
}
