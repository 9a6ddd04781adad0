/** Turn a FileSpec into a download body: in memory, or streamed from disk with a known length. */
import * as fs from 'fs';
import * as path from 'path';
import {Readable} from 'stream';

import {buildPraeFile} from './prae';
import {buildSaeFile} from './sae';
import {fileKind, FileSpec, ZipEntrySpec} from './scenario';
import {buildZip, corruptCrc, truncateZip, zerosStream, ZipInput} from './zip';

export interface FileBody {
  contentType: string;
  length: number;
  /** In-memory body … */
  buffer?: Buffer;
  /** … or a factory for a fresh stream of exactly `length` bytes. */
  stream?: () => Readable;
}

export interface FileContext {
  samplesDir: string;
}

const MB = 1024 * 1024;

export const DEFAULT_ZIP_ENTRY =
  'extract_CES_SAE_v3_p0606183nh9k_20240113183050.txt';

function memory(buffer: Buffer, contentType: string): FileBody {
  return {buffer, length: buffer.length, contentType};
}

async function fromDisk(file: string, contentType: string): Promise<FileBody> {
  const stat = await fs.promises.stat(file);
  if (!stat.isFile()) throw new Error(`not a file: ${file}`);
  return {
    length: stat.size,
    contentType,
    stream: () => fs.createReadStream(file, {highWaterMark: 1024 * 1024}),
  };
}

async function zipInputs(
  entries: ZipEntrySpec[],
  ctx: FileContext,
  stored: boolean
) {
  const inputs: ZipInput[] = [];
  for (const e of entries) {
    const body = await renderFile(e.file, ctx);
    inputs.push({
      name: e.name,
      compress: stored ? false : (e.compress ?? true),
      data: body.buffer ?? body.stream!,
    });
  }
  return inputs;
}

const defaultCorruptEntries = (): ZipEntrySpec[] => [
  {name: DEFAULT_ZIP_ENTRY, file: {sae_v3: {details: 20, seed: 7}}},
];

/** Render the body for a FileSpec (relative paths must already be resolved). */
export async function renderFile(
  spec: FileSpec,
  ctx: FileContext
): Promise<FileBody> {
  const kind = fileKind(spec);
  const s = spec as any;
  const zipType = spec.content_type ?? 'application/zip';
  const textType = spec.content_type ?? 'text/csv';
  switch (kind) {
    case 'sae_v3':
      return memory(buildSaeFile(s.sae_v3).body, textType);
    case 'prae':
      return memory(buildPraeFile(s.prae).body, textType);
    case 'text':
      return memory(Buffer.from(s.text, 'utf8'), textType);
    case 'base64':
      return memory(Buffer.from(s.base64, 'base64'), textType);
    case 'path':
      return fromDisk(s.path, textType);
    case 'sample': {
      const name = path.basename(s.sample);
      return fromDisk(path.join(ctx.samplesDir, name), textType);
    }
    case 'zeros_mb': {
      const bytes = Math.round(s.zeros_mb * MB);
      return {
        length: bytes,
        contentType: textType,
        stream: () => zerosStream(bytes),
      };
    }
    case 'zip':
      return memory(
        await buildZip(await zipInputs(s.zip, ctx, false)),
        zipType
      );
    case 'raw_zip_base64':
      return memory(Buffer.from(s.raw_zip_base64, 'base64'), zipType);
    case 'corrupt_zip': {
      const entries: ZipEntrySpec[] = s.entries ?? defaultCorruptEntries();
      const stored = s.corrupt_zip === 'bad_crc';
      const zip = await buildZip(await zipInputs(entries, ctx, stored));
      return memory(stored ? corruptCrc(zip) : truncateZip(zip), zipType);
    }
    case 'zip_bomb_mb': {
      const bytes = Math.round(s.zip_bomb_mb * MB);
      const name: string =
        s.name ?? 'extract_CES_SAE_v3_p0606183nh9k_20240113183051.txt';
      const zip = await buildZip([
        {name, compress: true, data: () => zerosStream(bytes)},
      ]);
      return memory(zip, zipType);
    }
  }
}
