/**
 * Crash and resume: the connector is killed with SIGKILL mid-sync, then run
 * again from the last state it emitted (the latest STATE per stream, as
 * Airbyte passes it). Everything the killed run printed counts as delivered
 * (Airbyte may have committed it). The union of both runs must be the full row
 * set of an uninterrupted sync, and the only rows delivered twice must belong
 * to the one job that was in flight when the process died.
 */
import {nextState, records} from './helpers/cli';
import {
  countByJob,
  job,
  report,
  rowKey,
  rowsByKey,
  streamStateOf,
  sync,
  SyncResult,
  traces,
} from './helpers/reliability';
import {
  baseScenario,
  configFor,
  OTHER_DEF,
  SAE_DEF,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';

/** Jobs large enough (hundreds of rows, several 256 KB output chunks each) to be killed inside. */
function scenario() {
  return baseScenario([
    {
      id: SAE_DEF,
      name: 'Standard Accounting Extract',
      jobs: [
        job('a$p1', 1, {sae_v3: {details: 300, seed: 1}}),
        job('a$p2', 2, {
          zip: [
            {name: 'x/one.txt', file: {sae_v3: {details: 250, seed: 2}}},
            {name: 'x/two.txt', file: {sae_v3: {details: 250, seed: 3}}},
          ],
        }),
        job('a$p3', 3, {sae_v3: {details: 300, seed: 4}}),
      ],
    },
    {
      id: OTHER_DEF,
      name: 'European Extract',
      jobs: [
        job('b$p1', 1, {sae_v3: {details: 400, seed: 5}}),
        job('b$p2', 2, {prae: {details: 300, seed: 6}}),
      ],
    },
  ]);
}

const isFileRowsState = (m: any): boolean =>
  m.type === 'STATE' &&
  m.state.stream.stream_descriptor.name === 'extract_file_rows';

const rowsOfJob = (all: any[], jobId: string): number =>
  all.filter(
    (m) =>
      m.type === 'RECORD' &&
      m.record.stream === 'extract_file_rows' &&
      m.record.data.job_id === jobId
  ).length;

interface KillPoint {
  name: string;
  killWhen: (msg: any, all: any[], total: Map<string, number>) => boolean;
}

const KILL_POINTS: KillPoint[] = [
  {
    name: 'on the first file row (before any extract_file_rows checkpoint)',
    killWhen: (m) =>
      m.type === 'RECORD' && m.record.stream === 'extract_file_rows',
  },
  {
    name: 'right after extract_file_rows checkpoint 1',
    killWhen: (m, all) =>
      isFileRowsState(m) && all.filter(isFileRowsState).length === 1,
  },
  {
    name: 'mid-way through job 2 (inside the first entry of a two-entry ZIP)',
    killWhen: (m, all, total) =>
      m.type === 'RECORD' && rowsOfJob(all, 'a$p2') >= total.get('a$p2')! / 4,
  },
  {
    name: 'mid-way through the second definition, after the first is complete',
    killWhen: (m, all, total) =>
      m.type === 'RECORD' && rowsOfJob(all, 'b$p1') >= total.get('b$p1')! / 2,
  },
];

describe('crash (SIGKILL) and resume from the last emitted state', () => {
  let sim: SimulatorHandle;
  let full: SyncResult;
  let fullRows: Map<string, any>;
  let total: Map<string, number>;
  const figures: string[] = [];

  beforeAll(async () => {
    sim = await startSimulator(scenario());
    full = await sync(configFor(sim));
    fullRows = rowsByKey(full.messages);
    total = countByJob(fullRows.values());
  });
  afterAll(async () => {
    await sim?.close();
    report(`crash and resume:\n${figures.join('\n')}`);
  });

  test('the uninterrupted sync (the reference) reads 1,806 rows in 5 jobs', () => {
    expect(full.code).toBe(0);
    expect(fullRows.size).toBe(1806);
    expect([...total]).toEqual([
      ['a$p1', 301],
      ['a$p2', 502],
      ['a$p3', 301],
      ['b$p1', 401],
      ['b$p2', 301],
    ]);
  });

  test.each(KILL_POINTS)('killed $name', async ({name, killWhen}) => {
    const killed = await sync(configFor(sim), {
      killWhen: (m, all) => killWhen(m, all, total),
      noValidate: true,
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(traces(killed.messages)).toEqual([]);
    const resumeState = nextState(killed.messages);
    const cursor = streamStateOf(killed.messages, 'extract_file_rows') ?? {};

    const resumed = await sync(configFor(sim), {state: resumeState});
    expect(resumed.code).toBe(0);
    expect(traces(resumed.messages)).toEqual([]);
    // A finished run removes its work folder (a killed one cannot).
    expect(resumed.tmpLeftovers).toEqual([]);

    // No row lost, every value as in the uninterrupted sync.
    const first = records(killed.messages, 'extract_file_rows');
    const second = rowsByKey(resumed.messages);
    const union = new Map<string, any>();
    for (const r of [...first, ...second.values()]) union.set(rowKey(r), r);
    expect([...union.keys()].sort()).toEqual([...fullRows.keys()].sort());
    for (const [k, r] of union)
      expect(JSON.stringify(r)).toBe(JSON.stringify(fullRows.get(k)));

    // Duplicates: only rows of the job in flight, at most that job's rows.
    const dups = first.filter((r) => second.has(rowKey(r)));
    const dupJobs = [...countByJob(dups)];
    const jobsInFirst = [...countByJob(first)];
    const inFlight = jobsInFirst.length
      ? jobsInFirst[jobsInFirst.length - 1][0]
      : undefined;
    expect(dupJobs.every(([id]) => id === inFlight)).toBe(true);
    if (inFlight) expect(dups.length).toBeLessThanOrEqual(total.get(inFlight)!);
    // The resumed run re-reads no job the killed run's state says was complete.
    const reread = [...countByJob(second.values()).keys()];
    for (const [def, c] of Object.entries<any>(cursor)) {
      for (const id of c.ids_at_cursor) expect(reread).not.toContain(id);
      expect(def === SAE_DEF || def === OTHER_DEF).toBe(true);
    }
    // extract_jobs: the union is every job, each once in the killed run or the resumed one.
    const jobs = [
      ...records(killed.messages, 'extract_jobs'),
      ...records(resumed.messages, 'extract_jobs'),
    ].map((j) => j.id);
    expect(jobs.sort()).toEqual([...total.keys()].sort());

    figures.push(
      `  ${name}: killed run delivered ${first.length} rows ` +
        `(${jobsInFirst.map(([j, n]) => `${j} ${n}`).join(', ') || 'none'}), ` +
        `resumed run ${second.size}; duplicates ${dups.length}` +
        (dups.length
          ? ` (all of job ${inFlight}, which has ${total.get(inFlight!)} rows)`
          : ' (killed between two jobs)') +
        `; left in TMPDIR by the killed run: ${killed.tmpLeftovers.length} path(s)`
    );
  });
});
