/**
 * Every command's stdout, as CAT's runner reads it: one valid AirbyteMessage
 * per line, the one message each command is due (SPEC, CONNECTION_STATUS,
 * CATALOG) exactly once, exit codes, and no configured secret anywhere.
 */
import * as fs from 'fs';

import {errorTraces} from './helpers/cli';
import {
  command,
  configFile,
  DEMO_SCENARIO,
  DEMO_SECRETS,
  expectWellFormed,
  MODES,
  ofType,
  read,
  readTestFile,
  recordsOf,
  Run,
  runConnector,
  startDemo,
} from './helpers/conformance';
import {SimulatorHandle, startSimulator} from './helpers/sim';

const VALID_CONFIGS = [
  'config.json',
  'config_password.json',
  'config_company_token.json',
  'config_access_token.json',
];

describe.each(MODES)('protocol messages (%s mode)', (_mode, env) => {
  let sim: SimulatorHandle;
  const runs: Record<string, Run> = {};

  beforeAll(async () => {
    sim = await startDemo();
    runs.spec = await runConnector(['spec'], env);
    for (const name of [...VALID_CONFIGS, 'invalid_config.json'])
      runs[`check ${name}`] = await command(
        'check',
        configFile(name, sim),
        env
      );
    runs.discover = await command(
      'discover',
      configFile('config.json', sim),
      env
    );
    runs.read = await read(
      configFile('config.json', sim),
      readTestFile('full_configured_catalog.json'),
      env
    );
    runs.unknownStream = await read(
      configFile('config.json', sim),
      {
        streams: [
          {
            stream: {
              name: '__AIRBYTE__stream_that_does_not_exist',
              json_schema: {
                type: 'object',
                properties: {f1: {type: 'string'}},
              },
              supported_sync_modes: ['full_refresh'],
            },
            sync_mode: 'INVALID',
            destination_sync_mode: 'INVALID',
          },
        ],
      },
      env
    );
  });
  afterAll(() => sim.close());

  test('every stdout line of every command is one valid Airbyte message', () => {
    expect(Object.keys(runs)).toHaveLength(9);
    for (const [name, run] of Object.entries(runs)) {
      expect([name, run.nonJson, run.invalid]).toEqual([name, [], []]);
      expectWellFormed(run);
    }
  });

  test('spec: exactly one SPEC and nothing else, exit 0', () => {
    expect(runs.spec.code).toBe(0);
    expect(runs.spec.messages.map((m) => m.type)).toEqual(['SPEC']);
  });

  test.each(VALID_CONFIGS)(
    'check %s: exactly one CONNECTION_STATUS, SUCCEEDED, exit 0',
    (name) => {
      const run = runs[`check ${name}`];
      expect(run.code).toBe(0);
      const statuses = ofType(run, 'CONNECTION_STATUS');
      expect(statuses).toHaveLength(1);
      expect(statuses[0].connectionStatus).toMatchObject({status: 'SUCCEEDED'});
      expect(errorTraces(run.messages)).toEqual([]);
    }
  );

  test('check invalid_config.json: exactly one CONNECTION_STATUS, FAILED with a reason, exit 0', () => {
    const run = runs['check invalid_config.json'];
    expect(run.code).toBe(0);
    const statuses = ofType(run, 'CONNECTION_STATUS');
    expect(statuses).toHaveLength(1);
    expect(statuses[0].connectionStatus.status).toBe('FAILED');
    expect(statuses[0].connectionStatus.message).toMatch(/refresh token/i);
  });

  test('discover: exactly one CATALOG, exit 0', () => {
    expect(runs.discover.code).toBe(0);
    expect(ofType(runs.discover, 'CATALOG')).toHaveLength(1);
    expect(
      runs.discover.messages.filter((m) => !['CATALOG', 'LOG'].includes(m.type))
    ).toEqual([]);
  });

  test('read: records, states and logs; nothing a read is not due; exit 0; no error', () => {
    const run = runs.read;
    expect(run.code).toBe(0);
    const types = new Set(run.messages.map((m) => m.type));
    for (const t of ['LOG', 'RECORD', 'STATE']) expect(types).toContain(t);
    // Nothing a read is not due (stream-status/estimate TRACEs would be fine).
    expect(
      [...types].filter((t) => !['LOG', 'RECORD', 'STATE', 'TRACE'].includes(t))
    ).toEqual([]);
    expect(
      ofType(run, 'TRACE').filter((m) => m.trace.type === 'ERROR')
    ).toEqual([]);
    expect(
      ofType(run, 'LOG').filter((m) => ['ERROR', 'FATAL'].includes(m.log.level))
    ).toEqual([]);
    expect(recordsOf(run).every((r) => Number.isInteger(r.emitted_at))).toBe(
      true
    );
  });

  test('read with a catalog naming a stream that does not exist: TRACE error, non-zero exit', () => {
    const run = runs.unknownStream;
    expect(run.code).not.toBe(0);
    const errors = ofType(run, 'TRACE').filter((m) => m.trace.type === 'ERROR');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0].trace.error.internal_message).toMatch(/^STREAM_UNKNOWN:/);
    // The feature: the message names the stream.
    expect(errors[0].trace.error.message).toMatch(
      /__AIRBYTE__stream_that_does_not_exist/
    );
    expect(errors[0].trace.error.failure_type).toBe('config_error');
    expect(recordsOf(run)).toEqual([]);
  });

  test('no configured secret appears on stdout or stderr', () => {
    const leaks: string[] = [];
    for (const [name, run] of Object.entries(runs)) {
      for (const secret of DEMO_SECRETS) {
        if (run.stdout.includes(secret) || run.stderr.includes(secret))
          leaks.push(`${name}: ${secret}`);
      }
    }
    expect(leaks).toEqual([]);
    // The scan is not vacuous: the read logs the (redacted) config.
    expect(runs.read.stdout).toMatch(/client_secret[^,]*REDACTED/);
  });
});

describe.each(MODES)('refresh token rotation (%s mode)', (_mode, env) => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    const scenario = JSON.parse(fs.readFileSync(DEMO_SCENARIO, 'utf8'));
    scenario.credentials.rotate_refresh_tokens = true;
    sim = await startSimulator(scenario);
  });
  afterAll(() => sim.close());

  test('check emits one valid CONTROL carrying the new refresh token, which works next time', async () => {
    const config = configFile('config.json', sim);
    const first = await command('check', config, env);
    expectWellFormed(first);
    expect(ofType(first, 'CONNECTION_STATUS')).toEqual([
      expect.objectContaining({connectionStatus: {status: 'SUCCEEDED'}}),
    ]);
    const controls = ofType(first, 'CONTROL');
    expect(controls).toHaveLength(1);
    expect(controls[0].control.type).toBe('CONNECTOR_CONFIG');
    const stored = controls[0].control.connectorConfig.config;
    const [rotated] = sim.issuedRefreshTokens();
    expect(rotated).toEqual(expect.any(String));
    expect(stored).toEqual({
      ...config,
      credentials: {...(config as any).credentials, refresh_token: rotated},
    });
    // What the platform stores works for the next command.
    const next = await command('check', stored, env);
    expect(ofType(next, 'CONNECTION_STATUS')[0].connectionStatus.status).toBe(
      'SUCCEEDED'
    );
  });
});
