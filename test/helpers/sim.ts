import {
  FileSpec,
  Scenario,
  ScenarioJob,
  SimulatorHandle,
  startSimulator,
} from 'concur-extract-simulator';

import {CliResult, runCli, tempFiles} from './cli';
import {expectValidRun} from './protocol';

export const CLIENT = {
  client_id: 'demo-client',
  client_secret: 'demo-client-secret-8f2k',
};
export const REFRESH_TOKEN = 'refresh-token-0a9d8c7b6a';
export const STATIC_TOKEN = 'static-access-token-5e4d3c';
export const COMPANY = {
  username: '0c7d1a2b-3e4f-4a5b-8c9d-0e1f2a3b4c5d',
  password: 'company-request-token-77aa',
};
export const USER = {
  username: 'admin@example.com',
  password: 'user-password-99zz',
};

export const SAE_DEF = 'nYoPK$pZmcowMRUqcl5bnDAwwsMydyt$xd';
export const OTHER_DEF = 'Umj$swS19lpd7Sk$phUYl67wE1ss4Q$shu';
export const PRAE_DEF = 'gWikjBezeKtwKBxM3tK7FajSPu0ATF0sqTg';

/** A Completed job that ran on 2024-02-<day> from 06:00:00 to 06:00:48 UTC, serving `file`. */
export const completedJob = (
  id: string,
  day: number,
  file: FileSpec,
  extra: Partial<ScenarioJob> = {}
): ScenarioJob => ({
  id,
  status: 'Completed',
  start_time: `2024-02-${String(day).padStart(2, '0')}T06:00:00Z`,
  stop_time: `2024-02-${String(day).padStart(2, '0')}T06:00:48Z`,
  file,
  ...extra,
});

/** Credentials the simulator accepts, plus whatever the scenario adds. */
export function baseScenario(
  definitions: Scenario['definitions'],
  extra: Partial<Scenario> = {}
): Scenario {
  return {
    seed: 7,
    ...extra,
    credentials: {
      clients: [
        {
          ...CLIENT,
          refresh_tokens: [REFRESH_TOKEN],
          users: [
            {...USER, credtype: 'password'},
            {...COMPANY, credtype: 'authtoken'},
          ],
        },
      ],
      static_tokens: [STATIC_TOKEN],
      ...extra.credentials,
    },
    definitions,
  };
}

export type CredKind = 'refresh' | 'password' | 'company' | 'static';

export function credentials(kind: CredKind): object {
  switch (kind) {
    case 'refresh':
      return {
        auth_type: 'oauth2_refresh_token',
        ...CLIENT,
        refresh_token: REFRESH_TOKEN,
      };
    case 'password':
      return {
        auth_type: 'oauth2_password',
        ...CLIENT,
        ...USER,
        credtype: 'password',
      };
    case 'company':
      return {
        auth_type: 'oauth2_password',
        ...CLIENT,
        ...COMPANY,
        credtype: 'authtoken',
      };
    case 'static':
      return {
        auth_type: 'access_token',
        access_token: STATIC_TOKEN,
        token_scheme: 'Bearer',
      };
  }
}

/** A config pointing the connector at the simulator (the token's geolocation is the simulator). */
export function configFor(
  sim: SimulatorHandle,
  kind: CredKind = 'refresh',
  extra: object = {}
): object {
  return {credentials: credentials(kind), oauth_base_url: sim.url, ...extra};
}

export {startSimulator};
export type {FileSpec, Scenario, ScenarioJob, SimulatorHandle};

/** Starts a simulator and writes config/catalog/state files for one test. */
export async function withSimulator(
  scenario: Scenario
): Promise<{sim: SimulatorHandle; files: typeof tempFiles}> {
  const sim = await startSimulator(scenario);
  return {sim, files: tempFiles};
}

/** All secrets the tests' configs contain, for leak scans. */
export const CONFIG_SECRETS = [
  CLIENT.client_secret,
  REFRESH_TOKEN,
  STATIC_TOKEN,
  COMPANY.password,
  USER.password,
];

export interface ReadOptions {
  /** The state to pass with --state (as Airbyte passes it, or a legacy object). */
  state?: unknown;
  /** Config properties added to the simulator config. */
  config?: object;
  credentials?: CredKind;
  env?: Record<string, string>;
  /** stdout is a pipe, as under the Airbyte platform (see runCli). */
  stdoutPipe?: boolean;
}

/** `bin/main read` against the simulator; every stdout message is checked against the protocol. */
export async function readSim(
  sim: SimulatorHandle,
  cat: object,
  opts: ReadOptions = {}
): Promise<CliResult> {
  const {state} = opts;
  const files = tempFiles({
    config: configFor(sim, opts.credentials ?? 'refresh', opts.config ?? {}),
    catalog: cat,
    ...(state ? {state} : {}),
  });
  const args = ['read', '--config', files.config, '--catalog', files.catalog];
  if (state) args.push('--state', files.state);
  const res = await runCli(args, {
    env: opts.env,
    stdoutPipe: opts.stdoutPipe,
  });
  expectValidRun(res);
  return res;
}
