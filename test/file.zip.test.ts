import fs from 'fs';
import path from 'path';
import {Readable} from 'stream';
import * as yazl from 'yazl';

import {DataError} from '../src/errors';
import {isZip, openExtractFiles} from '../src/extract-file/reader';
import {failure, sample, tmpDir} from './helpers/file';
import {readExtractRows} from './helpers/reference-rows';

const MB = 1024 * 1024;
let dir: string;
beforeAll(() => {
  dir = tmpDir();
});
afterAll(() => {
  fs.rmSync(dir, {recursive: true, force: true});
});

interface Entry {
  name: string;
  data?: string | Buffer; // absent: a folder
  compress?: boolean;
}

async function zipBytes(entries: Entry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    if (e.data === undefined) zip.addEmptyDirectory(e.name);
    else
      zip.addBuffer(Buffer.from(e.data), e.name, {
        compress: e.compress ?? true,
      });
  }
  zip.end();
  const parts: Buffer[] = [];
  for await (const part of zip.outputStream as Readable)
    parts.push(part as Buffer);
  return Buffer.concat(parts);
}

let counter = 0;
function write(bytes: Buffer | string): string {
  const file = path.join(dir, `body-${++counter}`);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Every file of a body with its full content (each stream read to the end before the next). */
async function readAll(
  file: string,
  maxUnzippedBytes = MB
): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const {name, stream} of openExtractFiles(file, {
    defaultName: 'body.txt',
    maxUnzippedBytes,
  })) {
    const parts: Buffer[] = [];
    for await (const chunk of stream) parts.push(chunk as Buffer);
    out.push([name, Buffer.concat(parts).toString('utf8')]);
  }
  return out;
}

/** Replaces every occurrence of `from` by `to` (same byte length): local header and central directory. */
function rename(zip: Buffer, from: string, to: string): Buffer {
  expect(Buffer.byteLength(from)).toBe(Buffer.byteLength(to));
  const out = Buffer.from(zip);
  const needle = Buffer.from(from);
  for (let i = out.indexOf(needle); i !== -1; i = out.indexOf(needle, i + 1)) {
    Buffer.from(to).copy(out, i);
  }
  return out;
}

/** Sets the uncompressed size every central directory header declares. */
function declareSize(zip: Buffer, size: number): Buffer {
  const out = Buffer.from(zip);
  const sig = Buffer.from('PK\x01\x02', 'latin1');
  for (let i = out.indexOf(sig); i !== -1; i = out.indexOf(sig, i + 1))
    out.writeUInt32LE(size, i + 24);
  return out;
}

/** Offset of the first entry's data. */
function dataStart(zip: Buffer): number {
  return 30 + zip.readUInt16LE(26) + zip.readUInt16LE(28);
}

describe('plain and ZIP bodies', () => {
  test('a text body is one file with the default name', async () => {
    expect(await readAll(write('EXTRACT|x\n'))).toEqual([
      ['body.txt', 'EXTRACT|x\n'],
    ]);
  });

  test('text that starts with PK is still text; an empty body is an empty file', async () => {
    expect(await isZip(write('PKG|1\n'))).toBe(false);
    expect(await readAll(write(''))).toEqual([['body.txt', '']]);
  });

  test('entries in central-directory order, folders kept in names, folder entries skipped', async () => {
    const zip = await zipBytes([
      {name: 'b.txt', data: 'B\n'},
      {name: 'sub/'},
      {name: 'sub/deeper/a.txt', data: 'A\n', compress: false},
      {name: 'c.txt', data: 'C'.repeat(100000)},
    ]);
    const files = await readAll(write(zip));
    expect(files.map(([n]) => n)).toEqual([
      'b.txt',
      'sub/deeper/a.txt',
      'c.txt',
    ]);
    expect(files[1][1]).toBe('A\n');
    expect(files[2][1]).toHaveLength(100000);
  });

  test('an empty archive (PK\\x05\\x06) has no files', async () => {
    const zip = await zipBytes([]);
    expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\x05\x06');
    expect(await readAll(write(zip))).toEqual([]);
  });

  test('readExtractRows: rows per entry, named by the entry', async () => {
    const good = sample('cornell_extract_CES_SAE_v3_testGoodFile.txt');
    const zip = await zipBytes([
      {name: 'extract_CES_SAE_v3_a.txt', data: good},
      {name: 'empty.txt', data: ''},
      {name: 'extract_CES_SAE_v3_b.txt', data: good},
    ]);
    const seen: [string, number][] = [];
    for await (const {file, rows} of readExtractRows(write(zip), {
      defaultName: 'x',
      maxUnzippedBytes: MB,
    })) {
      seen.push([file, rows.length]);
    }
    expect(seen).toEqual([
      ['extract_CES_SAE_v3_a.txt', 4],
      ['empty.txt', 0],
      ['extract_CES_SAE_v3_b.txt', 4],
    ]);
  });
});

describe('entry names', () => {
  test.each([
    ['xx/evil.txt', '../evil.txt', 'goes up a folder'],
    ['a/xx/evil.txt', 'a/../../e.txt', 'goes up a folder'],
    ['xevil.txt', '/evil.txt', 'absolute path'],
    ['xxevil.txt', 'C:evil.txt', 'absolute path'],
    ['xxxevil.txt', '..\\evil.txt', 'goes up a folder'],
    ['xxxxxxxxxx', '\\\\srv\\evil', 'absolute path'],
  ])('%s renamed %j is refused', async (original, evil, why) => {
    const zip = rename(
      await zipBytes([
        {name: 'ok.txt', data: 'ok'},
        {name: original, data: 'x'},
      ]),
      original,
      evil
    );
    const opened: string[] = [];
    const err = await failure(
      (async () => {
        for await (const {name, stream} of openExtractFiles(write(zip), {
          defaultName: 'job.zip',
          maxUnzippedBytes: MB,
        })) {
          opened.push(name);
          stream.resume();
        }
      })()
    );
    expect(opened).toEqual([]); // refused before any entry is read
    expect(err).toBeInstanceOf(DataError);
    expect(err.code).toBe('ZIP_ENTRY_ESCAPES');
    // Naming the archive, the entry and why is the feature.
    expect(err.message).toBe(
      `ZIP archive job.zip: entry name ${JSON.stringify(evil)} refused (${why})`
    );
  });

  test('two entries with the same name are refused', async () => {
    const zip = rename(
      await zipBytes([
        {name: 'a.txt', data: '1'},
        {name: 'b.txt', data: '2'},
      ]),
      'b.txt',
      'a.txt'
    );
    const err = await failure(readAll(write(zip)));
    expect(err.code).toBe('ZIP_INVALID');
    // Naming the entry is the feature.
    expect(err.message).toContain('"a.txt"');
  });
});

describe('expanded size bound', () => {
  test('declared sizes above maxUnzippedBytes are refused before reading', async () => {
    const zip = await zipBytes([
      {name: 'a.txt', data: 'a'.repeat(600)},
      {name: 'b.txt', data: 'b'.repeat(600)},
    ]);
    const err = await failure(readAll(write(zip), 1000));
    expect(err).toBeInstanceOf(DataError);
    expect(err.code).toBe('ZIP_TOO_LARGE');
    // The size and the limit are the feature (the user raises max_unzipped_mb).
    expect(err.message).toContain('1200 bytes');
    expect(err.message).toContain('limit of 1000 bytes');
    await expect(readAll(write(zip), 1200)).resolves.toHaveLength(2);
  });

  test('headers that understate the size are caught while inflating', async () => {
    const zip = declareSize(
      await zipBytes([{name: 'bomb.txt', data: '0'.repeat(5 * MB)}]),
      100
    );
    const err = await failure(readAll(write(zip), 1000));
    expect(err).toBeInstanceOf(DataError);
    // The entry inflates past its declared 100 bytes: the archive lies about
    // itself (unreadable), caught before the size budget is reached.
    expect(err.code).toBe('ZIP_INVALID');
    expect(err.context.file).toBe('bomb.txt');
  });
});

describe('damaged archives', () => {
  test('a truncated archive', async () => {
    const zip = await zipBytes([{name: 'a.txt', data: 'x'.repeat(5000)}]);
    const err = await failure(readAll(write(zip.subarray(0, zip.length - 30))));
    expect(err).toBeInstanceOf(DataError);
    expect(err.code).toBe('ZIP_INVALID');
  });

  test('corrupt compressed data', async () => {
    const text = Array.from(
      {length: 2000},
      (_, i) => `DETAIL|${i}|${i * 7}`
    ).join('\n');
    const zip = Buffer.from(await zipBytes([{name: 'a.txt', data: text}]));
    const start = dataStart(zip);
    for (let i = start + 20; i < start + 60; i++) zip[i] ^= 0x5a;
    const err = await failure(readAll(write(zip)));
    expect(err).toBeInstanceOf(DataError);
    expect(err.code).toBe('ZIP_INVALID');
    // Naming the entry is the feature.
    expect(err.message).toContain('entry "a.txt"');
  });

  test('corrupt stored data fails its CRC-32', async () => {
    const zip = Buffer.from(
      await zipBytes([{name: 'a.txt', data: 'hello world\n', compress: false}])
    );
    zip[dataStart(zip) + 1] ^= 0x01;
    const err = await failure(readAll(write(zip)));
    expect(err.code).toBe('ZIP_CRC_MISMATCH');
    expect(err.message).toContain('entry "a.txt"');
  });
});

describe('resources', () => {
  const openFds = (): number => fs.readdirSync('/proc/self/fd').length;
  const linux = fs.existsSync('/proc/self/fd') ? test : test.skip;

  linux(
    'the archive is closed after the last entry and when the caller stops early',
    async () => {
      const file = write(
        await zipBytes([
          {name: 'a.txt', data: 'a'},
          {name: 'b.txt', data: 'b'},
        ])
      );
      const before = openFds();
      await readAll(file);
      for await (const {stream} of openExtractFiles(file, {
        defaultName: 'x',
        maxUnzippedBytes: MB,
      })) {
        stream.resume();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50)); // fs.close is asynchronous
      expect(openFds()).toBe(before);
    }
  );
});
