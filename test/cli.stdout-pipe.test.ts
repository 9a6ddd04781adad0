import {spawnSync} from 'child_process';
import {buildSaeFile, Scenario} from 'concur-extract-simulator';
import path from 'path';

import {STDOUT_QUEUE_BYTES} from '../src/protocol/output';
import {
  catalog,
  comparableLines,
  errorCodes,
  ROOT,
  runCli,
} from './helpers/cli';
import {
  baseScenario,
  completedJob,
  readSim,
  SAE_DEF,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';
import {tempDir} from './helpers/temp';

/**
 * stdout as a pipe, as the Airbyte platform gives it (src/protocol/stdout-stream.ts):
 * the pipe is reopened and written by a libuv thread, and everything the
 * connector prints arrives as through process.stdout — every line, in order,
 * all of it before the process exits, on success and on failure.
 */

const STREAM_JS = path.join(ROOT, 'lib', 'src', 'protocol', 'stdout-stream.js');

/**
 * Which stream stdoutStream() picks in a process whose stdout is given by
 * `shell` (reported on stderr); without one, Node's own child stdout (a
 * socket, as runCli gives by default).
 */
function pickedFor(shell?: string): string {
  const probe =
    `const s = require(${JSON.stringify(STREAM_JS)}).stdoutStream();` +
    `process.stderr.write(s === process.stdout ? 'process.stdout' : s.constructor.name)`;
  const node = [process.execPath, '-e', probe];
  const [cmd, ...args] = shell ? ['bash', '-c', shell, ...node] : node;
  return spawnSync(cmd, args, {encoding: 'utf8'}).stderr.trim();
}

const BIG_SAE = buildSaeFile({details: 6000, seed: 41}).body;

const SCENARIO = (): Scenario =>
  baseScenario([
    {
      id: SAE_DEF,
      name: 'SAE',
      jobs: [completedJob('pipe$1', 1, {base64: BIG_SAE.toString('base64')})],
    },
  ]);

describe('stdout as a pipe', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => (sim = await startSimulator(SCENARIO())));
  afterAll(async () => sim?.close());

  test('a pipe is written by a libuv thread; a socket or a file keeps process.stdout', () => {
    expect(pickedFor('"$0" "$@" | cat')).toBe('WriteStream');
    expect(pickedFor('"$0" "$@" > /dev/null')).toBe('process.stdout');
    const file = path.join(tempDir('concur-pipe-'), 'out');
    expect(pickedFor(`"$0" "$@" > ${JSON.stringify(file)}`)).toBe(
      'process.stdout'
    );
    expect(pickedFor()).toBe('process.stdout');
  });

  test('a read through a pipe prints the same lines as through a socket', async () => {
    const cat = catalog({
      extract_file_rows: 'incremental',
      sae_rows: 'incremental',
      extract_files: 'incremental',
    });
    const socket = await readSim(sim, cat);
    const pipe = await readSim(sim, cat, {stdoutPipe: true});
    expect([socket.code, pipe.code]).toEqual([0, 0]);
    // Far more than stdout may queue: the writers waited for the pipe many times.
    expect(pipe.stdout.length).toBeGreaterThan(4 * STDOUT_QUEUE_BYTES);
    const want = comparableLines(socket);
    const got = comparableLines(pipe);
    expect(got.length).toBe(want.length);
    const diff = got.findIndex((l, i) => l !== want[i]);
    expect([diff, got[diff]]).toEqual([-1, undefined]);
    // The last message (the final status) arrived before the exit.
    expect(pipe.messages.at(-1).trace.stream_status.status).toBe('COMPLETE');
  }, 60_000);

  test('a failing command through a pipe still prints its error trace before it exits', async () => {
    const res = await runCli(
      ['check', '--config', path.join(tempDir('concur-pipe-'), 'none.json')],
      {stdoutPipe: true}
    );
    expect(res.code).toBe(1);
    expect(errorCodes(res.messages)).toEqual(['CONFIG_FILE_UNREADABLE']);
  });

  test('spec through a pipe is the spec through a socket', async () => {
    const [socket, pipe] = await Promise.all([
      runCli(['spec']),
      runCli(['spec'], {stdoutPipe: true}),
    ]);
    expect(pipe.code).toBe(0);
    expect(pipe.stdout).toBe(socket.stdout);
  });
});
