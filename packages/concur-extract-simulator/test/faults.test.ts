import {XMLValidator} from 'fast-xml-parser';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';

import {
  Faults,
  Scenario,
  SimulatorHandle,
  startSimulator,
  writeSaeFile,
} from '../src';

const DEF = 'nYoPK$pZmcowMRUqcl5bnDAwwsMydyt$xd';
const BASE = '/api/expense/extract/v1.0';
const AUTH = {Authorization: 'Bearer static-token'};

function scenario(
  faults: Faults,
  file: Scenario['definitions'][number]['jobs'] = []
): Scenario {
  return {
    credentials: {
      static_tokens: ['static-token'],
      clients: [
        {client_id: 'cid', client_secret: 'secret', refresh_tokens: ['rt']},
      ],
    },
    definitions: [
      {
        id: DEF,
        name: 'Standard Accounting Extract',
        jobs: [
          {
            id: 'done$pJob',
            start_time: '2024-01-13T18:30:02Z',
            file: {sae_v3: {details: 50, seed: 1}},
          },
          ...file,
        ],
      },
    ],
    faults,
  };
}

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: number;
  body: string;
  error?: string;
}

/** A refresh_token grant of the scenario's client at the token endpoint. */
function refreshGrant(sim: SimulatorHandle): Promise<Response> {
  return fetch(`${sim.url}/oauth2/v0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: 'cid',
      client_secret: 'secret',
      refresh_token: 'rt',
    }),
  });
}

/** GET with node's http, reporting a connection cut after the headers instead of throwing. */
function raw(
  url: string,
  headers: Record<string, string> = AUTH
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, {headers, agent: false}, (res) => {
      const parts: Buffer[] = [];
      const out = () => ({
        status: res.statusCode!,
        headers: res.headers,
        bytes: Buffer.concat(parts).length,
        body: Buffer.concat(parts).toString(),
      });
      res.on('data', (c) => parts.push(c));
      res.on('end', () => resolve(out()));
      res.on('aborted', () => resolve({...out(), error: 'aborted'}));
      res.on('error', (e) => resolve({...out(), error: e.message}));
    });
    req.on('error', reject);
  });
}

async function faultSequence(seed: number, n: number): Promise<string[]> {
  const sim = await startSimulator(
    scenario({
      seed,
      rate_429: 0.2,
      rate_500: 0.1,
      rate_503: 0.1,
      malformed_xml: 0.2,
    })
  );
  try {
    for (let i = 0; i < n; i++) await raw(`${sim.url}${BASE}/`);
    return sim.requests.map((r) => `${r.status}:${r.fault ?? ''}`);
  } finally {
    await sim.close();
  }
}

describe('fault injection', () => {
  test('deterministic for a seed', async () => {
    const a = await faultSequence(7, 40);
    const b = await faultSequence(7, 40);
    const c = await faultSequence(8, 40);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.filter((x) => x.includes('rate_429')).length).toBeGreaterThan(0);
    expect(a.filter((x) => x.includes('malformed_xml')).length).toBeGreaterThan(
      0
    );
    expect(a.filter((x) => x === '200:').length).toBeGreaterThan(0);
  });

  test('429 with and without Retry-After; 500, 502, 503 bodies', async () => {
    const sim = await startSimulator(
      scenario({rate_429: 1, retry_after_seconds: 7})
    );
    try {
      const r = await raw(`${sim.url}${BASE}/`);
      expect(r.status).toBe(429);
      expect(r.headers['retry-after']).toBe('7');
      expect(r.body).toContain('<Error>');
      sim.setFault({retry_after_seconds: null});
      expect(
        (await raw(`${sim.url}${BASE}/`)).headers['retry-after']
      ).toBeUndefined();
      sim.setFault({rate_429: 0, rate_500: 1});
      expect((await raw(`${sim.url}${BASE}/`)).status).toBe(500);
      sim.setFault({rate_500: 0, rate_502: 1});
      const gw = await raw(`${sim.url}${BASE}/`);
      expect(gw.status).toBe(502);
      expect(gw.headers['content-type']).toBe('text/html');
      sim.setFault({rate_502: 0, rate_503: 1});
      expect((await raw(`${sim.url}${BASE}/`)).status).toBe(503);
      // token endpoint gets rate faults too, as JSON
      const t = await fetch(`${sim.url}/oauth2/v0/token`, {
        method: 'POST',
        body: 'grant_type=refresh_token',
      });
      expect(t.status).toBe(503);
      expect(await t.json()).toEqual({error: 'temporarily_unavailable'});
      // never on /__sim
      expect((await fetch(`${sim.url}/__sim/requests`)).status).toBe(200);
      expect(sim.requests.map((r) => r.fault)).toEqual([
        'rate_429',
        'rate_429',
        'rate_500',
        'rate_502',
        'rate_503',
        'rate_503',
      ]);
    } finally {
      await sim.close();
    }
  });

  test('forbidden_always: 403 on every API call, token endpoint still works', async () => {
    const sim = await startSimulator(scenario({forbidden_always: true}));
    try {
      for (const p of ['/', `/${DEF}`, `/${DEF}/job`])
        expect((await raw(`${sim.url}${BASE}${p}`)).status).toBe(403);
      const t = await refreshGrant(sim);
      expect(t.status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  test.each([401, 403] as const)(
    'expire_token_every: every 3rd API call answers %d and the token is dead',
    async (status) => {
      const sc = scenario({expire_token_every: 3});
      sc.credentials!.expired_status = status;
      const sim = await startSimulator(sc);
      try {
        const newToken = async () => {
          const r = await refreshGrant(sim);
          return {
            Authorization: `Bearer ${((await r.json()) as any).access_token}`,
          };
        };
        const auth = await newToken();
        const statuses = [];
        for (let i = 0; i < 4; i++)
          statuses.push((await raw(`${sim.url}${BASE}/`, auth)).status);
        expect(statuses).toEqual([200, 200, status, status]);
        const fresh = await newToken();
        expect((await raw(`${sim.url}${BASE}/`, fresh)).status).toBe(200);
        expect(
          sim.requests.filter((r) => r.fault === 'expire_token')
        ).toHaveLength(1);
      } finally {
        await sim.close();
      }
    }
  );

  test('stall delays the answer past a client timeout', async () => {
    const sim = await startSimulator(scenario({stall_rate: 1, stall_ms: 400}));
    try {
      await expect(
        fetch(`${sim.url}${BASE}/`, {
          headers: AUTH,
          signal: AbortSignal.timeout(100),
        })
      ).rejects.toThrow();
      const t0 = Date.now();
      expect((await fetch(`${sim.url}${BASE}/`, {headers: AUTH})).status).toBe(
        200
      );
      expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
      expect(sim.requests[0].fault).toBe('stall');
    } finally {
      await sim.close();
    }
  });

  test('reset_mid_body on XML, in-memory files and files streamed from disk', async () => {
    const big = path.join(os.tmpdir(), `sim-reset-${process.pid}.txt`);
    const w = await writeSaeFile(big, {bytes: 3_000_000, seed: 2});
    const sim = await startSimulator(
      scenario({reset_mid_body: 1}, [
        {
          id: 'disk$pJob',
          start_time: '2024-01-12T00:00:00Z',
          file: {path: big},
        },
      ])
    );
    try {
      const xml = await raw(`${sim.url}${BASE}/`);
      expect(xml.status).toBe(200);
      expect(xml.error).toBe('aborted');
      expect(xml.bytes).toBeLessThan(Number(xml.headers['content-length']));

      const mem = await raw(`${sim.url}${BASE}/${DEF}/job/done$pJob/file`);
      expect(mem.error).toBe('aborted');
      expect(mem.bytes).toBeLessThan(Number(mem.headers['content-length']));

      const disk = await raw(`${sim.url}${BASE}/${DEF}/job/disk$pJob/file`);
      expect(Number(disk.headers['content-length'])).toBe(w.bytes);
      expect(disk.error).toBe('aborted');
      expect(disk.bytes).toBe(1024 * 1024);

      sim.setFault({reset_after_bytes: 10});
      const ten = await raw(`${sim.url}${BASE}/${DEF}/job/disk$pJob/file`);
      expect(ten.bytes).toBe(10);
      expect(sim.requests.every((r) => r.fault === 'reset_mid_body')).toBe(
        true
      );
    } finally {
      await sim.close();
      fs.rmSync(big, {force: true});
    }
  });

  test('malformed_xml and xml_entity', async () => {
    const sim = await startSimulator(scenario({malformed_xml: true}));
    try {
      const bad = await raw(`${sim.url}${BASE}/${DEF}/job`);
      expect(bad.status).toBe(200);
      expect(bad.bytes).toBe(Number(bad.headers['content-length']));
      expect(XMLValidator.validate(bad.body)).not.toBe(true);
      expect(bad.body).toContain('<jobs');
      // errors are not corrupted
      expect(
        XMLValidator.validate((await raw(`${sim.url}${BASE}/nope`)).body)
      ).toBe(true);

      sim.setFault({malformed_xml: 0, xml_entity: 1});
      const ent = await raw(`${sim.url}${BASE}/`);
      expect(ent.body).toMatch(
        /<!DOCTYPE x \[<!ENTITY a "lol"><!ENTITY e "(&a;)+">\]>/
      );
      expect(ent.body).toContain('<name>&e;Standard Accounting Extract</name>');
      // files are not XML documents: untouched
      const file = await raw(`${sim.url}${BASE}/${DEF}/job/done$pJob/file`);
      expect(file.body.startsWith('EXTRACT|')).toBe(true);
      expect(file.body).not.toContain('ENTITY');
    } finally {
      await sim.close();
    }
  });

  test('only_paths and max_faults', async () => {
    const sim = await startSimulator(
      scenario({rate_503: 1, only_paths: '/job$'})
    );
    try {
      expect((await raw(`${sim.url}${BASE}/`)).status).toBe(200);
      expect((await raw(`${sim.url}${BASE}/${DEF}/job`)).status).toBe(503);
      sim.setFault({only_paths: undefined, max_faults: 2});
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await raw(`${sim.url}${BASE}/`)).status);
      expect(statuses).toEqual([503, 503, 200, 200]);
    } finally {
      await sim.close();
    }
  });
});
