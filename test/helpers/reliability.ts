/**
 * Shared pieces of the reliability suite (test/reliability.*.test.ts): running
 * `bin/main read` against the simulator with shortened timings, reading its
 * output (rows by primary key, logs, trace, state), a rewriting proxy for
 * hostile XML the simulator cannot produce, and a secret scanner.
 */
import fs from 'fs';
import http from 'http';
import {AddressInfo} from 'net';
import os from 'os';
import path from 'path';
import {ZipFile} from 'yazl';

import {
  catalog,
  CliResult,
  errorTraces,
  logs,
  nextState,
  records,
  runCli,
  RunOptions,
} from './cli';
import {expectValidRun} from './protocol';
import {FileSpec, ScenarioJob} from './sim';

/** Retries in milliseconds instead of minutes; Retry-After capped so 429s cost 50 ms. */
export const FAST_ENV: Record<string, string> = {
  CONCUR_RETRY_BASE_DELAY_MS: '5',
  CONCUR_RETRY_MAX_DELAY_MS: '20',
  CONCUR_RETRY_AFTER_CAP_MS: '50',
};

export const ALL_STREAMS = {
  extract_definitions: 'full_refresh',
  extract_jobs: 'incremental',
  extract_file_rows: 'incremental',
} as const;

export type Modes = Record<string, 'full_refresh' | 'incremental'>;

export interface SyncOptions extends RunOptions {
  state?: unknown;
  streams?: Modes;
  /** Skip the protocol validation (a killed run may end mid-line). */
  noValidate?: boolean;
}

export interface SyncResult extends CliResult {
  /** The TMPDIR the connector ran with (removed after the run). */
  tmpLeftovers: string[];
}

/**
 * One `read` through bin/main, config/catalog/state written to temp files.
 * The connector gets its own TMPDIR (a killed run leaves its work folder
 * behind; the test removes it, and reports what was left).
 */
export async function sync(
  config: object,
  opts: SyncOptions = {}
): Promise<SyncResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concur-rel-'));
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  const write = (name: string, content: unknown): string => {
    const p = path.join(dir, `${name}.json`);
    fs.writeFileSync(p, JSON.stringify(content));
    return p;
  };
  const args = [
    'read',
    '--config',
    write('config', config),
    '--catalog',
    write('catalog', catalog(opts.streams ?? ALL_STREAMS)),
  ];
  if (opts.state !== undefined)
    args.push('--state', write('state', opts.state));
  try {
    const res = await runCli(args, {
      ...opts,
      env: {...FAST_ENV, TMPDIR: tmp, ...opts.env},
    });
    if (!opts.noValidate) {
      expectValidRun(res);
    }
    return {...res, tmpLeftovers: listTree(tmp)};
  } finally {
    fs.rmSync(dir, {recursive: true, force: true});
  }
}

function listTree(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, {withFileTypes: true})) {
    const p = path.join(dir, e.name);
    out.push(p);
    if (e.isDirectory()) out.push(...listTree(p));
  }
  return out;
}

/** A Completed job on day `day` of February 2024 (start 06:00:00, stop 06:00:48). */
export function job(
  id: string,
  day: number,
  file: FileSpec,
  extra: Partial<ScenarioJob> = {}
): ScenarioJob {
  const d = String(day).padStart(2, '0');
  return {
    id,
    status: 'Completed',
    start_time: `2024-02-${d}T06:00:00Z`,
    stop_time: `2024-02-${d}T06:00:48Z`,
    file,
    ...extra,
  };
}

/** The stop time the connector reports (and keeps as cursor) for `job(…, day)`. */
export const stopTime = (day: number): string =>
  `2024-02-${String(day).padStart(2, '0')}T06:00:48.000Z`;

export const rowKey = (r: any): string =>
  JSON.stringify([r.job_id, r.file_name, r.line_number]);

/** extract_file_rows records by primary key; a key seen twice in one run fails the test. */
export function rowsByKey(messages: any[]): Map<string, any> {
  const out = new Map<string, any>();
  const dup: string[] = [];
  for (const r of records(messages, 'extract_file_rows')) {
    const k = rowKey(r);
    if (out.has(k)) dup.push(k);
    out.set(k, r);
  }
  expect(dup).toEqual([]);
  return out;
}

export {logs};

export const traces = (messages: any[]): any[] => errorTraces(messages);

/** The stream_state of one stream as the next sync would receive it. */
export function streamStateOf(messages: any[], stream: string): any {
  return nextState(messages).find(
    (s) => s.stream.stream_descriptor.name === stream
  )?.stream.stream_state;
}

export const escapeRegex = (s: string): string =>
  s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Rows per job_id. */
export function countByJob(rows: Iterable<any>): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.job_id, (out.get(r.job_id) ?? 0) + 1);
  return out;
}

// ---- a proxy for answers the simulator cannot give

export interface Proxy {
  url: string;
  close(): Promise<void>;
  /** Paths whose answer was rewritten or stalled. */
  touched: string[];
}

export interface ProxyRule {
  /** Which request paths the rule applies to. */
  match: RegExp;
  /** A 2xx body of a matching path is replaced (Content-Length adjusted): a well-delivered hostile document. */
  rewrite?: (body: string) => string;
  /** Send the headers and half the body, then nothing more (the connection stays open). */
  stallMidBody?: boolean;
  /** Apply to the first N matching requests only (default: all). */
  times?: number;
}

/** An HTTP proxy in front of `target()` that passes everything through, except what `rule` says. */
export async function startProxy(
  target: () => string,
  rule: ProxyRule
): Promise<Proxy> {
  const touched: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const up = new URL(req.url ?? '/', target());
      const headers = {...req.headers, host: up.host};
      const fwd = http.request(
        up,
        {method: req.method, headers, agent: false},
        (ures) => {
          const parts: Buffer[] = [];
          ures.on('data', (c: Buffer) => parts.push(c));
          ures.on('error', () => res.destroy());
          ures.on('end', () => {
            let body = Buffer.concat(parts);
            const status = ures.statusCode ?? 502;
            const h = {...ures.headers};
            delete h['transfer-encoding'];
            const applies =
              status < 300 &&
              rule.match.test(up.pathname) &&
              touched.length < (rule.times ?? Infinity);
            if (applies) touched.push(up.pathname);
            if (applies && rule.rewrite)
              body = Buffer.from(rule.rewrite(body.toString('utf8')), 'utf8');
            h['content-length'] = String(body.length);
            res.writeHead(status, h);
            if (applies && rule.stallMidBody) {
              res.write(body.subarray(0, Math.floor(body.length / 2)));
              return; // never ends: the client must give up on its own
            }
            res.end(body);
          });
        }
      );
      fwd.on('error', () => res.destroy());
      fwd.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const {port} = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    touched,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// ---- secrets

/**
 * Every form in which a secret could appear in output: as is, URL-encoded
 * (encodeURIComponent and form encoding, where a space is `+`), and escaped
 * inside a JSON string (stdout is JSON lines).
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({s: secret}).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    JSON.stringify(encodeURIComponent(secret)).slice(1, -1),
  ]);
  return [...forms];
}

export interface Leak {
  secret: string;
  form: string;
  where: string;
}

/** Where any form of any secret occurs in `text` (`where` names the text). */
export function findSecrets(
  text: string,
  secrets: Iterable<string>,
  where: string
): Leak[] {
  const out: Leak[] = [];
  for (const secret of secrets) {
    for (const form of secretForms(secret)) {
      let at = text.indexOf(form);
      while (at >= 0) {
        const line = text.slice(0, at).split('\n').length;
        out.push({secret, form, where: `${where}:${line}`});
        at = text.indexOf(form, at + form.length);
      }
    }
  }
  return out;
}

/** stdout without CONTROL lines, and the CONTROL lines. */
export function splitControl(stdout: string): {
  rest: string;
  control: string[];
} {
  const rest: string[] = [];
  const control: string[] = [];
  for (const line of stdout.split('\n')) {
    let type: string | undefined;
    try {
      type = JSON.parse(line).type;
    } catch {
      type = undefined;
    }
    (type === 'CONTROL' ? control : rest).push(line);
  }
  return {rest: rest.join('\n'), control};
}

// ---- ZIPs the simulator does not build

/**
 * A stored (uncompressed) ZIP of one entry whose data has one byte changed
 * after the CRC-32 was computed: the first `from` becomes `to`. With ASCII
 * `from`/`to` the entry stays valid UTF-8 text, so only a CRC check can tell.
 */
export async function zipWithChangedByte(
  name: string,
  text: string,
  from: string,
  to: string
): Promise<Buffer> {
  const zip = new ZipFile();
  zip.addBuffer(Buffer.from(text, 'utf8'), name, {
    compress: false,
    mtime: new Date('2024-02-01T00:00:00Z'),
  });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  const out = Buffer.concat(chunks);
  const at = out.indexOf(Buffer.from(from, 'utf8'));
  if (at < 0 || from.length !== 1 || to.length !== 1)
    throw new Error('zipWithChangedByte: one ASCII character expected');
  out[at] = to.charCodeAt(0);
  return out;
}

/**
 * A deflated ZIP of one entry of `mb` MiB of "0" whose local and central
 * headers both claim it expands to `declared` bytes: a bomb that lies.
 */
export async function zipBombWithLyingHeaders(
  name: string,
  mb: number,
  declared: number
): Promise<Buffer> {
  const zip = new ZipFile();
  zip.addBuffer(Buffer.alloc(mb * 1024 * 1024, '0'), name, {
    compress: true,
    mtime: new Date('2024-02-01T00:00:00Z'),
  });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  const out = Buffer.concat(chunks);
  let patched = 0;
  for (let at = 0; at + 4 <= out.length; at++) {
    const sig = out.readUInt32LE(at);
    if (sig === 0x04034b50) {
      out.writeUInt32LE(declared, at + 22);
      patched++;
    } else if (sig === 0x02014b50) {
      out.writeUInt32LE(declared, at + 24);
      patched++;
    } else if (sig === 0x08074b50) {
      out.writeUInt32LE(declared, at + 12); // data descriptor, when present
    }
  }
  if (patched !== 2)
    throw new Error(`zipBombWithLyingHeaders: ${patched} headers`);
  return out;
}

/**
 * Figures a reliability test measured (the README quotes them). Printed only
 * with TEST_REPORT=1 (`TEST_REPORT=1 npx jest test/reliability`), so a passing
 * `npm test` stays quiet.
 */
export function report(text: string): void {
  if (process.env.TEST_REPORT) console.log(text);
}
