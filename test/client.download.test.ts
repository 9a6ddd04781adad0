import fs from 'fs';
import os from 'os';
import path from 'path';
import zlib from 'zlib';

import {ConcurClient} from '../src/concur/client';
import {Job} from '../src/concur/types';
import {ApiError, ConnectorError} from '../src/errors';
import {
  EXTRACT,
  FAST_RETRY,
  Handler,
  LocalServer,
  memoryLogger,
  send,
  serve,
  staticConfig,
} from './helpers/client';

const DEF = 'nYoPK$pZmcowMRUqcl5bnDAwwsMydyt$xd';
const JOB = 'nIJp1lR2R0LNT4XcO5fXG$s$sZmVuRTuG$ps';
const FILE_PATH = `${EXTRACT}/${DEF}/job/${JOB}/file`;
const BODY = Buffer.from(
  'EXTRACT|2019-02-01|1|600.1100|567\nDETAIL|567|2019-02-01|1|E1\n'.repeat(2000)
);

let dir: string;
const servers: LocalServer[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concur-dl-'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  fs.rmSync(dir, {recursive: true, force: true});
});

async function start(handler: Handler): Promise<LocalServer> {
  const s = await serve(handler);
  servers.push(s);
  return s;
}

function job(
  fileLink: string | null = `https://www.concursolutions.com${FILE_PATH}`
): Job {
  const url = `https://www.concursolutions.com${EXTRACT}/${DEF}/job/${JOB}`;
  return {
    id: JOB,
    definitionId: DEF,
    status: fileLink ? 'Completed' : 'Running',
    startTime: '2011-08-25T14:25:22.580Z',
    stopTime: fileLink ? '2011-08-25T14:25:23.537Z' : null,
    fileLink,
    url,
    statusLink: `${url}/status`,
  };
}

function clientFor(s: LocalServer, retry = {}) {
  const logger = memoryLogger();
  return {
    client: ConcurClient.create(staticConfig(s.url), {
      logger,
      retry: {...FAST_RETRY, ...retry},
    }),
    logger,
  };
}

/** Sends `length` claimed bytes but only `part` of the body, then resets the connection. */
function cutShort(
  res: Parameters<Handler>[1],
  part: Buffer,
  length: number
): void {
  res.writeHead(200, {
    'Content-Type': 'text/csv',
    'Content-Length': String(length),
  });
  res.write(part);
  setTimeout(() => res.socket?.destroy(), 20);
}

describe('downloadFile (docs/concur-extract-api.md#file)', () => {
  it('streams the body to the file, on the API base, with the token', async () => {
    const s = await start((_req, res) =>
      send(res, 200, BODY.toString(), {
        'Content-Type': 'text/csv',
        'Content-Length': String(BODY.length),
      })
    );
    const dest = path.join(dir, 'f');
    const seen: [number, number | undefined][] = [];
    const result = await clientFor(s).client.downloadFile(
      job(),
      dest,
      (n, expected) => seen.push([n, expected])
    );
    expect(result).toEqual({bytes: BODY.length, contentType: 'text/csv'});
    expect(fs.readFileSync(dest).equals(BODY)).toBe(true);
    // Progress comes with the size the Content-Length announced.
    expect(seen[seen.length - 1]).toEqual([BODY.length, BODY.length]);
    expect(s.requests[0].url).toBe(FILE_PATH);
    expect(s.requests[0].headers.authorization).toMatch(/^Bearer /);
    expect(s.requests[0].headers['accept-encoding']).toBe('identity');
  });

  it('retries a body cut short (reset before Content-Length) from scratch', async () => {
    let n = 0;
    const s = await start((_req, res) => {
      if (n++ === 0) return cutShort(res, BODY.subarray(0, 1000), BODY.length);
      send(res, 200, BODY.toString(), {'Content-Type': 'application/zip'});
    });
    const dest = path.join(dir, 'f');
    const {client, logger} = clientFor(s);
    const result = await client.downloadFile(job(), dest);
    expect(result.bytes).toBe(BODY.length);
    expect(result.contentType).toBe('application/zip');
    expect(fs.readFileSync(dest).equals(BODY)).toBe(true);
    expect(s.requests).toHaveLength(2);
    expect(logger.lines.join('\n')).toMatch(
      /WARN GET \/api\/expense\/extract\/v1\.0\/.*\/file failed: .*attempt 1 of 3/
    );
  });

  it('gives each attempt a fresh observer: the cut one aborted, the last one all the bytes, then end', async () => {
    let n = 0;
    const s = await start((_req, res) => {
      if (n++ === 0) return cutShort(res, BODY.subarray(0, 1000), BODY.length);
      send(res, 200, BODY.toString(), {'Content-Type': 'text/plain'});
    });
    const seen: {bytes: Buffer[]; ended: boolean; aborted: boolean}[] = [];
    await clientFor(s).client.downloadFile(
      job(),
      path.join(dir, 'f'),
      undefined,
      () => {
        const o = {bytes: [] as Buffer[], ended: false, aborted: false};
        seen.push(o);
        return {
          write: (chunk) => void o.bytes.push(Buffer.from(chunk)),
          end: () => (o.ended = true),
          abort: () => (o.aborted = true),
        };
      }
    );
    expect(seen.map((o) => [o.aborted, o.ended])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(Buffer.concat(seen[1].bytes).equals(BODY)).toBe(true);
  });

  it('treats a body that ends cleanly before its Content-Length as cut short', async () => {
    let n = 0;
    const s = await start((_req, res) => {
      if (n++ === 0) {
        // A lying Content-Length: the socket closes after fewer bytes.
        res.socket?.write(
          `HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: ${BODY.length}\r\nConnection: close\r\n\r\n`
        );
        res.socket?.end(BODY.subarray(0, 500));
        return;
      }
      send(res, 200, BODY.toString(), {'Content-Type': 'text/csv'});
    });
    const dest = path.join(dir, 'f');
    await clientFor(s).client.downloadFile(job(), dest);
    expect(fs.readFileSync(dest).equals(BODY)).toBe(true);
    expect(s.requests).toHaveLength(2);
  });

  it('never returns a short body as complete', async () => {
    const s = await start((_req, res) =>
      cutShort(res, BODY.subarray(0, 100), BODY.length)
    );
    const err = await clientFor(s)
      .client.downloadFile(job(), path.join(dir, 'f'))
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('CONCUR_UNREACHABLE');
    expect(err.retriable).toBe(true);
    expect(err.context).toEqual({job: JOB});
    expect(s.requests).toHaveLength(3);
  });

  it('retries a chunked body cut by a reset', async () => {
    let n = 0;
    const s = await start((_req, res) => {
      if (n++ === 0) {
        res.writeHead(200, {'Content-Type': 'text/csv'});
        res.write(BODY.subarray(0, 5000));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      send(res, 200, BODY.toString(), {'Content-Type': 'text/csv'});
    });
    const dest = path.join(dir, 'f');
    await clientFor(s).client.downloadFile(job(), dest);
    expect(fs.readFileSync(dest).equals(BODY)).toBe(true);
  });

  it('aborts and retries a body that stalls', async () => {
    let n = 0;
    const s = await start((_req, res) => {
      if (n++ === 0) {
        res.writeHead(200, {
          'Content-Type': 'text/csv',
          'Content-Length': String(BODY.length),
        });
        res.write(BODY.subarray(0, 10));
        return; // then nothing
      }
      send(res, 200, BODY.toString(), {'Content-Type': 'text/csv'});
    });
    const logger = memoryLogger();
    const client = ConcurClient.create(staticConfig(s.url), {
      logger,
      retry: FAST_RETRY,
      timeoutMs: 200,
    });
    const dest = path.join(dir, 'f');
    await client.downloadFile(job(), dest);
    expect(fs.readFileSync(dest).equals(BODY)).toBe(true);
  });

  it('lets a slow but steady body take longer than the idle timeout', async () => {
    const s = await start((_req, res) => {
      res.writeHead(200, {'Content-Type': 'text/csv', 'Content-Length': '10'});
      let sent = 0;
      const tick = setInterval(() => {
        res.write('x');
        if (++sent === 10) {
          clearInterval(tick);
          res.end();
        }
      }, 60);
    });
    const client = ConcurClient.create(staticConfig(s.url), {
      logger: memoryLogger(),
      retry: {...FAST_RETRY, maxAttempts: 1},
      timeoutMs: 250,
    });
    const dest = path.join(dir, 'f');
    expect((await client.downloadFile(job(), dest)).bytes).toBe(10);
  });

  it('stores a compressed body decoded', async () => {
    const s = await start((_req, res) => {
      const gz = zlib.gzipSync(BODY);
      res.writeHead(200, {
        'Content-Type': 'text/csv',
        'Content-Encoding': 'gzip',
        'Content-Length': String(gz.length),
      });
      res.end(gz);
    });
    const dest = path.join(dir, 'f');
    const expected = new Set<number | undefined>();
    const result = await clientFor(s).client.downloadFile(
      job(),
      dest,
      (_n, e) => expected.add(e)
    );
    expect(result.bytes).toBe(BODY.length);
    expect(fs.readFileSync(dest).equals(BODY)).toBe(true);
    // The Content-Length counts compressed bytes: no decoded size to expect.
    expect([...expected]).toEqual([undefined]);
  });

  it('reports an error status with the Error Message, without retrying 4xx', async () => {
    const s = await start((_req, res) =>
      send(
        res,
        404,
        '<Error><Message>The Definition ID or Job ID specified in the URI is invalid</Message></Error>'
      )
    );
    const err = await clientFor(s)
      .client.downloadFile(job(), path.join(dir, 'f'))
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('CONCUR_REQUEST_REJECTED');
    // Carrying Concur's Error Message and the job is the feature.
    expect(err.message).toBe(
      `GET ${FILE_PATH} answered 404 Not Found: The Definition ID or Job ID specified in the URI is invalid`
    );
    expect(err.describe()).toBe(`job ${JOB}: ${err.message}`);
    expect(s.requests).toHaveLength(1);
  });

  it('refuses a job without a file link', async () => {
    const s = await start((_req, res) => send(res, 200));
    await expect(
      clientFor(s).client.downloadFile(job(null), path.join(dir, 'f'))
    ).rejects.toMatchObject({code: 'JOB_NO_FILE'});
    expect(s.requests).toHaveLength(0);
  });

  it('does not retry a file that cannot be written', async () => {
    const s = await start((_req, res) =>
      send(res, 200, BODY.toString(), {'Content-Type': 'text/csv'})
    );
    const err = await clientFor(s)
      .client.downloadFile(job(), path.join(dir, 'missing', 'f'))
      .catch((e) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.code).toBe('WORK_DIR_FAILED');
    expect(err.retriable).toBe(false);
    expect(s.requests).toHaveLength(1);
  });

  it('follows a redirect to another host without the Authorization header', async () => {
    const storage = await start((_req, res) =>
      send(res, 200, 'a|b\n', {'Content-Type': 'text/csv'})
    );
    const storageUrl = storage.url.replace('127.0.0.1', 'localhost');
    const s = await start((_req, res) =>
      send(res, 302, '', {Location: `${storageUrl}/blob`})
    );
    const dest = path.join(dir, 'f');
    await clientFor(s).client.downloadFile(job(), dest);
    expect(fs.readFileSync(dest, 'utf8')).toBe('a|b\n');
    expect(s.requests[0].headers.authorization).toBeDefined();
    expect(storage.requests[0].headers.authorization).toBeUndefined();
  });
});
