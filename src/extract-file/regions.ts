import {countLf} from './encoding';
import {CR, LF, QUOTE, RecordJoiner} from './lines';

/**
 * Cuts a file's UTF-8 text into regions of whole records, for the parse
 * workers (parallel.ts): each region starts where no record is open (a
 * quoted field may span lines), so a fresh parser reading it from its first
 * line — numbered {@link Region.firstLine} — yields exactly the records the
 * whole file's parser yields for those lines.
 *
 * Only lines with a `"` are looked at closely (joined as the parser joins
 * them, to know whether a quoted field goes on); every other line is passed
 * over with one `indexOf`. The file already passed its check (check.ts), so
 * a record the joiner refuses cannot occur; if one did, the region is cut
 * after it and the worker's parser reports it, with its line.
 */

export interface Region {
  /**
   * The region's bytes, in order: views of the chunks read (a region that
   * spans two chunks is joined only by the copy the parse worker gets).
   */
  parts: readonly Buffer[];
  /** The physical number of the region's first line. */
  firstLine: number;
  /** The region starts the file (a byte order mark there is dropped). */
  atStart: boolean;
}

export class RegionCutter {
  /** The bytes after the last region cut (they begin at a record boundary), as chunk views. */
  private parts: Buffer[] = [];
  private size = 0;
  /** Whether any of `parts` holds a `"` (then a record may go on across their end). */
  private quoted = false;
  private nextLine = 1;
  private atStart = true;

  /** `target`: the least bytes of a region but the last (it ends at the first safe line break after). */
  constructor(private readonly target: number) {}

  /** The regions complete once `chunk` is added. */
  push(chunk: Buffer): Region[] {
    if (chunk.length === 0) return [];
    const regions: Region[] = [];
    let buf = chunk;
    let from = 0;
    if (this.size > 0) {
      const cut = this.plainCut(chunk);
      if (cut === 0) {
        this.add(chunk); // the region goes on past this chunk
        return regions;
      }
      if (cut > 0) {
        // The region begun in earlier chunks ends in this one, without a join.
        regions.push(this.region([...this.parts, chunk.subarray(0, cut)]));
        from = cut;
      } else {
        // A quoted record may go on across the chunks: cut from them joined.
        buf = Buffer.concat([...this.parts, chunk], this.size + chunk.length);
      }
      this.clear();
    }
    while (buf.length - from >= this.target) {
      const cut = safeCut(buf, from, from + this.target);
      if (cut === -1) break; // a record goes on past the bytes so far
      regions.push(this.region([buf.subarray(from, cut)]));
      from = cut;
    }
    if (from < buf.length) this.add(buf.subarray(from));
    return regions;
  }

  /** What is left at the end of the file (undefined when nothing is). */
  end(): Region | undefined {
    if (this.size === 0) return undefined;
    const r = this.region(this.parts);
    this.clear();
    return r;
  }

  /**
   * Where the region held in `parts` ends in `chunk` when no `"` is in the
   * way (nearly always): just past the first line break once the region has
   * its target size; 0 when it goes on past `chunk`; -1 when a `"` is in the
   * way (a quoted field may span lines).
   */
  private plainCut(chunk: Buffer): number {
    if (this.quoted) return -1;
    const lf = chunk.indexOf(LF, Math.max(0, this.target - this.size - 1));
    const head = lf === -1 ? chunk : chunk.subarray(0, lf);
    if (head.indexOf(QUOTE) !== -1) return -1;
    return lf + 1;
  }

  private add(part: Buffer): void {
    this.parts.push(part);
    this.size += part.length;
    this.quoted ||= part.indexOf(QUOTE) !== -1;
  }

  private clear(): void {
    this.parts = [];
    this.size = 0;
    this.quoted = false;
  }

  private region(parts: Buffer[]): Region {
    const r = {parts, firstLine: this.nextLine, atStart: this.atStart};
    for (const p of parts) this.nextLine += countLf(p);
    this.atStart = false;
    return r;
  }
}

/**
 * The offset just past a line break of `buf` at or after `min - 1` where no
 * record is open, scanning from `from` (a record boundary); -1 when there is
 * none in `buf` yet.
 */
export function safeCut(buf: Buffer, from: number, min: number): number {
  let start = from;
  for (;;) {
    let quote = buf.indexOf(QUOTE, start);
    if (quote === -1) quote = buf.length;
    const lf = buf.indexOf(LF, Math.max(start, min - 1));
    if (lf === -1) return -1;
    // Every line from `start` through `lf` is without a `"`: no record opens.
    if (lf < quote) return lf + 1;
    const end = recordEnd(buf, buf.lastIndexOf(LF, quote) + 1);
    if (end === -1) return -1;
    start = end + 1;
    if (start >= min) return start;
  }
}

/** The line break ending the record that starts at `start` (-1: not in `buf` yet). */
function recordEnd(buf: Buffer, start: number): number {
  const joiner = new RecordJoiner('');
  let pos = start;
  for (;;) {
    const lf = buf.indexOf(LF, pos);
    if (lf === -1) return -1;
    const hasCr = lf > pos && buf[lf - 1] === CR;
    const text = buf.toString('utf8', pos, hasCr ? lf - 1 : lf);
    try {
      if (joiner.line(text, hasCr ? '\r\n' : '\n', 0)) return lf;
    } catch {
      return lf; // refused: the worker's parser names it (see above)
    }
    pos = lf + 1;
  }
}
