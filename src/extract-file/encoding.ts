import * as iconv from 'iconv-lite';

import type {FileEncoding} from '../config';
import {fileError} from './file-error';
import type {ByteSource} from './parser';

/**
 * The `file_encoding` option: how extract files are decoded. Legacy encodings
 * are decoded to UTF-8 in front of the parser (which reads UTF-8 only), with
 * iconv-lite: Node's own `TextDecoder('windows-1252')` decodes 0x80–0x9F as C1
 * controls (nodejs/node#56542), which would turn "–" (0x96) and "€" (0x80)
 * into invisible control characters.
 */
export type {FileEncoding} from '../config';
export {FILE_ENCODINGS} from '../config';
export const DEFAULT_FILE_ENCODING: FileEncoding = 'utf-8';

/** Bytes Windows-1252 leaves undefined: refused rather than replaced by U+FFFD. */
const CP1252_UNDEFINED = [0x81, 0x8d, 0x8f, 0x90, 0x9d];

const LF = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * A file's bytes in `encoding` → the same text as UTF-8 bytes, chunk by chunk
 * (the legacy encodings are single-byte: chunks decode on their own). A UTF-8
 * byte order mark at the start is dropped whatever the encoding (Concur may
 * write one); UTF-8 input passes through untouched (the parser checks it).
 */
export class Utf8Decoder {
  /** Bytes held until the BOM is decided; undefined after. */
  private head?: Buffer;
  private line = 1;

  constructor(
    private readonly encoding: FileEncoding,
    private readonly fileName: string
  ) {
    if (encoding !== 'utf-8') this.head = Buffer.alloc(0);
  }

  push(chunk: Buffer): Buffer {
    if (this.encoding === 'utf-8') return chunk;
    let buf = chunk;
    if (this.head) {
      buf = Buffer.concat([this.head, buf]);
      if (buf.length < BOM.length) {
        this.head = buf;
        return Buffer.alloc(0);
      }
      this.head = undefined;
      if (buf.subarray(0, BOM.length).equals(BOM)) buf = buf.subarray(3);
    }
    return this.decode(buf);
  }

  end(): Buffer {
    const rest = this.head ?? Buffer.alloc(0);
    this.head = undefined;
    return rest.length ? this.decode(rest) : rest;
  }

  private decode(buf: Buffer): Buffer {
    if (this.encoding === 'windows-1252') this.checkCp1252(buf);
    this.line += countLf(buf);
    return Buffer.from(iconv.decode(buf, this.encoding), 'utf8');
  }

  private checkCp1252(buf: Buffer): void {
    let at = -1;
    for (const b of CP1252_UNDEFINED) {
      const i = buf.indexOf(b);
      if (i !== -1 && (at === -1 || i < at)) at = i;
    }
    if (at === -1) return;
    throw fileError(
      `byte 0x${buf[at].toString(16).toUpperCase()} is not a Windows-1252 character ` +
        '(file_encoding is windows-1252: is the file in another encoding?)',
      'FILE_ENCODING_INVALID',
      {file: this.fileName, line: this.line + countLf(buf.subarray(0, at))}
    );
  }
}

/** The emitting pass' view of a file: its text as UTF-8 bytes. */
export async function* decodeToUtf8(
  input: ByteSource,
  encoding: FileEncoding,
  fileName: string
): AsyncGenerator<Buffer> {
  const decoder = new Utf8Decoder(encoding, fileName);
  for await (const chunk of input) {
    const out = decoder.push(toBuffer(chunk));
    if (out.length) yield out;
  }
  const rest = decoder.end();
  if (rest.length) yield rest;
}

export function toBuffer(chunk: Buffer | Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk)
    ? chunk
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

export function countLf(buf: Uint8Array): number {
  let n = 0;
  for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) n++;
  return n;
}
