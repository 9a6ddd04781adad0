/**
 * What goes around each record's `data` JSON in the output: the stream passes
 * the Airbyte RECORD envelope (protocol/output.ts). Plain data, so that the
 * parse workers get it too. Default: one data object per line.
 */
export interface Envelope {
  /**
   * The envelope's start: its parts joined by the emission time (Date.now(),
   * taken once per batch: the RECORD's emitted_at); one part: no time.
   */
  before: readonly string[];
  after: string;
}

const DATA_LINES: Envelope = {before: [''], after: '\n'};

/** The bytes every record of one file starts and ends with, built once per file. */
export interface RecordFrame {
  /** The envelope's start, once per batch. */
  before(): Buffer;
  /** `{…fields, "file_name":…, "line_number":` — the line number follows. */
  head: Buffer;
  /** The data object's `}` and the envelope's end. */
  after: Buffer;
}

export function recordFrame(
  file: string,
  fields: Readonly<Record<string, unknown>> = {},
  envelope: Envelope = DATA_LINES
): RecordFrame {
  const fixed = JSON.stringify({...fields, file_name: file});
  return {
    before: () => Buffer.from(envelope.before.join(String(Date.now()))),
    head: Buffer.from(`${fixed.slice(0, -1)},"line_number":`),
    after: Buffer.from(`}${envelope.after}`),
  };
}
