import {DataError} from '../src/errors';
import {MAX_LINE_BYTES} from '../src/extract-file/parser';
import {chunks, failure, GOOD_FILES, parseAll, sample} from './helpers/file';

const LINES = ['EXTRACT|2019-02-01|1|5.0000|1', 'a|b|c', 'd|"e|f"|g'];
const EXPECTED = [
  {lineNumber: 1, values: ['EXTRACT', '2019-02-01', '1', '5.0000', '1']},
  {lineNumber: 2, values: ['a', 'b', 'c']},
  {lineNumber: 3, values: ['d', 'e|f', 'g']},
];

describe('line endings', () => {
  test.each([
    ['LF with final newline', LINES.join('\n') + '\n'],
    ['LF without final newline', LINES.join('\n')],
    ['CRLF with final newline', LINES.join('\r\n') + '\r\n'],
    ['CRLF without final newline', LINES.join('\r\n')],
    ['mixed', `${LINES[0]}\r\n${LINES[1]}\n${LINES[2]}\r\n`],
  ])('%s', async (_label, text) => {
    expect(await parseAll(text)).toEqual(EXPECTED);
    expect(await parseAll(chunks(text, 1))).toEqual(EXPECTED);
  });

  test('a lone CR inside a line is data', async () => {
    expect((await parseAll('a\rb|c\n'))[0].values).toEqual(['a\rb', 'c']);
  });

  test('blank lines are skipped but counted', async () => {
    const lines = await parseAll('a\n\nb\r\n\r\nc\n\n\n');
    expect(lines).toEqual([
      {lineNumber: 1, values: ['a']},
      {lineNumber: 3, values: ['b']},
      {lineNumber: 5, values: ['c']},
    ]);
  });

  test('a line of spaces is not blank', async () => {
    expect((await parseAll('a\n  \nb\n')).map((l) => l.values)).toEqual([
      ['a'],
      ['  '],
      ['b'],
    ]);
  });

  test('an empty file has no lines', async () => {
    expect(await parseAll('')).toEqual([]);
    expect(await parseAll('\n')).toEqual([]);
    expect(await parseAll([])).toEqual([]);
  });
});

describe('byte order mark and UTF-8', () => {
  const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

  test('a UTF-8 BOM at the start is dropped, even split across chunks', async () => {
    const body = Buffer.concat([BOM, Buffer.from(LINES.join('\n'))]);
    expect(await parseAll(body)).toEqual(EXPECTED);
    expect(await parseAll(chunks(body, 1))).toEqual(EXPECTED);
    expect(await parseAll(chunks(body, 2))).toEqual(EXPECTED);
  });

  test('a file of just a BOM, or shorter than a BOM', async () => {
    expect(await parseAll(BOM)).toEqual([]);
    expect(await parseAll(chunks(BOM, 1))).toEqual([]);
    expect(await parseAll('a')).toEqual([{lineNumber: 1, values: ['a']}]);
    expect(await parseAll('ab')).toEqual([{lineNumber: 1, values: ['ab']}]);
  });

  test('a BOM later in the file is data', async () => {
    const body = Buffer.concat([Buffer.from('a\n'), BOM, Buffer.from('b\n')]);
    expect((await parseAll(body))[1].values).toEqual(['\ufeffb']);
  });

  test('multi-byte characters decode the same whatever the chunk boundaries', async () => {
    const text = 'é|日本|😀\n"ü|ß"|x\n';
    const whole = await parseAll(text);
    expect(whole.map((l) => l.values)).toEqual([
      ['é', '日本', '😀'],
      ['ü|ß', 'x'],
    ]);
    for (const size of [1, 2, 3, 5]) {
      expect(await parseAll(chunks(text, size))).toEqual(whole);
    }
  });

  test.each(GOOD_FILES)(
    '%s: 1-byte chunks give the same lines as one chunk',
    async (name) => {
      const body = sample(name);
      expect(await parseAll(chunks(body, 1), name)).toEqual(
        await parseAll(body, name)
      );
    }
  );

  test('the special-characters sample keeps its UTF-8 text and TABs', async () => {
    const name = 'cornell_extract_CES_SAE_v3_testGoodFileWithSpecialChars.txt';
    const values = (await parseAll(sample(name), name)).flatMap(
      (l) => l.values
    );
    expect(
      values.some((v) => [...v].some((ch) => ch.charCodeAt(0) > 0x7f))
    ).toBe(true);
    expect(values.some((v) => v.includes('\t'))).toBe(true);
  });

  test('bytes that are not UTF-8 are refused at their line', async () => {
    const body = Buffer.concat([
      Buffer.from('a|b\nc|d\ne|'),
      Buffer.from([0xe9]),
      Buffer.from('t\n'),
    ]);
    for (const input of [body, chunks(body, 1)]) {
      const err = await failure(parseAll(input, 'latin1.txt'));
      expect(err).toBeInstanceOf(DataError);
      expect(err.code).toBe('FILE_ENCODING_INVALID');
      expect(err.context).toEqual({file: 'latin1.txt', line: 3});
    }
  });
});

describe('line length bound', () => {
  test('a file without line breaks fails once past MAX_LINE_BYTES', async () => {
    const body = Buffer.alloc(MAX_LINE_BYTES + 10, 'a');
    const err = await failure(parseAll(chunks(body, 64 * 1024), 'flat.txt'));
    expect(err.code).toBe('FILE_LINE_TOO_LONG');
    expect(err.context).toEqual({file: 'flat.txt', line: 1});
  });

  test('a long line inside one chunk fails with its line number', async () => {
    const body = `a\nb\n${'x'.repeat(MAX_LINE_BYTES + 1)}\n`;
    const err = await failure(parseAll(body, 'long.txt'));
    expect(err.code).toBe('FILE_LINE_TOO_LONG');
    expect(err.context).toEqual({file: 'long.txt', line: 3});
  });

  test('a line of exactly MAX_LINE_BYTES is fine', async () => {
    const lines = await parseAll(`${'x'.repeat(MAX_LINE_BYTES)}\r\n`);
    expect(lines[0].values[0]).toHaveLength(MAX_LINE_BYTES);
  });
});

describe('batches', () => {
  test('hold at most batchSize lines, in order', async () => {
    const {parseLines} = await import('../src/extract-file/parser');
    const text = Array.from({length: 25}, (_, i) => `L${i + 1}`).join('\n');
    const sizes: number[] = [];
    const numbers: number[] = [];
    for await (const batch of parseLines(chunks(text, 7), 'b.txt', {
      batchSize: 10,
    })) {
      sizes.push(batch.length);
      numbers.push(...batch.map((l) => l.lineNumber));
    }
    expect(sizes).toEqual([10, 10, 5]);
    expect(numbers).toEqual(Array.from({length: 25}, (_, i) => i + 1));
  });
});
