import {withContext} from '../errors';
import {RecordBatch, RecordOptions} from './index';
import {JsonBytes} from './json-bytes';
import {columnsInto, LayoutId, LineLayout} from './layouts';
import {
  ByteSource,
  isRaw,
  materialize,
  ParsedLine,
  parseLines,
  ParseOptions,
  RawLine,
} from './parser';
import {PlainWriter} from './plain-writer';
import {recordFrame} from './record-frame';
import {LineTyper} from './typer';

/**
 * The records of the per-layout streams (sae_rows, prae_rows): one record per
 * DETAIL line of the wanted layouts, with the caller's fields, `file_name`,
 * `line_number`, `layout` and the typed columns — no `record_type` (always
 * DETAIL) and no `values`, so a record is about a third of an
 * extract_file_rows one. Lines of other layouts, headers and unknown lines
 * are read (and checked, as for extract_file_rows) but not written.
 */

export interface LayoutRecordOptions extends RecordOptions {
  /** The layouts whose DETAIL lines become records. */
  layouts: readonly LayoutId[];
}

/** Room for the line number and the `layout` member. */
const FIXED_BYTES = 48;

/** The records of one file (UTF-8 text), in the layout its check decided. */
export async function* fileLayoutRecords(
  input: ByteSource,
  file: string,
  layout: LayoutId | null,
  opts: Pick<
    LayoutRecordOptions,
    'layouts' | 'fields' | 'envelope' | 'amountsAs'
  > & {region?: ParseOptions['region']}
): AsyncGenerator<RecordBatch> {
  const {
    before: batchStart,
    head,
    after,
  } = recordFrame(file, opts.fields, opts.envelope);
  const layoutKeys = new Map<LayoutId, string>(
    opts.layouts.map((l) => [l, `,"layout":"${l}"`])
  );
  const typer = new LineTyper(file, layout, opts.amountsAs);
  const plain = new PlainWriter(typer);
  const out = new JsonBytes();
  let yielded = false;
  for await (const batch of parseLines(input, file, {
    raw: true,
    region: opts.region,
  })) {
    const before = batchStart();
    let count = 0;
    for (const line of batch) {
      // A plain line: its bytes split in place (plain-writer.ts); any other: the full path.
      let raw: RawLine | undefined;
      let parsed: ParsedLine | undefined;
      let ll: LineLayout | null | undefined;
      if (isRaw(line)) {
        ll = plain.split(line);
        if (ll === undefined) parsed = materialize(line);
        else raw = line;
      } else parsed = line;
      if (parsed) ll = typer.line(parsed.lineNumber, parsed.values);
      const layoutKey = ll?.role === 'detail' && layoutKeys.get(ll.layout);
      if (!ll || !layoutKey) continue;
      out.reserve(before.length + head.length + after.length + FIXED_BYTES);
      out.bytes(before);
      out.bytes(head);
      out.ascii(String(line.lineNumber));
      out.ascii(layoutKey);
      try {
        if (raw) plain.writeColumns(out, ll, raw);
        else if (parsed) {
          out.reserve(parsed.text.length + ll.jsonBudget);
          columnsInto(ll, parsed.values, out, parsed.plain);
        }
      } catch (err) {
        throw withContext(err, {file, line: line.lineNumber});
      }
      out.reserve(after.length);
      out.bytes(after);
      count++;
    }
    yield {file, count, bytes: out.take()};
    yielded = true;
  }
  out.retire();
  if (!yielded) yield {file, count: 0, bytes: Buffer.alloc(0)};
}
