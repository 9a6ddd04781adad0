import type {ConnectorError} from '../errors';
import type {LayoutId} from './layouts';

/**
 * The first pass over a downloaded body: one FileCheck per file (a text body
 * is one file, a ZIP one per entry, in central-directory order), computed
 * before any row of the body is emitted. A file whose check `failed` emits no
 * row; the emitting pass reads only files that passed, with the layout
 * decided here.
 */

/** How a file's SAE header compared with its DETAIL lines. */
export type Verification =
  /** An SAE file whose header record count and journal total match its DETAIL lines exactly. */
  | 'verified'
  /** Passed every check that could run, but nothing to verify against (bare `EXTRACT` header, PRAE, unknown layout). */
  | 'unverifiable'
  /** Failed a check (header mismatch, width, quoting, encoding, ZIP CRC/size…): see `error`. */
  | 'failed';

export interface FileCheck {
  /** The ZIP entry name, or the default name of a plain body (extract_file_rows' file_name). */
  file: string;
  /** The layout the file is read with; null when not recognised (or when it failed before one was decided). */
  layout: LayoutId | null;
  /** Bytes of the file as served (a ZIP entry: its uncompressed bytes), before any decoding. */
  size_bytes: number;
  /** SHA-256 (lower-case hex) of those same bytes. */
  sha256: string;
  /** Physical lines of the file (a final line break does not start another line; empty lines count). */
  line_count: number;
  /** The SAE header's record count (summed over `EXTRACT` sections); null without one. */
  header_record_count: number | null;
  /** The SAE header's journal amount total as an exact decimal string (e.g. `375312.9100`, no `+`); null without one. */
  header_journal_amount_total: string | null;
  /** The SAE header's batch id (5-field header only); null otherwise. */
  header_batch_id: number | null;
  /** The SAE header's batch date (`YYYY-MM-DD`); null without one. */
  header_batch_date: string | null;
  /** DETAIL lines of an SAE file (lines checked before a failure); 0 for other layouts. */
  detail_line_count: number;
  /** Exact sum of the DETAIL journal amounts (field 169), at the header's scale; null for other layouts. */
  detail_journal_amount_total: string | null;
  verification: Verification;
  /** Why the file failed (a DataError with a file-check code and `{file, line}` context); undefined otherwise. */
  error?: ConnectorError;
}
