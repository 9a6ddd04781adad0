import fs from 'fs';
import os from 'os';
import path from 'path';

import {catalog, runCli, tempFiles} from './helpers/cli';
import {
  baseScenario,
  configFor,
  SAE_DEF,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';

/** Downloaded bodies live in $TMPDIR/concur-extract-*; nothing may be left behind. */
describe('read: the temporary work folder', () => {
  let sim: SimulatorHandle;
  let tmp: string;
  let files: Record<string, string>;

  beforeAll(async () => {
    sim = await startSimulator(
      baseScenario([
        {
          id: SAE_DEF,
          name: 'SAE',
          jobs: [1, 2, 3].map((d) => ({
            id: `w$${d}`,
            status: 'Completed' as const,
            start_time: `2024-05-0${d}T00:00:00Z`,
            stop_time: `2024-05-0${d}T00:01:00Z`,
            file: {sae_v3: {details: 400, seed: d}},
          })),
        },
      ])
    );
    files = tempFiles({
      config: configFor(sim),
      catalog: catalog({extract_file_rows: 'incremental'}),
    });
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'workdir-test-'));
  });
  afterEach(() => fs.rmSync(tmp, {recursive: true, force: true}));

  const workDirs = (): string[] =>
    fs.readdirSync(tmp).filter((n) => n.startsWith('concur-extract-'));
  const read = (opts = {}) =>
    runCli(['read', '--config', files.config, '--catalog', files.catalog], {
      env: {TMPDIR: tmp},
      ...opts,
    });

  test('a finished sync removes its folder, and the folders of killed syncs older than a day', async () => {
    const stale = path.join(tmp, 'concur-extract-killed');
    const recent = path.join(tmp, 'concur-extract-running');
    for (const d of [stale, recent]) fs.mkdirSync(d);
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3_600_000);
    fs.utimesSync(stale, twoDaysAgo, twoDaysAgo);
    const res = await read();
    expect(res.code).toBe(0);
    expect(workDirs()).toEqual(['concur-extract-running']);
  });

  test('SIGTERM mid-sync (Airbyte cancelling) removes the folder before the process ends', async () => {
    const res = await read({
      killWhen: (m: any) => m.type === 'RECORD',
      killSignal: 'SIGTERM',
    });
    // An explicit exit (as PID 1 must): 128 + SIGTERM's number.
    expect(res.code).toBe(143);
    expect(workDirs()).toEqual([]);
  });
});
