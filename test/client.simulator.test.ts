/** The client against the independent Concur simulator (packages/concur-extract-simulator). */
import {
  Scenario,
  SimulatorHandle,
  startSimulator,
} from 'concur-extract-simulator';
import fs from 'fs';
import os from 'os';
import path from 'path';

import {ConcurClient} from '../src/concur/client';
import {Definition} from '../src/concur/types';
import {DataError} from '../src/errors';
import {
  FAST_RETRY,
  memoryLogger,
  refreshConfig,
  SECRETS,
  staticConfig,
} from './helpers/client';

const DEF_A = 'nYoPK$pZmcowMRUqcl5bnDAwwsMydyt$xd';
const DEF_B = 'Umj$swS19lpd7Sk$phUYl67wE1ss4Q$shu';
const STATIC = SECRETS.accessToken;

function scenario(extra: Partial<Scenario> = {}): Scenario {
  return {
    seed: 7,
    credentials: {
      clients: [
        {
          client_id: 'client-id-1',
          client_secret: SECRETS.clientSecret,
          refresh_tokens: [SECRETS.refreshToken],
        },
      ],
      static_tokens: [STATIC],
      rotate_refresh_tokens: true,
      expires_in_type: 'string',
    },
    // Links name Concur's host; the client must keep calling the simulator.
    link_base: 'https://www.concursolutions.com',
    definitions: [
      {
        id: DEF_A,
        name: 'Standard Accounting Extract',
        new_jobs: {
          queued_ms: 50,
          running_ms: 50,
          file: {text: 'EXTRACT|2024-01-13|0|0|1\n'},
        },
        jobs: [
          {
            id: 'jobOld$p1',
            status: 'Complete',
            start_time: '2024-01-01T10:00:00',
            stop_time: '2024-01-01T10:00:48.1234567',
          },
          {
            id: 'jobNew$p2',
            status: 'Completed',
            start_time: '2024-01-02T10:00:00Z',
            stop_time: '2024-01-02T10:00:48Z',
          },
        ],
      },
      {id: DEF_B, name: 'European Extract', jobs: []},
    ],
    quirks: {
      complete_spelling: 'mixed',
      time_without_z: 'mixed',
      fraction_digits: [0, 2, 7],
      whitespace_in_links: true,
      job_link_without_job_for: [DEF_B],
      xml_declaration: true,
    },
    ...extra,
  };
}

let sim: SimulatorHandle | undefined;
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concur-sim-'));
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  fs.rmSync(dir, {recursive: true, force: true});
});

async function connect(sc: Scenario, useStatic = false, retry = FAST_RETRY) {
  sim = await startSimulator(sc, {port: 0});
  const logger = memoryLogger();
  const rotated: string[] = [];
  const config = useStatic ? staticConfig(sim.url) : refreshConfig(sim.url);
  const client = ConcurClient.create(config, {
    logger,
    retry,
    onRefreshTokenRotated: (t) => rotated.push(t),
  });
  return {client, logger, rotated, sim};
}

const byName = (defs: Definition[], name: string): Definition =>
  defs.find((d) => d.name === name)!;

describe('against the simulator', () => {
  it('reads definitions and jobs with every documented quirk, calling only the simulator', async () => {
    const {client, sim: s} = await connect(scenario());
    const defs = await client.listDefinitions();
    expect(defs.map((d) => d.id).sort()).toEqual([DEF_A, DEF_B].sort());
    const eu = byName(defs, 'European Extract');
    expect(eu.jobLink).toBe(
      `https://www.concursolutions.com/api/expense/extract/v1.0/${DEF_B}/job`
    );
    expect(await client.listJobs(eu)).toEqual([]);

    const jobs = await client.listJobs(
      byName(defs, 'Standard Accounting Extract')
    );
    expect(jobs.map((j) => [j.id, j.status, j.stopTime])).toEqual([
      ['jobNew$p2', 'Completed', '2024-01-02T10:00:48.000Z'],
      [
        'jobOld$p1',
        'Completed',
        expect.stringMatching(/^2024-01-01T10:00:48\.\d{3}Z$/),
      ],
    ]);
    const again = await client.getJob(jobs[1]);
    expect(again.id).toBe('jobOld$p1');
    expect(
      s.requests.every(
        (r) =>
          r.authorization === `Bearer ${s.issuedAccessTokens()[0]}` ||
          r.path === '/oauth2/v0/token'
      )
    ).toBe(true);
  });

  it('starts a job, gets 409 for a second, waits for it and downloads its file', async () => {
    const {client} = await connect(scenario());
    const def = byName(
      await client.listDefinitions(),
      'Standard Accounting Extract'
    );
    const started = await client.startJob(def);
    if (started.conflict) throw new Error('expected a new job');
    expect(started.job.status).toBe('Queued');
    expect(await client.startJob(def)).toEqual({conflict: true});
    let job = started.job;
    for (
      let i = 0;
      i < 100 && (job.status === 'Queued' || job.status === 'Running');
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
      job = await client.getJob(job);
    }
    expect(job.status).toBe('Completed');
    const dest = path.join(dir, 'file');
    const res = await client.downloadFile(job, dest);
    expect(fs.readFileSync(dest, 'utf8')).toBe('EXTRACT|2024-01-13|0|0|1\n');
    expect(res.bytes).toBe(25);
  });

  it('refreshes on expired tokens and reports every rotated refresh token', async () => {
    const sc = scenario({faults: {expire_token_every: 2}});
    const {client, rotated, sim: s} = await connect(sc);
    const def = byName(
      await client.listDefinitions(),
      'Standard Accounting Extract'
    );
    for (let i = 0; i < 4; i++) await client.listJobs(def);
    expect(s.issuedAccessTokens().length).toBeGreaterThan(1);
    expect(rotated).toEqual(s.issuedRefreshTokens());
  });

  it('survives 429/5xx and bodies cut mid-way', async () => {
    const sc = scenario({
      faults: {
        seed: 3,
        rate_429: 0.2,
        rate_503: 0.2,
        reset_mid_body: 0.3,
        max_faults: 6,
      },
    });
    const {client, logger} = await connect(sc, false, {
      ...FAST_RETRY,
      maxAttempts: 8,
    });
    const def = byName(
      await client.listDefinitions(),
      'Standard Accounting Extract'
    );
    const [job] = await client.listJobs(def);
    const dest = path.join(dir, 'file');
    await client.downloadFile(job, dest);
    const again = path.join(dir, 'again');
    await client.downloadFile(job, again);
    expect(fs.readFileSync(dest).equals(fs.readFileSync(again))).toBe(true);
    expect(
      logger.lines.filter((l) => l.startsWith('WARN')).length
    ).toBeGreaterThan(0);
  });

  it('refuses entity declarations and malformed XML as data errors', async () => {
    for (const faults of [{xml_entity: 1}, {malformed_xml: 1}]) {
      const {client} = await connect(scenario({faults}), true);
      await expect(client.listDefinitions()).rejects.toThrow(DataError);
      await expect(client.listDefinitions()).rejects.toMatchObject({
        code: 'CONCUR_ANSWER_INVALID',
      });
      await sim!.close();
      sim = undefined;
    }
  });

  it('works with a static token', async () => {
    const {client, sim: s} = await connect(scenario(), true);
    await client.listDefinitions();
    expect(s.requests[0].authorization).toBe(`Bearer ${STATIC}`);
  });
});
