/**
 * Text → bytes in the legacy encodings a Concur tenant can be configured for,
 * written from the code page tables themselves (no library: the connector
 * decodes with one, and the two must not share a mistake).
 */

/** Windows-1252 0x80–0x9F (the rest of 0x00–0xFF is ISO-8859-1); 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined. */
const CP1252_HIGH: Record<number, number> = {
  0x20ac: 0x80, // €
  0x201a: 0x82, // ‚
  0x0192: 0x83, // ƒ
  0x201e: 0x84, // „
  0x2026: 0x85, // …
  0x2020: 0x86, // †
  0x2021: 0x87, // ‡
  0x02c6: 0x88, // ˆ
  0x2030: 0x89, // ‰
  0x0160: 0x8a, // Š
  0x2039: 0x8b, // ‹
  0x0152: 0x8c, // Œ
  0x017d: 0x8e, // Ž
  0x2018: 0x91, // '
  0x2019: 0x92, // '
  0x201c: 0x93, // "
  0x201d: 0x94, // "
  0x2022: 0x95, // •
  0x2013: 0x96, // –
  0x2014: 0x97, // —
  0x02dc: 0x98, // ˜
  0x2122: 0x99, // ™
  0x0161: 0x9a, // š
  0x203a: 0x9b, // ›
  0x0153: 0x9c, // œ
  0x017e: 0x9e, // ž
  0x0178: 0x9f, // Ÿ
};

const QUESTION_MARK = 0x3f;

export type TextEncoding = 'utf8' | 'latin1' | 'windows-1252';

export function encodeText(text: string, encoding: TextEncoding): Buffer {
  if (encoding === 'utf8') return Buffer.from(text, 'utf8');
  const out = Buffer.alloc(text.length);
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const byte =
      encoding === 'windows-1252' && CP1252_HIGH[c] !== undefined
        ? CP1252_HIGH[c]
        : c <= 0xff && (encoding === 'latin1' || c < 0x80 || c >= 0xa0)
          ? c
          : QUESTION_MARK;
    // A character the code page lacks becomes `?`, as legacy exporters write it.
    out[n++] = byte;
  }
  return out.subarray(0, n);
}
