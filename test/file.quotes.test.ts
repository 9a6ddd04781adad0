import {DataError} from '../src/errors';
import {
  FieldsError,
  splitRecord,
  UNTERMINATED,
} from '../src/extract-file/fields';
import {failure, parseAll, rowsOf, sample} from './helpers/file';
import {parseText} from './helpers/reference-rows';

function fieldsOf(name: string): string[][] {
  return parseText(sample(name).toString('utf8'), name).map((l) => l.values);
}

describe('quoted fields in the Cornell samples', () => {
  test('fields quoted because they contain | keep their pipes', () => {
    const lines = fieldsOf('cornell_extract_CES_SAE_v3_testGoodQuoteFile.txt');
    expect(lines.map((l) => l.length)).toEqual([5, 400, 400, 400]);
    expect(lines[2]).toContain('User|Or|University');
    expect(lines[3]).toContain(
      'BLACKLANE GHIJ | FEURIGSTRAE 55 | 13579 BERLIN | WWW.'
    );
  });

  test('doubled quotes inside quoted fields become one quote', () => {
    const lines = fieldsOf(
      'cornell_extract_CES_SAE_v3_testGoodInCellQuoteFile.txt'
    );
    expect(lines.map((l) => l.length)).toEqual([5, 400, 400, 400]);
    expect(lines[2]).toContain('User|"Or"|University');
    expect(lines[3]).toContain('ABCDEFGH"IJ1234567890');
    expect(lines[3]).toContain(
      'BLACKLANE GHIJ | "SOMETHING" FEURIGSTRAE 55 | 13579 BERLIN | WWW.'
    );
  });

  test('stray quotes inside unquoted fields are kept literally', () => {
    const lines = fieldsOf(
      'cornell_extract_CES_SAE_v3_testGoodFileWithCorrectableQuotes.txt'
    );
    expect(lines.map((l) => l.length)).toEqual([5, 400, 400, 400]);
    expect(lines[1]).toContain('Inter"national Travel');
    expect(lines[3]).toContain('UNITED"""STATES');
    expect(lines[2][2]).toBe('2019-02-01'); // written as "2019-02-01"
  });

  test('testBadQuoteFile2: a quoted field that swallows delimiters is refused at its line', async () => {
    const name = 'cornell_extract_CES_SAE_v3_testBadQuoteFile2.txt';
    const err = await failure(parseAll(sample(name), name));
    expect(err).toBeInstanceOf(DataError);
    expect(err.code).toBe('FILE_QUOTE_INVALID');
    expect(err.context).toEqual({file: name, line: 3});
    expect(err.describe()).toMatch(new RegExp(`^file ${name}, line 3: `));
  });

  test('testBadQuoteFile: a lost opening quote splits a field; the SAE field count catches it', async () => {
    const name = 'cornell_extract_CES_SAE_v3_testBadQuoteFile.txt';
    // The quote rules alone cannot see it: ` WWW."` is a legal field with a stray quote…
    expect((await parseAll(sample(name), name))[3].values).toHaveLength(403);
    // …but a DETAIL line of 403 fields is not SAE v3.
    const err = await failure(rowsOf(sample(name), name));
    expect(err).toBeInstanceOf(DataError);
    expect(err.code).toBe('FILE_WIDTH_MISMATCH');
    expect(err.context).toEqual({file: name, line: 4});
    // The hint about lost quotes is the feature.
    expect(err.message).toBe(
      'DETAIL line has 403 fields, SAE v3 DETAIL lines have 400 (a field containing "|" may have lost its quotes)'
    );
  });
});

describe('quote rules', () => {
  const ok: [string, string[]][] = [
    ['a|b|c', ['a', 'b', 'c']],
    ['a||', ['a', '', '']],
    ['|', ['', '']],
    ['"a|b"|c', ['a|b', 'c']],
    ['a|"b|c"', ['a', 'b|c']],
    ['""|x', ['', 'x']],
    ['a|""""', ['a', '"']],
    ['"a""b"|c', ['a"b', 'c']],
    ['a"|b', ['a"', 'b']],
    ['a"b"c|d', ['a"b"c', 'd']],
    // A quoted field closed too early, with nothing interpreted inside: raw text (as csv-parse).
    ['"Big" Bob|x', ['"Big" Bob', 'x']],
    ['x|"12" pipe', ['x', '"12" pipe']],
    ['""x|y', ['""x', 'y']],
  ];
  test.each(ok)('%j', (line, expected) => {
    expect(splitRecord(line)).toEqual(expected);
  });

  const refused = [
    '"a|b"c|d', // closing quote after a swallowed delimiter
    '"a""b"c|d', // closing quote after a collapsed ""
    'x|"""1111|Doe|"User|Or|University"|y', // testBadQuoteFile2
  ];
  test.each(refused)('%j is refused', (line) => {
    // FieldsError: the field splitter's own error, given its code by the parser.
    expect(() => splitRecord(line)).toThrow(FieldsError);
  });

  test('an open quote at the end of a line asks for the next line', () => {
    expect(splitRecord('a|"b')).toBe(UNTERMINATED);
    expect(splitRecord('"""|x')).toBe(UNTERMINATED);
  });
});

describe('quoted fields spanning lines', () => {
  test('are joined with their line break; numbered by their first line', async () => {
    const lines = await parseAll('h|1\na|"b\n\nc"|d\ne|f\n');
    expect(lines).toEqual([
      {lineNumber: 1, values: ['h', '1']},
      {lineNumber: 2, values: ['a', 'b\n\nc', 'd']},
      {lineNumber: 5, values: ['e', 'f']},
    ]);
  });

  test('keep a CRLF inside the value', async () => {
    const lines = await parseAll('a|"b\r\nc"|d\r\ne\r\n');
    expect(lines.map((l) => l.values)).toEqual([['a', 'b\r\nc', 'd'], ['e']]);
  });

  test('a quote never closed fails at the line it opened on', async () => {
    const err = await failure(parseAll('a|b\nc|"d\ne|f\n', 'x.txt'));
    expect(err.code).toBe('FILE_QUOTE_INVALID');
    expect(err.context).toEqual({file: 'x.txt', line: 2});
  });

  test('a quote that closes wrongly after spanning lines fails at the first line', async () => {
    const err = await failure(parseAll('a|"b\nc"d|e\n', 'x.txt'));
    expect(err.code).toBe('FILE_QUOTE_INVALID');
    expect(err.context).toEqual({file: 'x.txt', line: 1});
  });
});
