/** HTTP routing of the simulator: token endpoint, Extract API, and `/__sim/*` test controls. */
import {IncomingMessage, ServerResponse} from 'http';

import {Answers, API_BASE, SimulatorState, TOKEN_PATH} from './answers';
import {simControl} from './controls';
import {FileBody, renderFile} from './files';
import {jobState, SimDefinition, SimJob} from './jobs';
import {Exchange, noteFault, RecordedRequest, send, sendFile} from './respond';
import {makeRng, Rng} from './rng';
import * as X from './xml';

export type {SimulatorState} from './answers';
export {API_BASE, TOKEN_PATH} from './answers';
const MAX_REQUEST_BYTES = 1024 * 1024;

export const MSG_NOT_FOUND =
  'Extract Web Service: The Definition ID or Job ID specified in the URI is invalid';
export const MSG_CONFLICT =
  'Extract Web Service: A job for the specified definition is already queued or running';
export const MSG_NO_FILE =
  'Extract Web Service: The file for the specified job is not available';

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

class Handler extends Answers {
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
    const answer = simControl(this.s, x.req.method, path, body);
    this.sendJson(x, answer.status, answer.body);
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
