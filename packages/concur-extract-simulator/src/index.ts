/**
 * Concur Extract API simulator — programmatic API.
 *
 * Independent of the connector: imports only node built-ins, yazl and its own files.
 */
import * as http from 'http';
import {AddressInfo} from 'net';
import * as path from 'path';

import {AuthServer} from './auth';
import {FaultInjector} from './faults';
import {Clock, JobStore} from './jobs';
import {RecordedRequest} from './respond';
import {
  defaultSamplesDir,
  Faults,
  loadScenarioFile,
  Scenario,
  ScenarioJob,
  validateJob,
  validateScenario,
} from './scenario';
import {createHandler, newRng, SimulatorState} from './server';

export {buildPraeFile, writePraeFile} from './prae';
export type {RecordedRequest} from './respond';
export {buildSaeFile, writeSaeFile} from './sae';
export type {
  Faults,
  FileSpec,
  JobStatus,
  Quirks,
  Scenario,
  ScenarioCredentials,
  ScenarioDefinition,
  ScenarioJob,
  ZipEntrySpec,
} from './scenario';
export {loadScenarioFile, ScenarioError, validateScenario} from './scenario';
export {API_BASE, TOKEN_PATH} from './server';

export interface SimulatorOptions {
  /** Default 0 = a random free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface SimulatorHandle {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  close(): Promise<void>;
  /** Every request in arrival order (`/__sim/*` control calls are not recorded). */
  requests: RecordedRequest[];
  issuedAccessTokens(): string[];
  issuedRefreshTokens(): string[];
  /** Add a finished or unfinished job to a definition (listings stay newest first by start time). */
  addJob(definitionId: string, job: ScenarioJob): void;
  /** Change fault settings at run time (merged into the current ones). */
  setFault(f: Partial<Faults>): void;
  /** Move the simulator clock forward (job lifecycles and token expiry); real time keeps running. */
  advanceClock(ms: number): void;
}

/** Start a simulator for a scenario object or a path to a scenario JSON file. */
export async function startSimulator(
  scenario: Scenario | string,
  opts: SimulatorOptions = {}
): Promise<SimulatorHandle> {
  const baseDir =
    typeof scenario === 'string'
      ? path.dirname(path.resolve(scenario))
      : process.cwd();
  const sc =
    typeof scenario === 'string'
      ? loadScenarioFile(scenario)
      : validateScenario(scenario, baseDir);
  const clock = new Clock();
  const rng = newRng(sc.seed);
  const state: SimulatorState = {
    scenario: sc,
    clock,
    jobs: new JobStore(
      sc.definitions,
      clock,
      rng,
      sc.quirks?.older_jobs_gone ?? false
    ),
    auth: new AuthServer(sc.credentials ?? {}, clock),
    faults: new FaultInjector(sc.faults ?? {}),
    requests: [],
    rng,
    samplesDir: sc.samples_dir ?? defaultSamplesDir(),
    baseDir,
    url: '',
    port: 0,
    fileCache: new Map(),
  };
  const server = http.createServer(createHandler(state));
  // downloads of large files must not be cut by the default timeouts
  server.requestTimeout = 0;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  state.port = port;
  state.url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url: state.url,
    port,
    requests: state.requests,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    issuedAccessTokens: () => state.auth.issuedAccessTokens(),
    issuedRefreshTokens: () => state.auth.issuedRefreshTokens(),
    addJob(definitionId, job) {
      state.jobs.add(definitionId, validateJob('addJob', job, baseDir));
    },
    setFault(f) {
      state.faults.update(f);
    },
    advanceClock(ms) {
      clock.advance(ms);
    },
  };
}
