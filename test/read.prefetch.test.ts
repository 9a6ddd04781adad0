import fs from 'fs';
import path from 'path';

import {prefetch, PrefetchOptions} from '../src/streams/prefetch';
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
    download: (job, file, signal) =>
      new Promise<string>((resolve, reject) => {
        fs.writeFileSync(file, `partial ${job}`);
        started.push({
          job,
          path: file,
          signal,
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

  test('no jobs: nothing is downloaded', async () => {
    const {opts, started} = controlled(dir);
    const got = [];
    for await (const item of prefetch([], opts)) got.push(item);
    expect(got).toEqual([]);
    expect(started).toEqual([]);
  });
});
