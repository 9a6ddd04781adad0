/**
 * The image installs only production dependencies (`npm ci --omit=dev`), so
 * the four commands must never load a package the lock file marks as dev —
 * faros-js-client, which the CDK's package index would pull in, included.
 * Each command runs with a preload script that records every module Node
 * loaded; each package under node_modules must be a production one.
 */
import fs from 'fs';
import path from 'path';

import {catalog, ROOT, runCli, tempFiles} from './helpers/cli';
import {baseScenario, configFor, SAE_DEF, startSimulator} from './helpers/sim';
import {tempDir} from './helpers/temp';

const LOCK = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')
);

/** The package-lock key (`node_modules/a/node_modules/@b/c`) of the package a loaded file belongs to; undefined for the repo's own files. */
function packageOf(file: string): string | undefined {
  const rel = path.relative(ROOT, file).split(path.sep).join('/');
  const m = rel.match(/^((?:node_modules\/(?:@[^/]+\/)?[^/]+\/)*)/);
  const key = m?.[1]?.replace(/\/$/, '');
  return key ? key : undefined;
}

/**
 * debug (under axios's follow-redirects) requires supports-color inside a
 * try/catch and works without it; it is present here only because the dev
 * tools pull it in, and absent (and not missed) in a production install.
 */
const OPTIONAL = new Set([
  'node_modules/supports-color',
  'node_modules/has-flag',
]);

const PRELOAD = `process.on('exit', () => {
  require('fs').writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify(Object.keys(require.cache)));
});
`;

describe('run time loads production dependencies only', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let dir: string;
  let preload: string;

  beforeAll(async () => {
    sim = await startSimulator(
      baseScenario([
        {
          id: SAE_DEF,
          name: 'Standard Accounting Extract',
          jobs: [{status: 'Completed', file: {sae_v3: {details: 3}}}],
        },
      ])
    );
    dir = tempDir('concur-deps-');
    preload = path.join(dir, 'preload.js');
    fs.writeFileSync(preload, PRELOAD);
  });
  afterAll(() => sim.close());

  test('faros-js-client is a dev dependency', () => {
    expect(LOCK.packages['node_modules/faros-js-client'].dev).toBe(true);
    expect(LOCK.packages[''].dependencies).not.toHaveProperty(
      'faros-js-client'
    );
  });

  test.each(['spec', 'check', 'discover', 'read'])('%s', async (command) => {
    const files = tempFiles({
      config: configFor(sim),
      catalog: catalog({
        extract_definitions: 'full_refresh',
        extract_file_rows: 'full_refresh',
      }),
    });
    const args = [command];
    if (command !== 'spec') args.push('--config', files.config);
    if (command === 'read') args.push('--catalog', files.catalog);
    const loadedFile = path.join(dir, `${command}.json`);
    const res = await runCli(args, {
      env: {
        NODE_OPTIONS: `--require ${preload}`,
        LOADED_MODULES_FILE: loadedFile,
      },
    });
    expect(res.code).toBe(0);
    const loaded: string[] = JSON.parse(fs.readFileSync(loadedFile, 'utf8'));
    const packages = new Set(
      loaded.map(packageOf).filter((p): p is string => p !== undefined)
    );
    expect(packages.has('node_modules/faros-airbyte-cdk')).toBe(true);
    const dev = [...packages].filter(
      (p) => LOCK.packages[p]?.dev === true && !OPTIONAL.has(p)
    );
    expect(dev).toEqual([]);
    for (const p of packages) expect(LOCK.packages).toHaveProperty([p]);
  });
});
