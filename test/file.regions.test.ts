import {buildSaeFile} from 'concur-extract-simulator';

import {ParsedLine, parseLines} from '../src/extract-file/parser';
import {Region, RegionCutter} from '../src/extract-file/regions';
import {chunks, GOOD_FILES, sample} from './helpers/file';

/**
 * Regions for the parse workers (src/extract-file/regions.ts): cut anywhere a
 * fresh parser can start, so parsing the regions one by one — each from its
 * own first line number — gives exactly the records of parsing the whole
 * file. Checked with tiny regions (a cut after nearly every line) on the
 * lines that make cutting hard: quoted fields spanning lines, CRLF, blank
 * lines, stray quotes, a byte order mark, no final line break.
 */

type Rec = Pick<ParsedLine, 'lineNumber' | 'values'>;

async function parse(
  bytes: Buffer,
  region?: Omit<Region, 'parts'>
): Promise<Rec[]> {
  const out: Rec[] = [];
  for await (const batch of parseLines([bytes], 'f.txt', {region})) {
    out.push(...batch.map(({lineNumber, values}) => ({lineNumber, values})));
  }
  return out;
}

function cut(bytes: Buffer, target: number, chunkSize: number): Region[] {
  const cutter = new RegionCutter(target);
  const regions = chunks(bytes, chunkSize).flatMap((c) => cutter.push(c));
  const last = cutter.end();
  return last ? [...regions, last] : regions;
}

const bytesOf = (r: Region): Buffer => Buffer.concat(r.parts);

const HARD = Buffer.from(
  '\ufeffEXTRACT|2024-01-01|4|10.00\r\n' +
    'DETAIL|"a quoted field\nthat spans\r\nthree lines"|x\n' +
    '\n' +
    'DETAIL|Inter"national|"with | pipe"|""\n' +
    'DETAIL|"""quoted"" start"|"\n\n"|end\r\n' +
    '\r\n' +
    '\ufeffDETAIL|a byte order mark in the middle of the file is data\n' +
    'DETAIL|"open\n|still open"|closed\n' +
    'DETAIL|last line without a break',
  'utf8'
);

describe('regions for the parse workers', () => {
  const inputs: [string, Buffer][] = [
    ['hard lines', HARD],
    ['hard lines, repeated', Buffer.concat(Array(20).fill(HARD.subarray(3)))],
    ['a generated SAE v3 file', buildSaeFile({details: 40, seed: 9}).body],
    ...GOOD_FILES.map((f): [string, Buffer] => [f, sample(f)]),
  ];

  test.each(inputs)(
    '%s: the regions are the file, and parse to its records',
    async (_label, bytes) => {
      const whole = await parse(bytes);
      // A cut after nearly every line for the small inputs; fewer, larger regions for the large.
      const sizes =
        bytes.length < 64 * 1024
          ? [
              [1, 1],
              [1, 7],
              [16, 5],
              [200, 64],
              [64, 300], // chunks larger than a region
            ]
          : [
              [1024, 256],
              [4096, 1000],
              [65536, 4096],
              [4096, 10000], // chunks larger than a region
            ];
      for (const [target, chunkSize] of sizes) {
        const regions = cut(bytes, target, chunkSize);
        expect(Buffer.concat(regions.map(bytesOf))).toEqual(bytes);
        // Every region but the last: at least the target, ending at a line break.
        for (const r of regions.slice(0, -1)) {
          const b = bytesOf(r);
          expect([target, b.length >= target, b[b.length - 1]]).toEqual([
            target,
            true,
            0x0a,
          ]);
        }
        expect(regions.map((r) => r.atStart)).toEqual(
          regions.map((_, i) => i === 0)
        );
        const parts: Rec[] = [];
        for (const r of regions) parts.push(...(await parse(bytesOf(r), r)));
        expect([target, chunkSize, parts]).toEqual([target, chunkSize, whole]);
      }
    }
  );

  test('a region never ends inside a quoted field, however small the target', () => {
    const regions = cut(HARD, 1, 3);
    const texts = regions.map((r) => bytesOf(r).toString('utf8'));
    expect(texts).toContain(
      'DETAIL|"a quoted field\nthat spans\r\nthree lines"|x\n'
    );
    expect(texts).toContain('DETAIL|"open\n|still open"|closed\n');
    expect(regions.map((r) => r.firstLine).slice(0, 4)).toEqual([1, 2, 5, 6]);
  });

  test('nothing in, no region', () => {
    expect(cut(Buffer.alloc(0), 10, 1)).toEqual([]);
  });
});
