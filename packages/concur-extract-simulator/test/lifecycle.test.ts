import {Scenario, SimulatorHandle, startSimulator} from '../src';

const DEF = 'nYoPK$pZmcowMRUqcl5bnDAwwsMydyt$xd';
const BASE = '/api/expense/extract/v1.0';
const AUTH = {Authorization: 'Bearer static-token'};

function scenario(
  newJobs: Scenario['definitions'][number]['new_jobs'] = {}
): Scenario {
  return {
    credentials: {static_tokens: ['static-token']},
    definitions: [
      {id: DEF, name: 'Standard Accounting Extract', new_jobs: newJobs},
    ],
  };
}

async function get(sim: SimulatorHandle, p: string) {
  const r = await fetch(p.startsWith('http') ? p : `${sim.url}${p}`, {
    headers: AUTH,
  });
  return {status: r.status, text: await r.text()};
}

const postJob = (sim: SimulatorHandle) =>
  fetch(`${sim.url}${BASE}/${DEF}/job`, {method: 'POST', headers: AUTH});
const tag = (xml: string, name: string) =>
  new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(
  sim: SimulatorHandle,
  url: string,
  status: string,
  timeoutMs = 5000
) {
  const seen: string[] = [];
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const s = tag((await get(sim, url)).text, 'status')!;
    if (seen[seen.length - 1] !== s) seen.push(s);
    if (s === status) return seen;
    await sleep(20);
  }
  throw new Error(`status ${status} not reached; saw ${seen.join(',')}`);
}

describe('job lifecycle', () => {
  test('POST → Queued → Running → Completed in real time', async () => {
    const sim = await startSimulator(
      scenario({
        queued_ms: 150,
        running_ms: 150,
        file: {sae_v3: {details: 3, seed: 1}},
      })
    );
    try {
      const r = await postJob(sim);
      expect(r.status).toBe(201);
      const jobUrl = r.headers.get('location')!;
      const queued = (await get(sim, jobUrl)).text;
      expect(tag(queued, 'status')).toBe('Queued');
      expect(queued).not.toContain('stop-time');
      expect(queued).not.toContain('file-link');
      expect((await get(sim, `${jobUrl}/file`)).status).toBe(404);
      expect((await postJob(sim)).status).toBe(409);
      const seen = await waitFor(sim, `${jobUrl}/status`, 'Completed');
      expect(seen).toEqual(['Queued', 'Running', 'Completed']);
      const done = (await get(sim, jobUrl)).text;
      const start = Date.parse(tag(done, 'start-time')!);
      const stop = Date.parse(tag(done, 'stop-time')!);
      expect(stop - start).toBe(300);
      const file = await get(sim, tag(done, 'file-link')!);
      expect(file.status).toBe(200);
      expect(file.text.startsWith('EXTRACT|')).toBe(true);
      // the definition is free again
      expect((await postJob(sim)).status).toBe(201);
    } finally {
      await sim.close();
    }
  });

  test('a failing job ends Failed with stop-time and no file-link', async () => {
    const sim = await startSimulator(
      scenario({queued_ms: 0, running_ms: 50, fail: true})
    );
    try {
      const jobUrl = (await postJob(sim)).headers.get('location')!;
      await waitFor(sim, jobUrl, 'Failed');
      const text = (await get(sim, jobUrl)).text;
      expect(text).toContain('<stop-time>');
      expect(text).not.toContain('file-link');
      expect((await get(sim, `${jobUrl}/file`)).status).toBe(404);
    } finally {
      await sim.close();
    }
  });

  test('the virtual clock drives lifecycles; POSTed jobs get distinct files', async () => {
    const sim = await startSimulator(
      scenario({
        queued_ms: 60_000,
        running_ms: 60_000,
        file: {sae_v3: {details: 2, batch_id: 10}},
      })
    );
    try {
      const first = (await postJob(sim)).headers.get('location')!;
      sim.advanceClock(60_000);
      expect(tag((await get(sim, first)).text, 'status')).toBe('Running');
      sim.advanceClock(60_000);
      expect(tag((await get(sim, first)).text, 'status')).toBe('Completed');
      const second = (await postJob(sim)).headers.get('location')!;
      sim.advanceClock(120_000);
      const a = (await get(sim, `${first}/file`)).text;
      const b = (await get(sim, `${second}/file`)).text;
      expect(a.split('\n')[0]).toMatch(/\|10$/);
      expect(b.split('\n')[0]).toMatch(/\|11$/);
      expect(a).not.toBe(b);
    } finally {
      await sim.close();
    }
  });

  test('addJob: unfinished jobs block POST; with durations they finish', async () => {
    const sim = await startSimulator(scenario());
    try {
      sim.addJob(DEF, {id: 'stuck$pJob', status: 'Running'});
      expect((await postJob(sim)).status).toBe(409);
      sim.advanceClock(365 * 24 * 3600 * 1000);
      expect(
        tag((await get(sim, `${BASE}/${DEF}/job/stuck$pJob`)).text, 'status')
      ).toBe('Running');

      const other = await startSimulator(scenario());
      try {
        other.addJob(DEF, {
          id: 'q$sJob',
          status: 'Queued',
          queued_ms: 1000,
          running_ms: 1000,
          file: {text: 'done'},
        });
        const url = `${BASE}/${DEF}/job/q$sJob`;
        expect(tag((await get(other, url)).text, 'status')).toBe('Queued');
        other.advanceClock(1000);
        expect(tag((await get(other, url)).text, 'status')).toBe('Running');
        other.advanceClock(1000);
        expect(tag((await get(other, url)).text, 'status')).toBe('Completed');
        expect((await get(other, `${url}/file`)).text).toBe('done');
      } finally {
        await other.close();
      }
    } finally {
      await sim.close();
    }
  });

  test('listing keeps the newest 100 by start time; equal start times: later added first', async () => {
    const sim = await startSimulator(scenario());
    try {
      for (let i = 0; i < 120; i++) {
        const t = new Date(Date.UTC(2024, 0, 1) + i * 3600_000).toISOString();
        sim.addJob(DEF, {
          id: `job${String(i).padStart(3, '0')}`,
          start_time: t,
        });
      }
      sim.addJob(DEF, {
        id: 'same$pA',
        start_time: '2025-01-01T00:00:00Z',
        stop_time: '2025-01-01T00:01:00Z',
      });
      sim.addJob(DEF, {
        id: 'same$pB',
        start_time: '2025-01-01T00:00:00Z',
        stop_time: '2025-01-01T00:01:00Z',
      });
      const list = (await get(sim, `${BASE}/${DEF}/job`)).text;
      const ids = [...list.matchAll(/<id>[^<]*\/job\/([^<]+)<\/id>/g)].map(
        (m) => m[1]
      );
      expect(ids).toHaveLength(100);
      expect(ids.slice(0, 3)).toEqual(['same$pB', 'same$pA', 'job119']);
      expect(ids[99]).toBe('job022');
      // jobs outside the window stay reachable by URL unless older_jobs_gone
      expect((await get(sim, `${BASE}/${DEF}/job/job000`)).status).toBe(200);
    } finally {
      await sim.close();
    }
    const gone = await startSimulator({
      ...scenario(),
      quirks: {older_jobs_gone: true},
    });
    try {
      for (let i = 0; i < 101; i++)
        gone.addJob(DEF, {
          id: `j${i}`,
          start_time: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
        });
      expect((await get(gone, `${BASE}/${DEF}/job/j0`)).status).toBe(404);
      expect((await get(gone, `${BASE}/${DEF}/job/j1`)).status).toBe(200);
    } finally {
      await gone.close();
    }
  });
});
