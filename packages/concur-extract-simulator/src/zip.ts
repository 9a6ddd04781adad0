/**
 * ZIP bodies built with yazl: multi-entry extracts, raw (unsafe) entry names such as
 * `../evil.txt`, deliberately corrupt archives, and highly compressible "bomb" entries.
 */
import {Readable} from 'stream';
import {ZipFile} from 'yazl';

/** Fixed entry time so generated archives are byte-for-byte reproducible. */
const ZIP_MTIME = new Date('2024-01-13T18:30:50Z');

export interface ZipInput {
  name: string;
  compress: boolean;
  data: Buffer | (() => Readable);
}

/** A stream of `bytes` ASCII '0' characters (compresses ~1000:1). */
export function zerosStream(bytes: number): Readable {
  const chunk = Buffer.alloc(64 * 1024, '0');
  let left = bytes;
  return new Readable({
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

/** Names yazl refuses (absolute, `..`, backslashes, trailing slash): written by patching. */
function needsRawName(name: string): boolean {
  return (
    /^[a-zA-Z]:/.test(name) ||
    name.startsWith('/') ||
    name.includes('\\') ||
    name.endsWith('/') ||
    name.split('/').includes('..')
  );
}

function placeholder(index: number, byteLength: number): string {
  const base = `p${index}_`;
  return (base + 'x'.repeat(Math.max(0, byteLength - base.length))).slice(
    0,
    byteLength
  );
}

function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (c: Buffer) => parts.push(c));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
  });
}

interface CentralEntry {
  name: string;
  nameOffsetCentral: number;
  localOffset: number;
}

/** Walk the central directory of a (non-zip64) archive. */
export function centralEntries(zip: Buffer): CentralEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= 0 && i >= zip.length - 22 - 0xffff; i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const out: CentralEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50)
      throw new Error('bad central directory');
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    out.push({
      name: zip.toString('utf8', p + 46, p + 46 + nameLen),
      nameOffsetCentral: p + 46,
      localOffset: zip.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Offset of the first data byte of the entry whose local header is at `localOffset`. */
export function entryDataOffset(zip: Buffer, localOffset: number): number {
  if (zip.readUInt32LE(localOffset) !== 0x04034b50)
    throw new Error('bad local header');
  return (
    localOffset +
    30 +
    zip.readUInt16LE(localOffset + 26) +
    zip.readUInt16LE(localOffset + 28)
  );
}

/** Build a ZIP in memory. Entry names are written exactly as given. */
export async function buildZip(entries: ZipInput[]): Promise<Buffer> {
  const zip = new ZipFile();
  const renames = new Map<string, string>();
  entries.forEach((e, i) => {
    let name = e.name;
    if (needsRawName(name)) {
      name = placeholder(i, Buffer.byteLength(e.name));
      renames.set(name, e.name);
    }
    const options = e.compress
      ? {mtime: ZIP_MTIME, compress: true, compressionLevel: 9}
      : {mtime: ZIP_MTIME, compress: false};
    if (Buffer.isBuffer(e.data)) zip.addBuffer(e.data, name, options);
    else zip.addReadStream(e.data(), name, options);
  });
  const done = collect(zip.outputStream);
  zip.end();
  const out = await done;
  if (renames.size) {
    for (const ce of centralEntries(out)) {
      const raw = renames.get(ce.name);
      if (raw === undefined) continue;
      const bytes = Buffer.from(raw);
      bytes.copy(out, ce.nameOffsetCentral);
      bytes.copy(out, ce.localOffset + 30);
    }
  }
  return out;
}

/** Cut a valid archive short (loses the central directory). */
export function truncateZip(zip: Buffer): Buffer {
  return zip.subarray(0, Math.max(4, Math.floor(zip.length * 0.6)));
}

/** Flip one data byte of the first (stored) entry so its CRC-32 no longer matches. */
export function corruptCrc(zip: Buffer): Buffer {
  const out = Buffer.from(zip);
  const first = centralEntries(out)[0];
  const at = entryDataOffset(out, first.localOffset);
  out[at] ^= 0xff;
  return out;
}
