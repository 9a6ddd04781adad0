import {Readable, Transform, TransformCallback} from 'stream';
import * as yauzl from 'yauzl';
import * as zlib from 'zlib';

import {DataError} from '../errors';
import {fileError} from './file-error';
import type {ExtractFile} from './reader';

/**
 * A ZIP body → one file per entry, in central-directory order, streamed with
 * yauzl (one entry at a time, never a whole entry in memory).
 *
 * Guards, all before or while reading, each a DataError naming the entry:
 *  - entry names that would escape a folder: `..` segments, absolute paths
 *    (`/x`, `C:x`), the same through backslashes (`..\x`), NUL characters;
 *    two entries with the same name (file_name is part of the primary key);
 *  - expanded size: the declared sizes must add up to at most
 *    `maxUnzippedBytes`, and the bytes actually inflated are counted too, since
 *    headers can lie (yauzl also fails an entry whose size differs from its
 *    header);
 *  - corruption: unreadable directory or data, and a CRC-32 mismatch (yauzl
 *    does not check CRCs; zlib.crc32 exists from Node 20.15).
 */

export interface ZipOptions {
  /** Most bytes the archive may expand to, all entries together. */
  maxUnzippedBytes: number;
}

interface Budget {
  used: number;
  readonly max: number;
}

export async function* openZipEntries(
  path: string,
  opts: ZipOptions & {defaultName: string}
): AsyncGenerator<ExtractFile> {
  const archive = opts.defaultName;
  const zip = await openArchive(path, archive);
  try {
    const entries = await listEntries(zip, archive, opts.maxUnzippedBytes);
    const budget: Budget = {used: 0, max: opts.maxUnzippedBytes};
    for (const {entry, name} of entries) {
      // Every read of an entry goes through the guard (size budget, CRC-32).
      // The first pass (check.ts) reads each entry to its end before any row
      // is emitted, so a corrupt entry fails its check, reported as the
      // corruption it is, not as the bad text it produces.
      const stream = guardEntry(
        await openEntry(zip, entry, archive, name),
        entry,
        name,
        archive,
        budget
      );
      try {
        yield {name, stream};
      } finally {
        stream.destroy();
      }
    }
  } finally {
    zip.close();
  }
}

async function openEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  archive: string,
  name: string
): Promise<Readable> {
  try {
    return await zip.openReadStreamPromise(entry);
  } catch (err) {
    throw notReadable(archive, err, name);
  }
}

async function openArchive(
  path: string,
  archive: string
): Promise<yauzl.ZipFile> {
  try {
    return await yauzl.openPromise(path, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: false, // names are decoded and checked below, with our messages
      validateEntrySizes: true,
    });
  } catch (err) {
    throw notReadable(archive, err);
  }
}

interface NamedEntry {
  entry: yauzl.Entry;
  name: string;
}

/** Reads the whole central directory first: every name and the total size are checked before any row. */
async function listEntries(
  zip: yauzl.ZipFile,
  archive: string,
  maxBytes: number
): Promise<NamedEntry[]> {
  const files: NamedEntry[] = [];
  const names = new Set<string>();
  let declared = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      const name = checkedName(entry, archive);
      if (name.endsWith('/')) continue; // a folder
      if (names.has(name)) {
        throw fileError(
          `ZIP archive ${archive} has two entries named "${name}"`,
          'ZIP_INVALID',
          {file: name}
        );
      }
      names.add(name);
      if (entry.isEncrypted() || !entry.canDecodeFileData()) {
        throw fileError(
          `ZIP entry "${name}" is encrypted or uses an unsupported compression method (${entry.compressionMethod})`,
          'ZIP_INVALID',
          {file: name}
        );
      }
      declared += entry.uncompressedSize;
      files.push({entry, name});
    }
  } catch (err) {
    throw err instanceof DataError ? err : notReadable(archive, err);
  }
  if (declared > maxBytes) {
    throw fileError(
      `ZIP archive ${archive} declares ${declared} bytes uncompressed, more than the limit of ${maxBytes} bytes`,
      'ZIP_TOO_LARGE',
      {file: archive}
    );
  }
  return files;
}

function checkedName(entry: yauzl.Entry, archive: string): string {
  const raw = yauzl.getFileNameLowLevel(
    entry.generalPurposeBitFlag,
    entry.fileNameRaw,
    entry.extraFields,
    true // keep backslashes, so the message shows the name as stored
  );
  const name = raw.replace(/\\/g, '/');
  const problem = unsafe(name);
  if (problem) {
    throw fileError(
      `ZIP archive ${archive}: entry name ${JSON.stringify(raw)} refused (${problem})`,
      'ZIP_ENTRY_ESCAPES',
      {file: archive}
    );
  }
  return name;
}

function unsafe(name: string): string | undefined {
  if (name === '') return 'empty name';
  if (name.includes('\0')) return 'NUL character';
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return 'absolute path';
  if (name.split('/').includes('..')) return 'goes up a folder';
  return undefined;
}

const crc32 = (zlib as {crc32?: (data: Uint8Array, value?: number) => number})
  .crc32;

/** Counts inflated bytes against the budget and checks the CRC-32 at the end. */
class EntryGuard extends Transform {
  private crc = 0;

  constructor(
    private readonly entry: yauzl.Entry,
    private readonly name: string,
    private readonly archive: string,
    private readonly budget: Budget
  ) {
    super();
  }

  override _transform(
    chunk: Buffer,
    _enc: BufferEncoding,
    cb: TransformCallback
  ): void {
    this.budget.used += chunk.length;
    if (this.budget.used > this.budget.max) {
      cb(
        fileError(
          `ZIP archive ${this.archive} expands past the limit of ${this.budget.max} bytes ` +
            '(its headers understate the sizes)',
          'ZIP_TOO_LARGE',
          {file: this.name}
        )
      );
      return;
    }
    if (crc32) this.crc = crc32(chunk, this.crc);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    if (crc32 && this.crc >>> 0 !== this.entry.crc32 >>> 0) {
      cb(
        notReadable(
          this.archive,
          new Error('CRC-32 mismatch'),
          this.name,
          'ZIP_CRC_MISMATCH'
        )
      );
      return;
    }
    cb();
  }
}

function guardEntry(
  raw: Readable,
  entry: yauzl.Entry,
  name: string,
  archive: string,
  budget: Budget
): Readable {
  const guard = new EntryGuard(entry, name, archive, budget);
  raw.on('error', (err) => guard.destroy(notReadable(archive, err, name)));
  guard.once('close', () => {
    raw.unpipe(guard);
    raw.destroy();
  });
  raw.pipe(guard);
  return guard;
}

function notReadable(
  archive: string,
  err: unknown,
  entry?: string,
  code = 'ZIP_INVALID'
): DataError {
  if (err instanceof DataError) return err;
  const why = err instanceof Error ? err.message : String(err);
  return fileError(
    `${archive} is not a readable ZIP archive: ${entry ? `entry "${entry}": ` : ''}${why}`,
    code,
    {file: entry ?? archive},
    err
  );
}
