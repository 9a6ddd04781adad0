/** HTTP routing of the simulator: token endpoint, Extract API, and `/__sim/*` test controls. */
import {randomUUID} from 'crypto';
import {IncomingMessage, OutgoingHttpHeaders, ServerResponse} from 'http';

import {AuthServer} from './auth';
import {FaultInjector} from './faults';
import {FileBody, renderFile} from './files';
import {Clock, jobState, JobStore, SimDefinition, SimJob} from './jobs';
import {Exchange, noteFault, RecordedRequest, send, sendFile} from './respond';
import {guid, hashSeed, makeRng, Rng} from './rng';
import {Faults, Scenario, ScenarioError, validateJob} from './scenario';
import * as X from './xml';

export const API_BASE = '/api/expense/extract/v1.0';
export const TOKEN_PATH = '/oauth2/v0/token';
const MAX_REQUEST_BYTES = 1024 * 1024;

export const MSG_NOT_FOUND =
  'Extract Web Service: The Definition ID or Job ID specified in the URI is invalid';
export const MSG_CONFLICT =
  'Extract Web Service: A job for the specified definition is already queued or running';
export const MSG_NO_FILE =
  'Extract Web Service: The file for the specified job is not available';

const STATUS_NUMBER = {Queued: 0, Running: 1, Completed: 2, Failed: 3} as const;

export interface SimulatorState {
  scenario: Scenario;
  clock: Clock;
  jobs: JobStore;
  auth: AuthServer;
  faults: FaultInjector;
  requests: RecordedRequest[];
  rng: Rng;
  samplesDir: string;
  /** Folder that relative file paths of added jobs resolve against. */
  baseDir: string;
  /** Set once listening, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  fileCache: Map<SimJob, Promise<FileBody>>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      parts.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/** Timers do not keep the process alive (a closed simulator may still have stalls pending). */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

class Handler {
  constructor(private readonly s: SimulatorState) {}

  private get quirks() {
    return this.s.scenario.quirks ?? {};
  }

  private get render() {
    return X.renderOptions(this.quirks);
  }

  private substitute(template: string): string {
    return template.replace(/PORT/g, String(this.s.port));
  }

  private linkBase(): string {
    const lb = this.s.scenario.link_base;
    return (lb ? this.substitute(lb) : this.s.url).replace(/\/+$/, '');
  }

  geolocation(): string {
    const g = this.s.scenario.geolocation;
    return g ? this.substitute(g) : this.s.url;
  }

  // ---- views

  private defUrl(d: SimDefinition): string {
    return `${this.linkBase()}${API_BASE}/${d.id}`;
  }

  private defView(d: SimDefinition): X.DefinitionView {
    const url = this.defUrl(d);
    const noJob = (this.quirks.job_link_without_job_for ?? []).includes(d.id);
    return {id: url, jobLink: noJob ? url : `${url}/job`, name: d.name};
  }

  private jobView(d: SimDefinition, j: SimJob): X.JobView {
    const q = this.quirks;
    const state = jobState(j, this.s.clock.now());
    const id = `${this.defUrl(d)}/job/${j.id}`;
    let status: string = state.status;
    if (status === 'Completed') {
      const spelling = q.complete_spelling ?? 'Completed';
      if (
        spelling === 'Complete' ||
        (spelling === 'mixed' && hashSeed(j.id) % 2 === 1)
      ) {
        status = 'Complete';
      }
    }
    return {
      id,
      statusLink: `${id}/status`,
      startTime: X.formatTime(j.startMs, j.startRaw, `${j.id}:start`, q),
      stopTime:
        state.stopMs === undefined
          ? undefined
          : X.formatTime(state.stopMs, state.stopRaw, `${j.id}:stop`, q),
      status,
      statusNumber: STATUS_NUMBER[state.status],
      fileLink: state.status === 'Completed' ? `${id}/file` : undefined,
    };
  }

  // ---- generic answers

  private wantsJson(x: Exchange): boolean {
    if (this.quirks.json_when_accepted === false) return false;
    const accept = x.req.headers.accept ?? '';
    return accept.includes('application/json') && !accept.includes('xml');
  }

  private headers(extra: OutgoingHttpHeaders = {}): OutgoingHttpHeaders {
    return {'concur-correlationid': randomUUID(), ...extra};
  }

  private document(
    x: Exchange,
    status: number,
    xml: string,
    json: unknown,
    extra = {}
  ): void {
    if (this.wantsJson(x)) {
      const h = this.headers({
        'Content-Type': 'application/json; charset=utf-8',
        ...extra,
      });
      send(x, status, h, JSON.stringify(json));
    } else {
      const h = this.headers({
        'Content-Type': 'application/xml; charset=utf-8',
        ...extra,
      });
      send(x, status, h, xml, status < 300);
    }
  }

  error(
    x: Exchange,
    status: number,
    message: string,
    extra: OutgoingHttpHeaders = {}
  ): void {
    const e = {
      message,
      serverTime: X.serverTime(this.s.clock.now()),
      id: guid(this.s.rng),
    };
    this.document(x, status, X.errorXml(e, this.render), X.errorJson(e), extra);
  }

  private sendJson(x: Exchange, status: number, body: unknown): void {
    const h = this.headers({'Content-Type': 'application/json; charset=utf-8'});
    send(x, status, h, JSON.stringify(body));
  }

  // ---- entry point

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname;
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status: 0,
      at: Date.now(),
    };
    if (req.headers.authorization !== undefined)
      rec.authorization = req.headers.authorization;
    const isSim = path.startsWith('/__sim/');
    if (!isSim) this.s.requests.push(rec);
    const isApi = path === API_BASE || path.startsWith(`${API_BASE}/`);
    const plan = isSim ? {} : this.s.faults.plan(path, isApi);
    const x: Exchange = {req, res, rec, plan, faults: this.s.faults};
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      this.error(x, 400, 'Request body too large');
      return;
    }
    rec.requestBytes = body.length;
    if (plan.stallMs) {
      noteFault(rec, 'stall');
      await sleep(plan.stallMs);
    }
    try {
      if (isSim) return this.control(x, path, body);
      if (plan.status) return this.statusFault(x, isApi);
      if (path === TOKEN_PATH) return this.token(x, body);
      if (isApi) return await this.api(x, path, body);
      this.error(x, 404, 'Not found');
    } catch (e) {
      this.error(x, 500, `Simulator error: ${(e as Error).message}`);
    }
  }

  private statusFault(x: Exchange, isApi: boolean): void {
    const name = x.plan.status!;
    noteFault(x.rec, name);
    const tokenEndpoint = !isApi;
    const jsonError = (status: number, error: string, extra = {}) =>
      send(
        x,
        status,
        this.headers({'Content-Type': 'application/json', ...extra}),
        JSON.stringify({error})
      );
    switch (name) {
      case 'forbidden':
        return this.error(
          x,
          403,
          'Forbidden: the consumer does not have access to this resource'
        );
      case 'expire_token': {
        const check = this.s.auth.check(x.req.headers.authorization);
        if (check.ok && !check.static) this.s.auth.expire(check.token);
        return this.error(x, this.s.auth.expiredStatus, 'Token expired');
      }
      case 'rate_429': {
        const ra = this.s.faults.retryAfter();
        const extra = ra === null ? {} : {'Retry-After': String(ra)};
        if (tokenEndpoint) return jsonError(429, 'too_many_requests', extra);
        return this.error(
          x,
          429,
          'Too many requests. Slow the rate of requests',
          extra
        );
      }
      case 'rate_500':
        if (tokenEndpoint) return jsonError(500, 'server_error');
        return this.error(x, 500, 'Internal server error');
      case 'rate_502':
        return send(
          x,
          502,
          this.headers({'Content-Type': 'text/html'}),
          '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n'
        );
      case 'rate_503':
        if (tokenEndpoint) return jsonError(503, 'temporarily_unavailable');
        return this.error(
          x,
          503,
          'Service unavailable: maintenance in progress, retry in 5 minutes'
        );
    }
  }

  // ---- token endpoint

  private token(x: Exchange, body: Buffer): void {
    if (x.req.method !== 'POST')
      return this.sendJson(x, 405, {error: 'method_not_allowed'});
    let form: URLSearchParams;
    const text = body.toString('utf8');
    if ((x.req.headers['content-type'] ?? '').includes('json')) {
      try {
        form = new URLSearchParams(JSON.parse(text));
      } catch {
        return this.sendJson(x, 400, {
          error: 'invalid_request',
          error_description: 'bad JSON',
        });
      }
    } else {
      form = new URLSearchParams(text);
    }
    const answer = this.s.auth.token(form, this.geolocation());
    this.sendJson(x, answer.status, answer.body);
  }

  // ---- Extract API

  private async api(x: Exchange, path: string, body: Buffer): Promise<void> {
    const auth = this.s.auth.check(x.req.headers.authorization);
    if (!auth.ok) return this.error(x, auth.status, auth.message);
    let segs: string[];
    try {
      segs = path
        .slice(API_BASE.length)
        .split('/')
        .filter((p) => p !== '')
        .map((p) => decodeURIComponent(p));
    } catch {
      return this.error(x, 404, MSG_NOT_FOUND);
    }
    const method = x.req.method ?? 'GET';
    const r = this.render;
    if (segs.length === 0) {
      if (method !== 'GET') return this.error(x, 405, 'Method not allowed');
      const views = this.s.jobs.definitions().map((d) => this.defView(d));
      return this.document(
        x,
        200,
        X.definitionsXml(views, r),
        views.map(X.definitionJson)
      );
    }
    const def = this.s.jobs.definition(segs[0]);
    if (!def || segs.length > 4 || (segs.length >= 2 && segs[1] !== 'job')) {
      return this.error(x, 404, MSG_NOT_FOUND);
    }
    if (segs.length === 1) {
      if (method !== 'GET') return this.error(x, 405, 'Method not allowed');
      const v = this.defView(def);
      return this.document(x, 200, X.definitionXml(v, r), X.definitionJson(v));
    }
    if (segs.length === 2) {
      if (method === 'POST') return this.startJob(x, def, body);
      if (method !== 'GET') return this.error(x, 405, 'Method not allowed');
      const views = this.s.jobs.list(def.id).map((j) => this.jobView(def, j));
      return this.document(x, 200, X.jobsXml(views, r), views.map(X.jobJson));
    }
    const job = this.s.jobs.get(def.id, segs[2]);
    const tail = segs[3];
    if (!job || (tail !== undefined && tail !== 'status' && tail !== 'file')) {
      return this.error(x, 404, MSG_NOT_FOUND);
    }
    if (method !== 'GET') return this.error(x, 405, 'Method not allowed');
    if (tail === 'file') return this.file(x, job);
    const v = this.jobView(def, job);
    return this.document(x, 200, X.jobXml(v, r), X.jobJson(v));
  }

  private startJob(x: Exchange, def: SimDefinition, body: Buffer): void {
    const text = body.toString('utf8').trim();
    if (text) {
      if (!/<definition[\s>]/.test(text)) {
        return this.error(
          x,
          400,
          'The request body is not a valid definition document'
        );
      }
      const m = /<id>\s*([^<]*?)\s*<\/id>/.exec(text);
      if (m) {
        const last = m[1].replace(/\/+$/, '').split('/').pop() ?? '';
        let id = last;
        try {
          id = decodeURIComponent(last);
        } catch {
          // keep raw
        }
        if (id !== def.id) {
          return this.error(
            x,
            400,
            'The definition id in the request body does not match the URI'
          );
        }
      }
    }
    const result = this.s.jobs.post(def.id);
    if ('conflict' in result) return this.error(x, 409, MSG_CONFLICT);
    const v = this.jobView(def, result.job);
    this.document(x, 201, X.jobXml(v, this.render), X.jobJson(v), {
      Location: v.id,
    });
  }

  private async file(x: Exchange, job: SimJob): Promise<void> {
    if (jobState(job, this.s.clock.now()).status !== 'Completed') {
      return this.error(x, 404, MSG_NO_FILE);
    }
    let pending = this.s.fileCache.get(job);
    if (!pending) {
      pending = renderFile(job.file, {samplesDir: this.s.samplesDir});
      this.s.fileCache.set(job, pending);
      // only in-memory bodies are cached: files on disk are re-read (and re-measured) each time
      pending.then(
        (b) => b.buffer || this.s.fileCache.delete(job),
        () => this.s.fileCache.delete(job)
      );
    }
    let body: FileBody;
    try {
      body = await pending;
    } catch (e) {
      return this.error(
        x,
        500,
        `Simulator could not produce the file: ${(e as Error).message}`
      );
    }
    sendFile(x, this.headers(), body);
  }

  // ---- /__sim controls (no auth, no faults)

  private control(x: Exchange, path: string, body: Buffer): void {
    const method = x.req.method;
    const parse = () => (body.length ? JSON.parse(body.toString('utf8')) : {});
    try {
      if (path === '/__sim/requests' && method === 'GET') {
        return this.sendJson(x, 200, this.s.requests);
      }
      const jobMatch = /^\/__sim\/jobs\/([^/]+)$/.exec(path);
      if (jobMatch && method === 'POST') {
        const defId = decodeURIComponent(jobMatch[1]);
        if (!this.s.jobs.definition(defId))
          return this.sendJson(x, 404, {error: 'unknown definition'});
        const job = this.s.jobs.add(
          defId,
          validateJob('job', parse(), this.s.baseDir)
        );
        return this.sendJson(x, 201, {id: job.id, definition: defId});
      }
      if (path === '/__sim/faults' && method === 'POST') {
        this.s.faults.update(parse() as Partial<Faults>);
        return this.sendJson(x, 200, this.s.faults.settings);
      }
      if (path === '/__sim/clock' && method === 'POST') {
        this.s.clock.advance(Number(parse().advance_ms ?? 0));
        return this.sendJson(x, 200, {
          now: new Date(this.s.clock.now()).toISOString(),
        });
      }
      this.sendJson(x, 404, {error: 'unknown control endpoint'});
    } catch (e) {
      const status =
        e instanceof ScenarioError || e instanceof SyntaxError ? 400 : 500;
      this.sendJson(x, status, {error: (e as Error).message});
    }
  }
}

export function createHandler(state: SimulatorState) {
  const h = new Handler(state);
  return (req: IncomingMessage, res: ServerResponse) => {
    h.handle(req, res).catch(() => res.socket?.destroy());
  };
}

export function newRng(seed: number | undefined): Rng {
  return makeRng(`sim:${seed ?? 0}`);
}
