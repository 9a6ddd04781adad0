import {DataError} from '../src/errors';
import {decodeToUtf8} from '../src/extract-file/encoding';
import {chunks} from './helpers/file';

async function decode(
  bytes: Buffer,
  encoding: 'utf-8' | 'windows-1252' | 'iso-8859-1',
  chunkSize = bytes.length || 1
): Promise<string> {
  const out: Buffer[] = [];
  for await (const b of decodeToUtf8(
    chunks(bytes, chunkSize),
    encoding,
    'x.txt'
  )) {
    out.push(b);
  }
  return Buffer.concat(out).toString('utf8');
}

/** Windows-1252 0x80–0x9F, from the code page table (unicode.org CP1252.TXT); null = undefined. */
const CP1252_80_9F = [
  0x20ac,
  null,
  0x201a,
  0x0192,
  0x201e,
  0x2026,
  0x2020,
  0x2021,
  0x02c6,
  0x2030,
  0x0160,
  0x2039,
  0x0152,
  null,
  0x017d,
  null,
  null,
  0x2018,
  0x2019,
  0x201c,
  0x201d,
  0x2022,
  0x2013,
  0x2014,
  0x02dc,
  0x2122,
  0x0161,
  0x203a,
  0x0153,
  null,
  0x017e,
  0x0178,
];

describe('file_encoding', () => {
  test('windows-1252: every defined byte of 0x80–0x9F is its code page character (not a C1 control)', async () => {
    const bytes = CP1252_80_9F.flatMap((cp, i) =>
      cp === null ? [] : [0x80 + i]
    );
    const text = await decode(Buffer.from(bytes), 'windows-1252');
    expect([...text].map((c) => c.codePointAt(0))).toEqual(
      CP1252_80_9F.filter((cp) => cp !== null)
    );
    expect(text).toContain('–'); // 0x96
    expect(text).toContain('€'); // 0x80
  });

  test('windows-1252: 0xA0–0xFF are the ISO-8859-1 characters, byte by byte across chunks', async () => {
    const bytes = Buffer.from(Array.from({length: 96}, (_, i) => 0xa0 + i));
    const text = await decode(bytes, 'windows-1252', 1);
    expect([...text].map((c) => c.codePointAt(0))).toEqual([...bytes]);
  });

  test.each([0x81, 0x8d, 0x8f, 0x90, 0x9d])(
    'windows-1252: undefined byte %d (decimal) is refused at its line, never replaced',
    async (byte) => {
      const bytes = Buffer.from([0x41, 0x0a, 0x42, 0x0a, 0x43, byte]);
      const err = await decode(bytes, 'windows-1252').catch((e) => e);
      expect(err).toBeInstanceOf(DataError);
      expect(err.code).toBe('FILE_ENCODING_INVALID');
      expect(err.context).toEqual({file: 'x.txt', line: 3});
    }
  );

  test('iso-8859-1: 0x80–0xFF are U+0080–U+00FF', async () => {
    const bytes = Buffer.from(Array.from({length: 128}, (_, i) => 0x80 + i));
    const text = await decode(bytes, 'iso-8859-1');
    expect([...text].map((c) => c.codePointAt(0))).toEqual([...bytes]);
  });

  test.each(['windows-1252', 'iso-8859-1'] as const)(
    '%s: a UTF-8 BOM at the start is dropped (also split over chunks)',
    async (encoding) => {
      const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0x45, 0xe9]);
      expect(await decode(bytes, encoding, 1)).toBe('Eé');
      expect(await decode(bytes, encoding)).toBe('Eé');
    }
  );

  test('utf-8 passes the bytes through untouched (the parser checks them)', async () => {
    const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0xff]);
    const out: Buffer[] = [];
    for await (const b of decodeToUtf8([bytes], 'utf-8', 'x.txt')) out.push(b);
    expect(Buffer.concat(out)).toEqual(bytes);
  });
});
