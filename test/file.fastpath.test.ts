/**
 * The parser against csv-parse, the reference: every sample file and many
 * random lines must give exactly csv-parse's values (options below), except
 * that lines csv-parse could only read by merging or reshaping fields are
 * refused — and those must be lines that strict CSV (csv-parse without
 * relax_quotes) refuses too.
 */
import {parse} from 'csv-parse/sync';

import {
  splitQuotedRecord,
  splitRecord,
  UNTERMINATED,
} from '../src/extract-file/fields';
import {BAD_FILES, GOOD_FILES, parseAll, sample} from './helpers/file';

const REFERENCE = {
  delimiter: '|',
  quote: '"',
  relax_quotes: true,
  relax_column_count: true,
  bom: true,
  skip_empty_lines: true,
} as const;
const STRICT = {...REFERENCE, relax_quotes: false};

function csvParse(text: string, strict = false): string[][] {
  return parse(text, strict ? STRICT : REFERENCE) as string[][];
}

/** Ours on one line: values, or 'refused' (an unbalanced quote, or one never closed). */
function ours(line: string): string[] | 'refused' {
  try {
    const v = splitRecord(line);
    return v === UNTERMINATED ? 'refused' : v;
  } catch {
    return 'refused';
  }
}

function theirs(line: string, strict = false): string[] | 'refused' {
  try {
    const records = csvParse(line, strict);
    return records.length === 1 ? records[0] : 'refused';
  } catch {
    return 'refused';
  }
}

/** The property every line must have. */
function expectSameAsCsvParse(line: string): void {
  const mine = ours(line);
  if (mine === 'refused') {
    expect({line, strict: theirs(line, true)}).toEqual({
      line,
      strict: 'refused',
    });
  } else {
    expect({line, values: mine}).toEqual({line, values: theirs(line)});
    // And the slow path agrees with the fast path wherever both apply.
    if (!line.includes('"')) expect(splitQuotedRecord(line)).toEqual(mine);
  }
}

describe('identical to csv-parse on the samples', () => {
  test.each(GOOD_FILES)('%s, whole file', async (name) => {
    const body = sample(name);
    const mine = (await parseAll(body, name)).map((l) => l.values);
    expect(mine).toEqual(csvParse(body.toString('utf8')));
  });

  test.each([...GOOD_FILES, ...BAD_FILES])('%s, line by line', (name) => {
    for (const line of sample(name).toString('utf8').split('\n')) {
      if (line) expectSameAsCsvParse(line);
    }
  });

  test('the fast path takes the lines without quotes', () => {
    const lines = sample('cornell_ConcurStandardAccountingExtract.txt')
      .toString('utf8')
      .split('\n');
    expect(lines.filter((l) => l && !l.includes('"'))).toHaveLength(103);
  });
});

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('identical to csv-parse on random lines', () => {
  const ALPHABET = [
    'a',
    'b',
    ' ',
    '|',
    '|',
    '"',
    '"',
    '"',
    '\t',
    'é',
    '日',
    '😀',
    '0',
    '.',
    '-',
  ];

  test('random characters (quotes and pipes anywhere)', () => {
    const random = rng(1);
    for (let i = 0; i < 20000; i++) {
      const length = 1 + Math.floor(random() * 24);
      let line = '';
      for (let j = 0; j < length; j++)
        line += ALPHABET[Math.floor(random() * ALPHABET.length)];
      expectSameAsCsvParse(line);
    }
  });

  test('random values written the CSV way come back unchanged', () => {
    const random = rng(2);
    const value = (): string => {
      let v = '';
      const length = Math.floor(random() * 8);
      for (let j = 0; j < length; j++)
        v += ALPHABET[Math.floor(random() * ALPHABET.length)];
      return v;
    };
    for (let i = 0; i < 5000; i++) {
      const values = Array.from({length: 1 + Math.floor(random() * 12)}, value);
      const line = values
        .map((v) =>
          v.includes('|') || v.startsWith('"') || random() < 0.2
            ? `"${v.replace(/"/g, '""')}"`
            : v
        )
        .join('|');
      if (line === '') continue; // an empty line is no record
      expect({line, values: ours(line)}).toEqual({line, values});
      expectSameAsCsvParse(line);
    }
  });

  test('400-field lines with a few quoted fields', () => {
    const random = rng(3);
    for (let i = 0; i < 200; i++) {
      const fields = Array.from({length: 400}, (_, j) =>
        random() < 0.7 ? '' : random() < 0.05 ? `"x|${j}""y"` : `v${j}`
      );
      expectSameAsCsvParse(fields.join('|'));
    }
  });
});
