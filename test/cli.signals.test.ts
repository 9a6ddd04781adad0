import {ChildProcess, execFileSync, spawn} from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

import {catalog, MAIN, ROOT, tempFiles} from './helpers/cli';
import {job} from './helpers/reliability';
import {
  baseScenario,
  configFor,
  SAE_DEF,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';

/** Airbyte cancels with SIGTERM and kills after a grace period: the connector must be gone well before. */
const EXIT_WITHIN_MS = 2_000;

/** Whether this machine can run a process as PID 1 of its own namespace (as under `docker run`). */
function canRunAsPid1(): boolean {
  try {
    const out = execFileSync(
      'unshare',
      [
        '-rpf',
        '--mount-proc',
        process.execPath,
        '-e',
        'console.log(process.pid)',
      ],
      {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000}
    );
    return out.trim() === '1';
  } catch {
    return false;
  }
}

interface Run {
  child: ChildProcess;
  /** The connector process itself (inside the namespace when run as PID 1). */
  connectorPid(): number;
  exited: Promise<{code: number | null; signal: string | null}>;
}

function start(args: string[], tmp: string, asPid1: boolean): Run {
  const env: NodeJS.ProcessEnv = {...process.env, TMPDIR: tmp};
  delete env.WORKER_JOB_ID;
  const child = asPid1
    ? spawn(
        'unshare',
        ['-rpf', '--mount-proc', process.execPath, MAIN, ...args],
        {cwd: ROOT, env}
      )
    : spawn(process.execPath, [MAIN, ...args], {cwd: ROOT, env});
  child.stdout!.resume();
  child.stderr!.resume();
  const exited = new Promise<{code: number | null; signal: string | null}>(
    (resolve) => child.on('exit', (code, signal) => resolve({code, signal}))
  );
  const connectorPid = (): number => {
    if (!asPid1) return child.pid!;
    // unshare -f forks the node process: its one child.
    const kids = fs
      .readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')
      .trim();
    return Number(kids.split(' ')[0]);
  };
  return {child, connectorPid, exited};
}

async function until(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const workDirs = (tmp: string): string[] =>
  fs.readdirSync(tmp).filter((n) => n.startsWith('concur-extract-'));

describe('SIGTERM / SIGINT: the connector stops within 2 s, removes its work folder, exits 143 / 130', () => {
  let sim: SimulatorHandle;
  let tmp: string;
  const pid1 = canRunAsPid1();

  beforeAll(async () => {
    sim = await startSimulator(
      baseScenario(
        [
          {
            id: SAE_DEF,
            name: 'SAE',
            // A job that never finishes: the sync waits for it.
            new_jobs: {queued_ms: 100},
            jobs: [job('sae$1', 1, {sae_v3: {details: 50, seed: 1}})],
          },
        ],
        // Every download stalls: the sync sits in the middle of one.
        {faults: {stall_rate: 1, stall_ms: 60_000, only_paths: '/file$'}}
      )
    );
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'signals-test-'));
  });
  afterEach(() => fs.rmSync(tmp, {recursive: true, force: true}));

  const readArgs = (config: object): string[] => {
    const files = tempFiles({
      config,
      catalog: catalog({extract_file_rows: 'incremental'}),
    });
    return ['read', '--config', files.config, '--catalog', files.catalog];
  };
  const fileRequests = () =>
    sim.requests.filter((r) => r.path.endsWith('/file')).length;
  const jobPosts = () =>
    sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/job'))
      .length;

  async function cancel(
    run: Run,
    signal: NodeJS.Signals
  ): Promise<{code: number | null; ms: number}> {
    expect(workDirs(tmp)).toHaveLength(1);
    const sent = Date.now();
    process.kill(run.connectorPid(), signal);
    const {code} = await run.exited;
    return {code, ms: Date.now() - sent};
  }

  /** The connector exited with `exitCode`, in time, its work folder gone. */
  function expectGone(
    {code, ms}: {code: number | null; ms: number},
    exitCode: number
  ): void {
    expect(code).toBe(exitCode);
    expect(ms).toBeLessThan(EXIT_WITHIN_MS);
    expect(workDirs(tmp)).toEqual([]);
  }

  /** A read cancelled with `signal` once it is in the middle of a download. */
  async function cancelDuringDownload(
    signal: NodeJS.Signals,
    asPid1: boolean
  ): Promise<{code: number | null; ms: number}> {
    const before = fileRequests();
    const run = start(readArgs(configFor(sim)), tmp, asPid1);
    await until(() => fileRequests() > before);
    return cancel(run, signal);
  }

  test('SIGTERM while waiting for a job', async () => {
    const before = jobPosts();
    const run = start(
      readArgs(configFor(sim, 'refresh', {start_new_jobs: true})),
      tmp,
      false
    );
    await until(() => jobPosts() > before);
    // The job was started; the connector now polls it (first poll after 1 s).
    await new Promise((r) => setTimeout(r, 500));
    expectGone(await cancel(run, 'SIGTERM'), 143);
  });

  test('SIGTERM during a download', async () => {
    expectGone(await cancelDuringDownload('SIGTERM', false), 143);
  });

  test('SIGINT during a download', async () => {
    expectGone(await cancelDuringDownload('SIGINT', false), 130);
  });

  // As under `docker run`, where the kernel ignores a signal PID 1 does not handle.
  (pid1 ? test : test.skip)(
    'as PID 1 (unshare): SIGTERM during a download',
    async () => {
      expectGone(await cancelDuringDownload('SIGTERM', true), 143);
    }
  );
});
