import fs from 'fs';
import path from 'path';

import type {DownloadProgress} from '../src/concur/download';
import {
  NEXT_REQUEST_LEAD_MAX_S,
  NEXT_REQUEST_LEAD_MIN_S,
  nextRequestLead,
  prefetch,
  PrefetchOptions,
} from '../src/streams/prefetch';
import {tmpDir} from './helpers/file';

/**
 * Downloads that overlap emitting (src/streams/prefetch.ts), driven with real
 * files in a temp folder and downloads the test releases one by one, so
 * "at most one ahead" and the clean-up are checked at each step, not timed.
 * The sync behaviour around it (checkpoints, a bad job stopping its
 * definition while the next one was already downloaded) is covered through
 * bin/main by test/read.file-rows.test.ts.
 */

interface Download {
  job: string;
  path: string;
  signal: AbortSignal;
  /** Reports the body's progress, as the real download does. */
  progress: DownloadProgress;
  finish(): void;
  fail(err: Error): void;
}

/** A download function whose downloads write a partial file, then wait for the test. */
function controlled(dir: string): {
  opts: PrefetchOptions<string, string>;
  started: Download[];
} {
  const started: Download[] = [];
  const opts: PrefetchOptions<string, string> = {
    spoolPath: (job) => path.join(dir, `${job}.body`),
    download: (job, file, signal, progress) =>
      new Promise<string>((resolve, reject) => {
        fs.writeFileSync(file, `partial ${job}`);
        started.push({
          job,
          path: file,
          signal,
          progress,
          finish: () => {
            fs.writeFileSync(file, `body of ${job}`);
            resolve(`result ${job}`);
          },
          fail: reject,
        });
      }),
  };
  return {opts, started};
}

/** Lets pending promise callbacks run. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Waits `ms` of real time. */
const pause = (ms: number): Promise<void> =>
  new Promise((r) => setTimeout(r, ms));

const filesIn = (dir: string): string[] => fs.readdirSync(dir).sort();

describe('prefetch: downloads overlap emitting', () => {
  let dir: string;
  beforeEach(() => (dir = tmpDir()));
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

  test('jobs come in order, each fully downloaded, with the next one downloading and never more', async () => {
    const {opts, started} = controlled(dir);
    const jobs = ['j1', 'j2', 'j3'];
    const it = prefetch(jobs, opts);
    const first = it.next();
    await settle();
    expect(started.map((d) => d.job)).toEqual(['j1']);
    started[0].finish();
    const got1 = (await first).value!;
    expect(got1).toEqual({
      job: 'j1',
      path: path.join(dir, 'j1.body'),
      result: 'result j1',
    });
    expect(fs.readFileSync(got1.path, 'utf8')).toBe('body of j1');
    // While j1 is emitted, j2 downloads — and only j2.
    expect(started.map((d) => d.job)).toEqual(['j1', 'j2']);
    await settle();
    expect(started).toHaveLength(2);

    const second = it.next();
    started[1].finish();
    expect((await second).value!.job).toBe('j2');
    // j1's file went when the consumer moved on; j3's is downloading.
    expect(filesIn(dir)).toEqual(['j2.body', 'j3.body']);
    expect(started.map((d) => d.job)).toEqual(['j1', 'j2', 'j3']);

    const third = it.next();
    started[2].finish();
    expect((await third).value!.job).toBe('j3');
    expect(await it.next()).toEqual({done: true, value: undefined});
    expect(filesIn(dir)).toEqual([]);
    expect(started).toHaveLength(3);
  });

  test('the next download starts once the current file has arrived, while that file is still being prepared', async () => {
    const {opts, started} = controlled(dir);
    const prepared: {job: string; finish(): void; fail(e: Error): void}[] = [];
    const it = prefetch(['j1', 'j2'], {
      ...opts,
      prepare: (job, file, downloaded) =>
        new Promise<string>((resolve, reject) =>
          prepared.push({
            job,
            finish: () =>
              resolve(
                `${downloaded} checked (${fs.readFileSync(file, 'utf8')})`
              ),
            fail: reject,
          })
        ),
    });
    const first = it.next();
    await settle();
    started[0].finish();
    await settle();
    // j1 is being prepared (checked): j2 already downloads, and nothing is handed over yet.
    expect(prepared.map((p) => p.job)).toEqual(['j1']);
    expect(started.map((d) => d.job)).toEqual(['j1', 'j2']);
    prepared[0].finish();
    expect((await first).value!.result).toBe('result j1 checked (body of j1)');
    // Never more than one ahead: j2 arriving starts nothing while j1 is emitted.
    started[1].finish();
    await settle();
    expect(started).toHaveLength(2);
    expect(prepared).toHaveLength(1);
    // A failed check is thrown at its job's turn, and its file removed.
    const second = it.next();
    while (prepared.length < 2) await settle(); // after j1's file is removed
    const failure = new Error('j2: bad total');
    prepared[1].fail(failure);
    await expect(second).rejects.toBe(failure);
    expect(filesIn(dir)).toEqual([]);
  });

  test('a failed download is thrown when the consumer reaches its job, after the jobs before it; its partial file is removed', async () => {
    const {opts, started} = controlled(dir);
    const it = prefetch(['j1', 'j2', 'j3'], opts);
    const first = it.next();
    await settle();
    started[0].finish();
    expect((await first).value!.job).toBe('j1');
    const failure = new Error('j2: 404');
    started[1].fail(failure);
    await settle();
    // Still j1's turn: the failure waits for the consumer.
    expect(fs.existsSync(path.join(dir, 'j1.body'))).toBe(true);
    await expect(it.next()).rejects.toBe(failure);
    expect(started.map((d) => d.job)).toEqual(['j1', 'j2']);
    expect(filesIn(dir)).toEqual([]);
  });

  test('a consumer that stops mid-job: the current file and the one ahead are removed, the download ahead aborted and awaited', async () => {
    const {opts, started} = controlled(dir);
    const it = prefetch(['j1', 'j2', 'j3'], opts);
    const first = it.next();
    await settle();
    started[0].finish();
    await first;
    const ahead = started[1];
    expect(ahead.signal.aborted).toBe(false);
    let returned = false;
    const stop = it.return(undefined).then(() => (returned = true));
    await settle();
    expect(ahead.signal.aborted).toBe(true);
    expect(returned).toBe(false); // this download ignores its signal: it is awaited
    ahead.finish();
    await stop;
    expect(filesIn(dir)).toEqual([]);
    expect(started).toHaveLength(2);
  });

  describe('the next request goes out shortly before the current body ends, when the consumer waits for it', () => {
    /** A clock the test moves: seconds since the first download started. */
    const clock = (): {now(): number; at(s: number): void} => {
      let t = 0;
      return {now: () => t, at: (s) => (t = s)};
    };
    /** The first download of `jobs` under way for 1 s by the test's clock, the consumer waiting for it. */
    const waitingOnFirst = async (jobs: string[]) => {
      const {opts, started} = controlled(dir);
      const time = clock();
      const it = prefetch(jobs, {...opts, now: time.now});
      const first = it.next();
      await settle();
      time.at(1);
      return {started, it, first};
    };
    /** Progress that leaves `left` seconds at the rate since the start (1 s ago): 1000 bytes expected. */
    const leaving = (left: number): [number, number] => {
      const bytes = Math.ceil(1000 / (1 + left));
      return [bytes, 1000];
    };

    test('a body estimated to end within the lead starts the next download; one further away does not', async () => {
      // The first bytes after 1 s: the longest lead.
      const {started, it, first} = await waitingOnFirst(['j1', 'j2', 'j3']);
      started[0].progress(...leaving(NEXT_REQUEST_LEAD_MAX_S * 2));
      expect(started).toHaveLength(1);
      started[0].progress(...leaving(NEXT_REQUEST_LEAD_MAX_S / 2));
      // j1 has not arrived: j2 already downloads (two files on disk, as when j1 is emitted).
      expect(started.map((d) => d.job)).toEqual(['j1', 'j2']);
      expect(filesIn(dir)).toEqual(['j1.body', 'j2.body']);
      started[0].finish();
      expect((await first).value!.job).toBe('j1');
      expect(started).toHaveLength(2);
      const second = it.next();
      started[1].finish();
      expect((await second).value!.job).toBe('j2');
      expect(started.map((d) => d.job)).toEqual(['j1', 'j2', 'j3']);
    });

    test('the lead is twice the time to first byte, within its bounds', () => {
      expect(nextRequestLead(0.04)).toBeCloseTo(0.08);
      expect(nextRequestLead(0.001)).toBe(NEXT_REQUEST_LEAD_MIN_S);
      expect(nextRequestLead(5)).toBe(NEXT_REQUEST_LEAD_MAX_S);
      expect(nextRequestLead(NaN)).toBe(NEXT_REQUEST_LEAD_MAX_S);
      expect(nextRequestLead(-Infinity)).toBe(NEXT_REQUEST_LEAD_MAX_S);
    });

    test('a quick first byte gives a short lead: the current body is not shared with the next for longer', async () => {
      const {opts, started} = controlled(dir);
      const time = clock();
      const it = prefetch(['j1', 'j2'], {...opts, now: time.now});
      const first = it.next();
      await settle();
      time.at(0.04); // the first bytes, 40 ms after the request: an 80 ms lead
      started[0].progress(40, 1000);
      time.at(1);
      started[0].progress(...leaving(0.1));
      expect(started).toHaveLength(1); // within the longest lead, not this one's
      started[0].progress(...leaving(0.07));
      expect(started.map((d) => d.job)).toEqual(['j1', 'j2']);
      started[0].finish();
      expect((await first).value!.job).toBe('j1');
      started[1].finish();
      expect((await it.next()).value!.job).toBe('j2');
      expect(await it.next()).toEqual({done: true, value: undefined});
    });

    test('never while the consumer holds a file: the next one waits until the consumer asks for the one ending', async () => {
      const {opts, started} = controlled(dir);
      const time = clock();
      const it = prefetch(['j1', 'j2', 'j3'], {...opts, now: time.now});
      const first = it.next();
      await settle();
      started[0].finish();
      await first; // the consumer works on j1; j2 downloads
      time.at(1);
      started[1].progress(...leaving(0));
      await settle();
      expect(started).toHaveLength(2); // j3 would be a second file ahead of j1
      const second = it.next();
      // After j1's file is removed: an fs.rm on libuv's thread pool, so wait
      // for it by the clock (up to 2 s), not a count of event-loop turns.
      for (let n = 0; n < 400 && started.length < 3; n++) await pause(5);
      // j1 is gone, j2 is about to end: j3 starts now, before j2 has arrived.
      expect(started.map((d) => d.job)).toEqual(['j1', 'j2', 'j3']);
      expect(filesIn(dir)).toEqual(['j2.body', 'j3.body']);
      started[1].finish();
      expect((await second).value!.job).toBe('j2');
      started[2].finish();
      expect((await it.next()).value!.job).toBe('j3');
      expect(await it.next()).toEqual({done: true, value: undefined});
      expect(filesIn(dir)).toEqual([]);
    });

    test('a body of unknown size (no Content-Length) starts nothing early', async () => {
      const {started, it, first} = await waitingOnFirst(['j1', 'j2']);
      started[0].progress(999, undefined);
      expect(started).toHaveLength(1);
      started[0].finish();
      await first;
      expect(started).toHaveLength(2);
      started[1].finish();
      await it.return(undefined);
      expect(filesIn(dir)).toEqual([]);
    });

    test('a failed download with the next one started early: thrown at its turn, both files removed, the early one aborted', async () => {
      const {started, first} = await waitingOnFirst(['j1', 'j2', 'j3']);
      started[0].progress(...leaving(0));
      expect(started).toHaveLength(2);
      const failure = new Error('j1: connection reset');
      started[0].fail(failure);
      const done = expect(first).rejects.toBe(failure);
      await settle();
      expect(started[1].signal.aborted).toBe(true);
      started[1].finish(); // it ignored its signal: awaited before its file goes
      await done;
      expect(filesIn(dir)).toEqual([]);
      expect(started).toHaveLength(2);
    });
  });

  test('no jobs: nothing is downloaded', async () => {
    const {opts, started} = controlled(dir);
    const got = [];
    for await (const item of prefetch([], opts)) got.push(item);
    expect(got).toEqual([]);
    expect(started).toEqual([]);
  });
});
