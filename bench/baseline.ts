/**
 * The plain pipeline the connector is measured against: csv-parse (the
 * product owner's parser: `|` delimiter, relaxed quotes) → one RECORD per line
 * → JSON.stringify → stdout, written in 256 KB chunks like the connector's.
 * Usage: node lib/bench/baseline.js FILE > /dev/null   (summary on stderr)
 */
import {parse} from 'csv-parse';
import {once} from 'events';
import fs from 'fs';

async function main(file: string): Promise<void> {
  const started = process.hrtime.bigint();
  let rows = 0;
  let chunk = '';
  const parser = fs.createReadStream(file).pipe(
    parse({
      delimiter: '|',
      relax_quotes: true,
      relax_column_count: true,
      bom: true,
    })
  );
  for await (const values of parser as AsyncIterable<string[]>) {
    rows++;
    chunk +=
      JSON.stringify({
        type: 'RECORD',
        record: {
          stream: 'extract_file_rows',
          emitted_at: Date.now(),
          data: {line_number: rows, record_type: values[0], values},
        },
      }) + '\n';
    if (chunk.length >= 256 * 1024) {
      if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
      chunk = '';
    }
  }
  if (chunk) process.stdout.write(chunk);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stderr.write(JSON.stringify({rows, seconds}) + '\n');
}

main(process.argv[2]).catch((e) => {
  console.error(e);
  process.exit(1);
});
