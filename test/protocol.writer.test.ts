import {Writable} from 'stream';

import {JsonBytes} from '../src/extract-file/json-bytes';
import {ConnectorLogger} from '../src/protocol/logger';
import {Output} from '../src/protocol/output';
import {registerSecret} from '../src/redact';

/**
 * The one writer to stdout, on an in-memory stream whose buffer fills after a
 * few bytes and drains only when the test says so: the only way to hold
 * stdout full for as long as a test needs.
 */
function slowStdout(): {
  stream: Writable;
  lines: () => any[];
  drain: () => Promise<void>;
} {
  const written: string[] = [];
  const pending: (() => void)[] = [];
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk, _enc, done) {
      written.push(chunk.toString());
      pending.push(done);
    },
  });
  const lines = (): any[] =>
    written
      .join('')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l));
  const drain = async (): Promise<void> => {
    while (pending.length) {
      pending.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return {stream, lines, drain};
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('the protocol writer', () => {
  test('LOG and RECORD lines keep the order they were handed over in while stdout is full', async () => {
    const out = slowStdout();
    const output = new Output(out.stream, 0);
    const logger = new ConnectorLogger(output);
    logger.info('before');
    let recordsDone = false;
    const records = output
      .records('s', [{n: 1}, {n: 2}])
      .then(() => (recordsDone = true));
    logger.info('while waiting');
    await tick();
    // Back-pressure: the batch is written but its writer waits for the drain.
    expect(recordsDone).toBe(false);
    await output.raw(Buffer.alloc(0));
    const state = output.message({type: 'STATE', state: {n: 2}});
    await out.drain();
    await records;
    await state;
    expect(recordsDone).toBe(true);
    expect(
      out.lines().map((m) => m.log?.message ?? m.record?.data.n ?? m.type)
    ).toEqual(['before', 1, 2, 'while waiting', 'STATE']);
  });

  test('a full buffer left by a log line makes the next message wait for the drain', async () => {
    const out = slowStdout();
    const output = new Output(out.stream, 0);
    new ConnectorLogger(output).info('x'.repeat(64));
    let done = false;
    const msg = output.message({type: 'STATE'}).then(() => (done = true));
    await tick();
    expect(done).toBe(false);
    await out.drain();
    await msg;
    expect(out.lines().map((m) => m.type)).toEqual(['LOG', 'STATE']);
  });

  test('a writer goes on while stdout holds less than its queue limit, and waits beyond it', async () => {
    const out = slowStdout();
    const output = new Output(out.stream, 100);
    let first = false;
    let second = false;
    await output.raw(Buffer.alloc(60, 'a')).then(() => (first = true));
    // 60 bytes queued (the stream's own buffer is full at 16): no wait yet.
    expect(first).toBe(true);
    const next = output.raw(Buffer.alloc(60, 'b')).then(() => (second = true));
    await tick();
    // 120 bytes queued: over the limit, the writer waits for the drain.
    expect(second).toBe(false);
    await out.drain();
    await next;
    expect(second).toBe(true);
  });

  test("a batch's buffer takes new batches only once stdout has written it", async () => {
    const out = slowStdout();
    const output = new Output(out.stream, 1e6);
    const writer = new JsonBytes(64);
    const slab = writer.buf;
    writer.ascii('a'.repeat(40));
    const written = output.raw(writer.take());
    writer.retire();
    await written; // under the queue limit: no wait for the write
    expect(new JsonBytes(64).buf).not.toBe(slab);
    await out.drain();
    expect(new JsonBytes(64).buf).toBe(slab);
  });

  test('raw RECORD bytes built with the envelope are RECORD messages of their stream', async () => {
    const out = slowStdout();
    const output = new Output(out.stream, 0);
    const {before, after} = Output.envelope('extract_file_rows');
    const line = Buffer.from(
      `${before.join('1796000000000')}{"a":1${'}'}${after}`
    );
    const done = output.raw(line);
    await out.drain();
    await done;
    const [msg] = out.lines();
    expect(msg.type).toBe('RECORD');
    expect(msg.record.stream).toBe('extract_file_rows');
    expect(msg.record.data).toEqual({a: 1});
    expect(msg.record.emitted_at).toBe(1796000000000);
  });

  test('secrets are redacted from LOG, STATE and TRACE, not from CONTROL', async () => {
    const secret = 'writer-test-secret-8f3a';
    registerSecret(secret);
    const out = slowStdout();
    const output = new Output(out.stream, 0);
    new ConnectorLogger(output).info(`token ${secret}`);
    const state = output.message({type: 'STATE', state: {v: secret}});
    const trace = output.message({type: 'TRACE', trace: {m: secret}});
    output.control({type: 'CONTROL', control: {config: {t: secret}}});
    await out.drain();
    await Promise.all([state, trace]);
    const [log, st, tr, control] = out.lines();
    expect(log.log.message).toBe('token **REDACTED**');
    expect(st.state.v).toBe('**REDACTED**');
    expect(tr.trace.m).toBe('**REDACTED**');
    expect(control.control.config.t).toBe(secret);
  });
});
