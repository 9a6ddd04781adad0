/**
 * One record's text → its fields (the `|`-delimited, `"`-quoted rules of Concur
 * extract files).
 *
 * The rules are those of csv-parse with `{delimiter: '|', quote: '"',
 * relax_quotes: true}`, except where that option would silently merge or
 * reshape fields; there we refuse the line instead:
 *  - a field that starts with `"` is quoted: `""` inside it is one `"`, `|` and
 *    line breaks inside it are data, and it ends at a `"` followed by `|` or the
 *    end of the record;
 *  - a `"` anywhere else in a field is data (Concur writes stray quotes raw,
 *    e.g. `Inter"national Travel`);
 *  - a quoted field whose closing `"` is followed by something else
 *    (`"Big" Bob`) is read as raw text up to the next `|` — exactly what
 *    csv-parse does — but only when nothing inside the quotes was
 *    interpreted yet (no `|`, no `""`, no line break). Otherwise csv-parse
 *    would have swallowed delimiters or dropped a quote character (Cornell's
 *    testBadQuoteFile2), so the record is refused with a {@link FieldsError}.
 *
 * Records without any `"` take the fast path (`String.split`), which gives the
 * same answer by construction: test/file.fastpath.test.ts proves it against
 * csv-parse on every sample file and on random lines.
 */

const QUOTE = 0x22; // "
const PIPE = 0x7c; // |

export const DELIMITER = '|';

/** A record whose quote rules cannot be read unambiguously. */
export class FieldsError extends Error {}

/** Returned by {@link splitQuotedRecord} when a quoted field is still open at the end of the text. */
export const UNTERMINATED = Symbol('unterminated quoted field');

/** Splits a record: the fast path for text without quotes, the quote-aware scan otherwise. */
export function splitRecord(text: string): string[] | typeof UNTERMINATED {
  return text.indexOf('"') === -1
    ? text.split(DELIMITER)
    : splitQuotedRecord(text);
}

/**
 * The quote-aware scan. The text is one record (a physical line, or several
 * joined with their line breaks when a quoted field spans lines).
 */
export function splitQuotedRecord(
  text: string
): string[] | typeof UNTERMINATED {
  const fields: string[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    let end: number;
    if (text.charCodeAt(i) === QUOTE) {
      const quoted = readQuotedField(text, i);
      if (quoted === UNTERMINATED) return UNTERMINATED;
      fields.push(quoted.value);
      end = quoted.end;
    } else {
      const pipe = text.indexOf(DELIMITER, i);
      end = pipe === -1 ? n : pipe;
      fields.push(text.slice(i, end));
    }
    if (end >= n) return fields;
    i = end + 1; // past the `|`
    if (i === n) {
      fields.push('');
      return fields;
    }
  }
}

/** Reads the field starting with `"` at `start`; `end` is the index of the `|` after it (or the text end). */
function readQuotedField(
  text: string,
  start: number
): {value: string; end: number} | typeof UNTERMINATED {
  const n = text.length;
  let value = '';
  let segment = start + 1;
  let interpreted = false; // a `""` was collapsed
  for (;;) {
    const q = text.indexOf('"', segment);
    if (q === -1) return UNTERMINATED;
    const next = q + 1;
    if (next < n && text.charCodeAt(next) === QUOTE) {
      value += text.slice(segment, next); // keep one `"`
      segment = next + 1;
      interpreted = true;
      continue;
    }
    if (next === n || text.charCodeAt(next) === PIPE) {
      return {value: value + text.slice(segment, q), end: next};
    }
    // A `"` inside a quoted field, followed by neither `"` nor `|`.
    const inside = text.slice(start + 1, q);
    if (interpreted || /[|\r\n]/.test(inside)) {
      throw new FieldsError(
        `unbalanced quote: the quoted field starting at character ${start + 1} ` +
          `closes at character ${q + 1} but goes on with ` +
          `${JSON.stringify(text.slice(next, next + 20))}; ` +
          'a field containing "|" or """ must be quoted as a whole'
      );
    }
    const pipe = text.indexOf(DELIMITER, next);
    const end = pipe === -1 ? n : pipe;
    return {value: text.slice(start, end), end};
  }
}
