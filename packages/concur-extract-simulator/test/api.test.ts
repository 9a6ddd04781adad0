import {XMLValidator} from 'fast-xml-parser';
import * as path from 'path';

import {Scenario, SimulatorHandle, startSimulator} from '../src';

const DEF = 'nYoPK$pZmcowMRUqcl5bnDAwwsMydyt$xd';
const DEF2 = 'Umj$swS19lpd7Sk$phUYl67wE1ss4Q$shu';
const BASE = '/api/expense/extract/v1.0';
const NS = 'http://www.concursolutions.com/api/expense/extract/2010/02';
const STATIC = {Authorization: 'OAuth static-token'};

function baseScenario(extra: Partial<Scenario> = {}): Scenario {
  return {
    seed: 1,
    credentials: {
      clients: [
        {
          client_id: 'cid',
          client_secret: 'secret',
          refresh_tokens: ['rt-1'],
          users: [
            {username: 'admin@example.com', password: 'pw'},
            {
              username: 'company-uuid',
              password: 'request-token',
              credtype: 'authtoken',
            },
          ],
        },
      ],
      static_tokens: ['static-token'],
    },
    definitions: [
      {
        id: DEF,
        name: 'Standard Accounting Extract',
        jobs: [
          {
            id: 'old$pJob',
            status: 'Completed',
            start_time: '2024-01-12T18:30:02Z',
            stop_time: '2024-01-12T18:31:01Z',
          },
          {
            id: 'new$sJob',
            status: 'Completed',
            start_time: '2024-01-13T18:30:02Z',
            stop_time: '2024-01-13T18:30:50Z',
          },
          {
            id: 'failed$xJob',
            status: 'Failed',
            start_time: '2024-01-11T18:30:02Z',
            stop_time: '2024-01-11T18:30:09Z',
          },
        ],
      },
      {id: DEF2, name: 'AMEX Remittance - US & <Co>', jobs: []},
    ],
    ...extra,
  };
}

async function token(sim: SimulatorHandle, fields: Record<string, string>) {
  const r = await fetch(`${sim.url}/oauth2/v0/token`, {
    method: 'POST',
    headers: {'Content-Type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams(fields).toString(),
  });
  return {status: r.status, body: (await r.json()) as Record<string, any>};
}

const password = {
  grant_type: 'password',
  client_id: 'cid',
  client_secret: 'secret',
  username: 'admin@example.com',
  password: 'pw',
};

async function get(
  sim: SimulatorHandle,
  p: string,
  headers: Record<string, string> = STATIC
) {
  const r = await fetch(`${sim.url}${p}`, {headers});
  return {status: r.status, headers: r.headers, text: await r.text()};
}

function children(xml: string, parent: string): string[] {
  const m = new RegExp(`<${parent}(?:\\s[^>]*)?>([\\s\\S]*?)</${parent}>`).exec(
    xml
  );
  return [...(m?.[1] ?? '').matchAll(/<([a-z-]+)>/g)].map((x) => x[1]);
}

describe('token endpoint', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => (sim = await startSimulator(baseScenario())));
  afterAll(() => sim.close());

  test('password grant (password and authtoken credtype)', async () => {
    const r = await token(sim, password);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'EXTRCT',
      geolocation: sim.url,
    });
    for (const k of ['access_token', 'refresh_token', 'id_token'])
      expect(typeof r.body[k]).toBe('string');
    expect(r.body.refresh_expires_in).toBeGreaterThan(Date.now() / 1000);
    const c = await token(sim, {
      ...password,
      username: 'company-uuid',
      password: 'request-token',
      credtype: 'authtoken',
    });
    expect(c.status).toBe(200);
    expect(sim.issuedAccessTokens()).toEqual([
      r.body.access_token,
      c.body.access_token,
    ]);
    expect(sim.issuedRefreshTokens()).toEqual([
      r.body.refresh_token,
      c.body.refresh_token,
    ]);
    const api = await get(sim, `${BASE}/`, {
      Authorization: `Bearer ${c.body.access_token}`,
    });
    expect(api.status).toBe(200);
  });

  test('errors', async () => {
    const bad = await token(sim, {...password, password: 'nope'});
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({
      error: 'invalid_grant',
      error_description: 'Incorrect Credentials. Please Retry',
      code: 5,
    });
    // an authtoken user cannot log in with credtype password
    expect(
      (
        await token(sim, {
          ...password,
          username: 'company-uuid',
          password: 'request-token',
        })
      ).status
    ).toBe(401);
    expect((await token(sim, {...password, client_secret: 'x'})).status).toBe(
      401
    );
    const rt = await token(sim, {
      grant_type: 'refresh_token',
      client_id: 'cid',
      client_secret: 'secret',
      refresh_token: 'nope',
    });
    expect(rt.status).toBe(400);
    expect(rt.body).toMatchObject({
      error: 'invalid_grant',
      error_description: 'bad or expired refresh token',
      code: 108,
    });
    expect(
      (
        await token(sim, {
          grant_type: 'client_magic',
          client_id: 'cid',
          client_secret: 'secret',
        })
      ).status
    ).toBe(400);
    const getToken = await fetch(`${sim.url}/oauth2/v0/token`);
    expect(getToken.status).toBe(405);
  });

  test('refresh without rotation returns the same refresh token', async () => {
    const r = await token(sim, {
      grant_type: 'refresh_token',
      client_id: 'cid',
      client_secret: 'secret',
      refresh_token: 'rt-1',
    });
    expect(r.status).toBe(200);
    expect(r.body.refresh_token).toBe('rt-1');
    const again = await token(sim, {
      grant_type: 'refresh_token',
      client_id: 'cid',
      client_secret: 'secret',
      refresh_token: 'rt-1',
    });
    expect(again.status).toBe(200);
  });
});

describe('token expiry and rotation', () => {
  test.each([401, 403] as const)(
    'expired access token answers %d; static tokens never expire',
    async (status) => {
      const sim = await startSimulator(
        baseScenario({
          credentials: {
            ...baseScenario().credentials,
            access_token_ttl_seconds: 60,
            expired_status: status,
          },
        })
      );
      try {
        const t = (await token(sim, password)).body.access_token;
        const auth = {Authorization: `Bearer ${t}`};
        expect((await get(sim, `${BASE}/`, auth)).status).toBe(200);
        sim.advanceClock(61_000);
        const expired = await get(sim, `${BASE}/`, auth);
        expect(expired.status).toBe(status);
        expect(expired.text).toContain('<Error>');
        expect(
          (await get(sim, `${BASE}/`, {Authorization: 'Bearer unknown'})).status
        ).toBe(status);
        sim.advanceClock(400 * 24 * 3600 * 1000);
        expect((await get(sim, `${BASE}/`)).status).toBe(200);
      } finally {
        await sim.close();
      }
    }
  );

  test('short real-time TTL expires too', async () => {
    const sim = await startSimulator(
      baseScenario({
        credentials: {
          ...baseScenario().credentials,
          access_token_ttl_seconds: 0.2,
          expires_in_type: 'string',
        },
      })
    );
    try {
      const r = await token(sim, password);
      expect(r.body.expires_in).toBe('1');
      await new Promise((res) => setTimeout(res, 250));
      expect(
        (
          await get(sim, `${BASE}/`, {
            Authorization: `Bearer ${r.body.access_token}`,
          })
        ).status
      ).toBe(401);
    } finally {
      await sim.close();
    }
  });

  test('rotation issues a new refresh token and invalidates the old one', async () => {
    const sim = await startSimulator(
      baseScenario({
        credentials: {
          ...baseScenario().credentials,
          rotate_refresh_tokens: true,
        },
      })
    );
    try {
      const refresh = (rt: string) =>
        token(sim, {
          grant_type: 'refresh_token',
          client_id: 'cid',
          client_secret: 'secret',
          refresh_token: rt,
        });
      const first = await refresh('rt-1');
      expect(first.status).toBe(200);
      expect(first.body.refresh_token).not.toBe('rt-1');
      expect((await refresh('rt-1')).body.code).toBe(108);
      const second = await refresh(first.body.refresh_token);
      expect(second.status).toBe(200);
      expect((await refresh(first.body.refresh_token)).status).toBe(400);
      expect(sim.issuedRefreshTokens()).toEqual([
        first.body.refresh_token,
        second.body.refresh_token,
      ]);
    } finally {
      await sim.close();
    }
  });
});

describe('Extract API documents', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => (sim = await startSimulator(baseScenario())));
  afterAll(() => sim.close());

  test('authorization: missing, malformed, unknown; Bearer and OAuth schemes', async () => {
    const missing = await get(sim, `${BASE}/`, {});
    expect(missing.status).toBe(401);
    expect(missing.text).toMatch(
      /<Error>\s*<Message>[^<]+<\/Message>\s*<Server-Time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d<\/Server-Time>\s*<Id>[0-9A-F-]{36}<\/Id>\s*<\/Error>/
    );
    expect(
      (await get(sim, `${BASE}/`, {Authorization: 'Basic abc'})).status
    ).toBe(401);
    expect(
      (await get(sim, `${BASE}/`, {Authorization: 'Bearer static-token'}))
        .status
    ).toBe(200);
    expect(
      (await get(sim, `${BASE}`, {Authorization: 'oauth static-token'})).status
    ).toBe(200);
  });

  test('definitions list', async () => {
    const r = await get(sim, `${BASE}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(XMLValidator.validate(r.text)).toBe(true);
    expect(r.text).toContain(`<definitions xmlns="${NS}">`);
    expect(children(r.text, 'definition')).toEqual(['id', 'job-link', 'name']);
    expect(r.text).toContain(`<id>${sim.url}${BASE}/${DEF}</id>`);
    expect(r.text).toContain(
      `<job-link>${sim.url}${BASE}/${DEF}/job</job-link>`
    );
    expect(r.text).toContain(
      '<name>AMEX Remittance - US &amp; &lt;Co&gt;</name>'
    );
  });

  test('one definition (literal $ and %24)', async () => {
    for (const id of [DEF, encodeURIComponent(DEF)]) {
      const r = await get(sim, `${BASE}/${id}`);
      expect(r.status).toBe(200);
      expect(r.text).toContain(
        `<definition xmlns="${NS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">`
      );
      expect(children(r.text, 'definition')).toEqual([
        'id',
        'name',
        'job-link',
      ]);
    }
  });

  test('jobs list: newest first, element order, stop-time/file-link only when finished', async () => {
    const r = await get(sim, `${BASE}/${DEF}/job`);
    expect(r.status).toBe(200);
    expect(XMLValidator.validate(r.text)).toBe(true);
    expect(r.text).toContain(`<jobs xmlns="${NS}">`);
    const ids = [...r.text.matchAll(/<id>[^<]*\/job\/([^<]+)<\/id>/g)].map(
      (m) => m[1]
    );
    expect(ids).toEqual(['new$sJob', 'old$pJob', 'failed$xJob']);
    const jobs = r.text.split('<job>').slice(1);
    expect(children(`<job>${jobs[0]}`, 'job')).toEqual([
      'id',
      'status-link',
      'start-time',
      'stop-time',
      'status',
      'file-link',
    ]);
    expect(children(`<job>${jobs[2]}`, 'job')).toEqual([
      'id',
      'status-link',
      'start-time',
      'stop-time',
      'status',
    ]);
    expect(jobs[0]).toContain('<start-time>2024-01-13T18:30:02Z</start-time>');
    expect(jobs[0]).toContain(
      `<file-link>${sim.url}${BASE}/${DEF}/job/new$sJob/file</file-link>`
    );
    expect(jobs[0]).toContain(
      `<status-link>${sim.url}${BASE}/${DEF}/job/new$sJob/status</status-link>`
    );
    expect(jobs[2]).toContain('<status>Failed</status>');
  });

  test('job and job status give the same document', async () => {
    const a = await get(sim, `${BASE}/${DEF}/job/new$sJob`);
    const b = await get(sim, `${BASE}/${DEF}/job/new%24sJob/status`);
    expect(a.status).toBe(200);
    expect(a.text).toBe(b.text);
    expect(a.text).toContain(
      `<job xmlns="${NS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">`
    );
    expect(a.text).toContain('<status>Completed</status>');
  });

  test('404 for unknown definitions, jobs and paths; file of a failed job', async () => {
    for (const p of [
      `${BASE}/nope`,
      `${BASE}/${DEF}/job/nope`,
      `${BASE}/${DEF}/job/nope/file`,
      `${BASE}/${DEF}/jobs`,
      `${BASE}/${DEF}/job/new$sJob/other`,
    ]) {
      const r = await get(sim, p);
      expect(r.status).toBe(404);
      expect(r.text).toContain(
        'Extract Web Service: The Definition ID or Job ID specified in the URI is invalid'
      );
    }
    const f = await get(sim, `${BASE}/${DEF}/job/failed$xJob/file`);
    expect(f.status).toBe(404);
    expect(f.text).toContain('<Error>');
  });

  test('POST: documented XML body, empty body, 409, mismatched body', async () => {
    const post = (body?: string) =>
      fetch(`${sim.url}${BASE}/${DEF2}/job`, {
        method: 'POST',
        headers: {...STATIC, 'Content-Type': 'application/xml'},
        body,
      });
    const wrong = await post(
      `<definition xmlns="${NS}"><id>${sim.url}${BASE}/${DEF}</id></definition>`
    );
    expect(wrong.status).toBe(400);
    expect((await post('not xml')).status).toBe(400);
    const r = await post(
      `<definition xmlns="${NS}"><id>${sim.url}${BASE}/${DEF2}</id></definition>`
    );
    expect(r.status).toBe(201);
    const text = await r.text();
    const id = /<id>([^<]+)<\/id>/.exec(text)![1];
    expect(r.headers.get('location')).toBe(id);
    expect(children(text, 'job')).toEqual([
      'id',
      'status-link',
      'start-time',
      'status',
    ]);
    expect(text).toContain('<status>Queued</status>');
    const conflict = await post();
    expect(conflict.status).toBe(409);
    expect(await conflict.text()).toContain(
      'Extract Web Service: A job for the specified definition is already queued or running'
    );
    expect(
      (
        await fetch(`${sim.url}${BASE}/${DEF}`, {
          method: 'DELETE',
          headers: STATIC,
        })
      ).status
    ).toBe(405);
  });

  test('JSON when asked for by Accept', async () => {
    const defs = await get(sim, `${BASE}/`, {
      ...STATIC,
      Accept: 'application/json',
    });
    expect(defs.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(defs.text)[0]).toEqual({
      id: `${sim.url}${BASE}/${DEF}`,
      'job-link': `${sim.url}${BASE}/${DEF}/job`,
      name: 'Standard Accounting Extract',
    });
    const jobs = JSON.parse(
      (
        await get(sim, `${BASE}/${DEF}/job`, {
          ...STATIC,
          Accept: 'application/json',
        })
      ).text
    );
    expect(jobs[0].status).toBe(2);
    expect(jobs[0]['file-link']).toMatch(/\/file$/);
    expect(jobs[2].status).toBe(3);
  });

  test('request log and control endpoints', async () => {
    const before = sim.requests.length;
    await get(sim, `${BASE}/${DEF}`, {Authorization: 'OAuth static-token'});
    const rec = sim.requests[before];
    expect(rec).toMatchObject({
      method: 'GET',
      path: `${BASE}/${DEF}`,
      status: 200,
      authorization: 'OAuth static-token',
    });
    expect(rec.bodyBytes).toBeGreaterThan(100);
    const added = await fetch(`${sim.url}/__sim/jobs/${DEF}`, {
      method: 'POST',
      body: JSON.stringify({
        id: 'added$pJob',
        start_time: '2030-01-01T00:00:00Z',
        file: {text: 'x'},
      }),
    });
    expect(added.status).toBe(201);
    const list = await get(sim, `${BASE}/${DEF}/job`);
    expect(list.text.indexOf('added$pJob')).toBeLessThan(
      list.text.indexOf('new$sJob')
    );
    const log = (await (
      await fetch(`${sim.url}/__sim/requests`)
    ).json()) as any[];
    expect(log.length).toBe(sim.requests.length);
    expect(log.some((r: any) => r.path.startsWith('/__sim'))).toBe(false);
    const bad = await fetch(`${sim.url}/__sim/jobs/${DEF}`, {
      method: 'POST',
      body: '{"status": "Weird"}',
    });
    expect(bad.status).toBe(400);
  });
});

describe('quirks', () => {
  test('spelling, times, whitespace in links, job-link without /job, link base, geolocation, declaration', async () => {
    const sim = await startSimulator(
      baseScenario({
        geolocation: 'http://localhost:PORT',
        link_base: 'http://localhost:PORT/',
        quirks: {
          complete_spelling: 'Complete',
          time_without_z: true,
          fraction_digits: [7],
          whitespace_in_links: true,
          job_link_without_job_for: [DEF],
          xml_declaration: true,
        },
      })
    );
    try {
      const local = `http://localhost:${sim.port}`;
      expect((await token(sim, password)).body.geolocation).toBe(local);
      const defs = await get(sim, `${BASE}/`);
      expect(
        defs.text.startsWith(
          '<?xml version="1.0" encoding="utf-8"?>\n<definitions'
        )
      ).toBe(true);
      expect(XMLValidator.validate(defs.text)).toBe(true);
      expect(defs.text).toMatch(
        new RegExp(
          `<job-link>\\s+${local}${BASE}/${DEF.replace(/\$/g, '\\$')}\\s+</job-link>`
        )
      );
      expect(defs.text).toContain(`${BASE}/${DEF2}/job\n`);
      const job = await get(sim, `${BASE}/${DEF}/job/new$sJob`);
      expect(job.text).toContain(
        '<start-time>2024-01-13T18:30:02.0000000</start-time>'
      );
      expect(job.text).toContain('<status>Complete</status>');
      expect(job.text).toMatch(/<id>\n\s+http:\/\/localhost:\d+\/api/);
    } finally {
      await sim.close();
    }
  });

  test('mixed quirks are stable per job and vary between jobs', async () => {
    const jobs = Array.from({length: 30}, (_, i) => ({
      id: `j${i}`,
      status: 'Completed' as const,
      start_time: `2024-01-01T00:00:${String(i).padStart(2, '0')}.123Z`,
    }));
    const sim = await startSimulator(
      baseScenario({
        definitions: [{id: DEF, name: 'SAE', jobs}],
        quirks: {
          complete_spelling: 'mixed',
          time_without_z: 'mixed',
          fraction_digits: [0, 2, 3, 7],
        },
      })
    );
    try {
      const a = (await get(sim, `${BASE}/${DEF}/job`)).text;
      expect((await get(sim, `${BASE}/${DEF}/job`)).text).toBe(a);
      expect(a).toContain('<status>Complete</status>');
      expect(a).toContain('<status>Completed</status>');
      const starts = [...a.matchAll(/<start-time>([^<]+)<\/start-time>/g)].map(
        (m) => m[1]
      );
      expect(starts.some((s) => s.endsWith('Z'))).toBe(true);
      expect(starts.some((s) => !s.endsWith('Z'))).toBe(true);
      for (const re of [/:\d\dZ?$/, /\.12Z?$/, /\.123Z?$/, /\.1230000Z?$/]) {
        expect(starts.some((s) => re.test(s))).toBe(true);
      }
    } finally {
      await sim.close();
    }
  });
});

describe('scenario files', () => {
  test('demo.json and minimal.json load', async () => {
    const demo = await startSimulator(
      path.join(__dirname, '..', 'scenarios', 'demo.json')
    );
    const minimal = await startSimulator(
      path.join(__dirname, '..', 'scenarios', 'minimal.json')
    );
    try {
      const defs = await get(demo, `${BASE}/`, {
        Authorization: 'Bearer sim-static-token',
      });
      expect(defs.text.match(/<definition>/g)).toHaveLength(3);
      const jobs = await get(demo, `${BASE}/${DEF}/job`, {
        Authorization: 'Bearer sim-static-token',
      });
      expect(jobs.text).toContain('<status>Running</status>');
      expect(jobs.text).toContain('<status>Failed</status>');
      const m = await get(
        minimal,
        `${BASE}/${DEF}/job/21UwwqA3jk25Lis77jF$piiD21c89lLwEq/file`,
        {Authorization: 'Bearer sim-static-token'}
      );
      expect(m.text.startsWith('EXTRACT|2024-01-13|5|')).toBe(true);
    } finally {
      await demo.close();
      await minimal.close();
    }
  });

  test('invalid scenarios are rejected with a clear message', async () => {
    const refused = (scenario: unknown, message: RegExp) =>
      expect(startSimulator(scenario as Scenario)).rejects.toThrow(message);
    await refused(
      {definitions: [{id: 'a/b', name: 'x'}]},
      /^scenario definitions\[0\]\.id must match pattern/
    );
    await refused(
      {
        definitions: [
          {id: 'a', name: 'x', jobs: [{file: {text: 'a', path: 'b'}}]},
        ],
      },
      /definitions\[0\]\.jobs\[0\]\.file must have exactly one of sae_v3, prae/
    );
    // Checked by scenario.schema.json: unknown keys, enums, bounds, types.
    await refused(
      {definitions: [], falts: {}},
      /^scenario root has an unknown property "falts"/
    );
    await refused(
      {definitions: [{id: 'a', name: 'x', jobs: [{status: 'Done'}]}]},
      /jobs\[0\]\.status must be one of "Queued", "Running"/
    );
    await refused(
      {definitions: [], faults: {rate_429: 2}},
      /rate_429 must be <= 1/
    );
    await refused(
      {definitions: [], credentials: {expired_status: 500}},
      /expired_status must be one of 401, 403/
    );
    await refused(
      {
        definitions: [
          {
            id: 'a',
            name: 'x',
            jobs: [{file: {sae_v3: {batch_date: '13/01/2024'}}}],
          },
        ],
      },
      /sae_v3\.batch_date must match pattern/
    );
    await refused(
      {
        definitions: [
          {id: 'a', name: 'x', jobs: [{file: {sae_v3: {fields: 300}}}]},
        ],
      },
      /sae_v3\.fields must be one of 400, 256/
    );
    await refused(
      {
        definitions: [
          {id: 'a', name: 'x', jobs: [{file: {sae_v3: {detials: 3}}}]},
        ],
      },
      /sae_v3 must NOT have unevaluated properties/
    );
    // Checked in code: what a schema cannot say.
    await refused(
      {
        definitions: [
          {id: 'a', name: 'x'},
          {id: 'a', name: 'y'},
        ],
      },
      /definitions\[1\]: duplicate id a/
    );
    await refused(
      {definitions: [], faults: {only_paths: '('}},
      /not a valid regex/
    );
    await refused(
      {
        definitions: [
          {id: 'a', name: 'x', jobs: [{stop_time: '2024-02-30T25:00:00Z'}]},
        ],
      },
      /stop_time: not a time/
    );
    await expect(startSimulator('/nonexistent/scenario.json')).rejects.toThrow(
      /cannot read scenario/
    );
  });
});
