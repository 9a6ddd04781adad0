import {byType, runCli, tempFiles} from './helpers/cli';
import {expectValidRun} from './helpers/protocol';
import {
  baseScenario,
  CONFIG_SECRETS,
  configFor,
  OTHER_DEF,
  SAE_DEF,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';

async function check(
  config: object
): Promise<{status: any; all: any[]; stdout: string; stderr: string}> {
  const files = tempFiles({config});
  const res = await runCli(['check', '--config', files.config]);
  expect(res.code).toBe(0);
  expectValidRun(res);
  const statuses = byType(res.messages, 'CONNECTION_STATUS');
  expect(statuses).toHaveLength(1);
  return {
    status: statuses[0].connectionStatus,
    all: res.messages,
    stdout: res.stdout,
    stderr: res.stderr,
  };
}

describe('check (bin/main check) against the simulator', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator(
      baseScenario([
        {id: SAE_DEF, name: 'Standard Accounting Extract', jobs: []},
        {id: OTHER_DEF, name: 'European Extract', jobs: []},
      ])
    );
  });
  afterAll(() => sim.close());

  test.each(['refresh', 'password', 'company', 'static'] as const)(
    'succeeds with %s credentials',
    async (kind) => {
      const {status} = await check(
        configFor(sim, kind, kind === 'static' ? {api_base_url: sim.url} : {})
      );
      expect(status).toEqual({status: 'SUCCEEDED'});
    }
  );

  test('a definitions filter by name or id that exists', async () => {
    const {status} = await check(
      configFor(sim, 'refresh', {definitions: ['european extract', SAE_DEF]})
    );
    expect(status.status).toBe('SUCCEEDED');
  });

  test('a wrong secret fails with an actionable message and no secret', async () => {
    const config: any = configFor(sim, 'refresh');
    config.credentials.refresh_token = 'wrong-refresh-token-123';
    const {status, stdout, stderr} = await check(config);
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/refresh token/i);
    for (const s of [...CONFIG_SECRETS, 'wrong-refresh-token-123']) {
      expect(stdout + stderr).not.toContain(s);
    }
  });

  test('a wrong password on the password grant fails', async () => {
    const config: any = configFor(sim, 'password');
    config.credentials.password = 'not-the-password';
    const {status, stdout} = await check(config);
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/Concur|credential|password/i);
    expect(stdout).not.toContain('not-the-password');
  });

  test('an unreachable host fails naming it', async () => {
    const {status} = await check({
      ...configFor(sim),
      oauth_base_url: 'http://127.0.0.1:1',
    });
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/127\.0\.0\.1:1|connect|reach/i);
  });

  test('a non-loopback http:// URL is refused before any call', async () => {
    const {status} = await check({
      ...configFor(sim),
      api_base_url: 'http://www.concursolutions.com',
    });
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/api_base_url .*http:\/\/.*loopback/);
  });

  test('an unknown definition is named, with the available ones', async () => {
    const {status} = await check(
      configFor(sim, 'refresh', {definitions: ['Asian Extract']})
    );
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('"Asian Extract"');
    expect(status.message).toContain('"Standard Accounting Extract"');
    expect(status.message).toContain('"European Extract"');
  });
});
