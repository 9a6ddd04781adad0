/**
 * What goes around each record's `data` JSON in the output: the stream passes
 * the Airbyte RECORD envelope (protocol/output.ts; `before` is asked once per
 * batch, so it can carry the batch's emitted_at). Default: one data object per line.
 */
export interface Envelope {
  before(): string;
  after: string;
}

const DATA_LINES: Envelope = {before: () => '', after: '\n'};

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
    before: () => Buffer.from(envelope.before()),
    head: Buffer.from(`${fixed.slice(0, -1)},"line_number":`),
    after: Buffer.from(`}${envelope.after}`),
  };
}
