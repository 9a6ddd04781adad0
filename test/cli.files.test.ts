import fs from 'fs';

import {
  catalog,
  errorCodes,
  errorTraces,
  runCli,
  tempFiles,
} from './helpers/cli';
import {expectValidRun} from './helpers/protocol';

const PKG = JSON.parse(fs.readFileSync(`${__dirname}/../package.json`, 'utf8'));

describe('config, catalog and state files: a config_error naming the file, no stack trace, from every command', () => {
  const files = tempFiles({
    notJson: '{"credentials": {"client_secret": "s3cr3t-in-a-broken-file"',
    catalog: catalog({extract_jobs: 'incremental'}),
    config: {credentials: {auth_type: 'access_token', access_token: 'x'}},
  });
  afterAll(() => fs.rmSync(files.dir, {recursive: true, force: true}));
  const missing = `${files.dir}/missing.json`;
  const cases: [string, string[], string][] = [
    ['check, missing config', ['check', '--config', missing], missing],
    [
      'check, config not JSON',
      ['check', '--config', files.notJson],
      files.notJson,
    ],
    ['discover, missing config', ['discover', '--config', missing], missing],
    [
      'discover, config not JSON',
      ['discover', '--config', files.notJson],
      files.notJson,
    ],
    [
      'read, missing config',
      ['read', '--config', missing, '--catalog', files.catalog],
      missing,
    ],
    [
      'read, catalog not JSON',
      ['read', '--config', files.config, '--catalog', files.notJson],
      files.notJson,
    ],
    [
      'read, missing state',
      [
        'read',
        '--config',
        files.config,
        '--catalog',
        files.catalog,
        '--state',
        missing,
      ],
      missing,
    ],
    [
      'read, unreadable (a folder) catalog',
      ['read', '--config', files.config, '--catalog', files.dir],
      files.dir,
    ],
  ];

  test.each(cases)('%s', async (_name, args, file) => {
    const res = await runCli(args);
    expect(res.code).toBe(1);
    expectValidRun(res);
    expect(errorCodes(res.messages)).toEqual(['CONFIG_FILE_UNREADABLE']);
    const [error] = errorTraces(res.messages);
    expect(error.failure_type).toBe('config_error');
    expect(error.message).toContain(file);
    expect(res.stdout + res.stderr).not.toMatch(/\n\s+at |Cannot find module/);
    // Node quotes the text around a JSON error: a broken config's secret must not come with it.
    expect(res.stdout + res.stderr).not.toContain('s3cr3t-in-a-broken-file');
  });
});

test('a catalog whose entries name no stream: one config_error CATALOG_INVALID of the whole sync', async () => {
  const files = tempFiles({
    config: {credentials: {auth_type: 'access_token', access_token: 'x'}},
    catalog: {streams: [{sync_mode: 'full_refresh'}]},
  });
  const res = await runCli([
    'read',
    '--config',
    files.config,
    '--catalog',
    files.catalog,
  ]);
  fs.rmSync(files.dir, {recursive: true, force: true});
  expect(res.code).toBe(1);
  expectValidRun(res);
  expect(errorCodes(res.messages)).toEqual(['CATALOG_INVALID']);
  expect(errorTraces(res.messages)[0].stream_descriptor).toBeUndefined();
});

describe('the connector identity', () => {
  test('--version prints the package version', async () => {
    const res = await runCli(['--version']);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(PKG.version);
  });

  test("--help lists this connector's commands and options only", async () => {
    const res = await runCli(['--help']);
    expect(res.code).toBe(0);
    const commands = [...res.stdout.matchAll(/^ {2}(\w[\w-]*)/gm)].map(
      (m) => m[1]
    );
    expect(commands).toEqual(['spec', 'check', 'discover', 'read', 'help']);
    expect(res.stdout).not.toMatch(/spec-pretty|airbyte-local-cli-wizard/);
    const read = await runCli(['read', '--help']);
    const options = [...read.stdout.matchAll(/^ {2}(--?[\w-]+)/gm)].map(
      (m) => m[1]
    );
    expect(options).toEqual(['--config', '--catalog', '--state', '-h']);
  });

  test('read logs the connector version', async () => {
    const files = tempFiles({
      config: {
        credentials: {auth_type: 'access_token', access_token: 'x'},
        api_base_url: 'http://127.0.0.1:1',
      },
      catalog: catalog({extract_definitions: 'full_refresh'}),
    });
    const res = await runCli(
      ['read', '--config', files.config, '--catalog', files.catalog],
      {
        env: {CONCUR_RETRY_BASE_DELAY_MS: '1', CONCUR_RETRY_MAX_DELAY_MS: '1'},
      }
    );
    const logs = res.messages
      .filter((m) => m.type === 'LOG')
      .map((m) => m.log.message);
    expect(logs).toContain(`Source version: ${PKG.version}`);
  });
});
