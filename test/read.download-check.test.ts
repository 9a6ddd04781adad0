import {buildSaeFile} from 'concur-extract-simulator';
import fs from 'fs';
import path from 'path';

import {checkExtractFiles, FileCheck} from '../src/extract-file';
import {CHECK_QUEUE_BYTES, CheckThread} from '../src/extract-file/check-thread';
import {DownloadCheck} from '../src/streams/download-check';
import {ROOT} from './helpers/cli';
import {chunks, tmpDir} from './helpers/file';

/**
 * The check pass while a body downloads (src/streams/download-check.ts): for
 * a text body, the same FileCheck as checking the spooled file afterwards;
 * a ZIP is left to be checked from disk; a retried download is checked from
 * its last attempt only — in this thread and in the check thread
 * (src/extract-file/check-thread.ts, its compiled worker script from lib/).
 * Driven through the observer interface the download
 * calls (src/concur/download.ts); the download itself calling it, retries
 * included, is test/client.download.test.ts.
 */

/** Feeds `body` to one observer attempt in chunks of `size`, as a download would. */
async function attempt(
  check: DownloadCheck,
  body: Buffer,
  size: number,
  cutAfter?: number
): Promise<void> {
  const obs = check.observe();
  let sent = 0;
  for (const c of chunks(body, size)) {
    if (cutAfter !== undefined && sent >= cutAfter) {
      obs.abort(new Error('socket hang up'));
      return;
    }
    await obs.write(c);
    sent += c.length;
  }
  obs.end();
}

const withoutError = (c: FileCheck): object => ({
  ...c,
  error: c.error && {code: c.error.code, message: c.error.describe()},
});

const WORKER = path.join(ROOT, 'lib', 'src', 'extract-file', 'check-worker.js');

describe.each([
  ['in this thread', false],
  ['in the check thread', true],
] as const)('checking a body while it downloads, %s', (_where, threaded) => {
  let dir: string;
  let thread: CheckThread | undefined;
  const newCheck = (
    encoding: 'utf-8' | 'windows-1252' = 'utf-8'
  ): DownloadCheck => new DownloadCheck('j.txt', encoding, thread);
  beforeAll(() => {
    expect(large.length).toBeGreaterThan(CHECK_QUEUE_BYTES + 1024 * 1024);
    thread = threaded ? CheckThread.create(WORKER, {}, 2) : undefined;
    if (threaded) expect(thread).toBeDefined();
  });
  afterAll(async () => thread?.close());
  beforeEach(() => (dir = tmpDir()));
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

  const good = buildSaeFile({details: 300, seed: 5}).body;
  // More than the check may queue: the download waits for it, many blocks cross to the thread.
  const large = buildSaeFile({details: 7000, seed: 6}).body;
  const lines = good.toString('latin1').split('\n');
  const header = lines[0].split('|');
  header[2] = String(Number(header[2]) + 1); // the record count one off
  const badCount = Buffer.from(
    [header.join('|'), ...lines.slice(1)].join('\n'),
    'latin1'
  );

  test.each([
    ['a verified SAE file', good, 'utf-8', 'verified'],
    ['a large SAE file', large, 'utf-8', 'verified'],
    ['a header count one off', badCount, 'utf-8', 'failed'],
    [
      'Windows-1252 text',
      Buffer.from('X|caf\xe9|\x80\r\nY|2\r\n', 'latin1'),
      'windows-1252',
      'unverifiable',
    ],
    ['invalid UTF-8', Buffer.from('X|caf\xe9\n', 'latin1'), 'utf-8', 'failed'],
    ['an empty body', Buffer.alloc(0), 'utf-8', 'unverifiable'],
    ['a 3-byte body', Buffer.from('X|1'), 'utf-8', 'unverifiable'],
  ] as const)(
    '%s: the same check as from disk',
    async (_label, body, encoding, verdict) => {
      const file = path.join(dir, 'body');
      fs.writeFileSync(file, body);
      const fromDisk = await checkExtractFiles(file, {
        defaultName: 'j.txt',
        encoding,
        maxUnzippedBytes: 1e9,
      });
      expect(fromDisk.map((c) => c.verification)).toEqual([verdict]);
      for (const size of [1, 5, 65536]) {
        if (size === 1 && body.length > 10000) continue;
        if (size < 65536 && body.length > 1e6) continue;
        const check = newCheck(encoding);
        await attempt(check, body, size);
        const got = await check.result();
        expect(got?.map(withoutError)).toEqual(fromDisk.map(withoutError));
      }
    }
  );

  test('a ZIP body is left to the check from disk', async () => {
    const check = newCheck();
    await attempt(
      check,
      Buffer.from('PK\x03\x04rest of an archive', 'latin1'),
      2
    );
    expect(await check.result()).toBeUndefined();
  });

  test('a retried download: only the last attempt is checked', async () => {
    const check = newCheck();
    await attempt(check, good, 4096, 20000); // cut after ~20 KB
    await attempt(check, good, 4096);
    const [c] = (await check.result())!;
    expect(c).toMatchObject({
      size_bytes: good.length,
      verification: 'verified',
      detail_line_count: 300,
    });
  });

  test('the next job checks while the last one finishes: both keep their check', async () => {
    // As prefetch.ts does: the next download starts once the current body has arrived, its check still running.
    const first = newCheck();
    const second = newCheck();
    await attempt(first, large, 65536);
    await attempt(second, good, 65536);
    const [a, b] = await Promise.all([first.result(), second.result()]);
    expect(a?.map((c) => [c.verification, c.size_bytes])).toEqual([
      ['verified', large.length],
    ]);
    expect(b?.map((c) => [c.verification, c.size_bytes])).toEqual([
      ['verified', good.length],
    ]);
  });

  test('no attempt: nothing checked', async () => {
    expect(await newCheck().result()).toBeUndefined();
  });

  test('a check that cannot finish (its thread stopped) is left to the check from disk', async () => {
    const check = newCheck();
    const obs = check.observe();
    await obs.write(good.subarray(0, 5000));
    if (thread) await thread.close();
    else obs.abort(new Error('stopped'));
    obs.end();
    expect(await check.result()).toBeUndefined();
  });
});

describe('the check thread', () => {
  test('no check thread for one CPU, or when turned off', () => {
    expect(CheckThread.create(WORKER, {}, 1)).toBeUndefined();
    expect(
      CheckThread.create(WORKER, {CONCUR_CHECK_THREAD: '0'}, 4)
    ).toBeUndefined();
    expect(
      CheckThread.create(path.join(ROOT, 'none.js'), {}, 4)
    ).toBeUndefined();
  });
});
