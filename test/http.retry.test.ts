import {inspect} from 'util';

import {Http} from '../src/concur/http';
import {parseRetryAfter} from '../src/concur/http-errors';
import {ApiError, ConfigError, ConnectorError} from '../src/errors';
import {
  FAST_RETRY,
  LocalServer,
  memoryLogger,
  send,
  serve,
} from './helpers/client';

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** An Http whose waits are recorded (and shortened to nothing). */
function recordingHttp(
  retry = {},
  extra: {timeoutMs?: number; random?: () => number} = {}
) {
  const logger = memoryLogger();
  const delays: number[] = [];
  const http = new Http({
    logger,
    retry: {...FAST_RETRY, ...retry},
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...extra,
  });
  return {http, logger, delays};
}

/** Answers with the given statuses in turn, then 200 "<ok/>". */
function sequence(...statuses: number[]) {
  let i = 0;
  return serve((_req, res) => {
    const status = statuses[i++];
    if (status === undefined) return send(res, 200, '<ok/>');
    if (status === 0) return res.socket?.destroy();
    send(res, status, `<Error><Message>status ${status}</Message></Error>`);
  });
}

describe('retries', () => {
  it('retries 5xx and 429, then returns the answer; logs method, path, status, attempt, delay', async () => {
    server = await sequence(503, 429);
    const {http, logger, delays} = recordingHttp();
    const res = await http.request({
      method: 'GET',
      url: `${server.url}/api/x?secret=q`,
    });
    expect(res.body).toBe('<ok/>');
    expect(server.requests).toHaveLength(3);
    expect(delays).toHaveLength(2);
    const warns = logger.lines.filter((l) => l.startsWith('WARN'));
    expect(warns[0]).toMatch(
      /^WARN GET \/api\/x answered 503 Service Unavailable: status 503; attempt 1 of 3 failed, retrying in \d+ ms$/
    );
    expect(warns[1]).toMatch(
      /GET \/api\/x answered 429 Too Many Requests.*attempt 2 of 3/
    );
    expect(logger.lines.join('\n')).not.toContain('secret=q');
  });

  it('retries a reset connection and a truncated body', async () => {
    let n = 0;
    server = await serve((_req, res) => {
      n++;
      if (n === 1) return res.socket?.destroy();
      if (n === 2) {
        res.writeHead(200, {'Content-Length': '100'});
        res.write('<ok');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      send(res, 200, '<ok/>');
    });
    const {http, logger} = recordingHttp({maxAttempts: 4});
    expect(
      (await http.request({method: 'GET', url: `${server.url}/a`})).body
    ).toBe('<ok/>');
    expect(server.requests).toHaveLength(3);
    expect(logger.lines.join('\n')).toMatch(/GET \/a failed: ECONNRESET/);
  });

  it('retries a call that exceeds the timeout', async () => {
    let n = 0;
    server = await serve((_req, res) => {
      if (n++ === 0) return; // never answers
      send(res, 200, '<ok/>');
    });
    const {http, logger} = recordingHttp({}, {timeoutMs: 150});
    expect(
      (await http.request({method: 'GET', url: `${server.url}/slow`})).body
    ).toBe('<ok/>');
    expect(logger.lines.join('\n')).toMatch(
      /GET \/slow failed: ETIMEDOUT \(timeout of 150ms exceeded\)/
    );
  });

  it('does not retry other 4xx', async () => {
    for (const status of [400, 401, 403, 404, 409]) {
      server = await sequence(status);
      const {http, delays} = recordingHttp();
      const err = await http
        .request({method: 'GET', url: `${server.url}/p`})
        .catch((e) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err.status).toBe(status);
      expect(err.code).toBe(
        status === 401 || status === 403
          ? 'AUTH_FORBIDDEN'
          : 'CONCUR_REQUEST_REJECTED'
      );
      expect(err.retriable).toBe(false);
      expect(server.requests).toHaveLength(1);
      expect(delays).toEqual([]);
      await server.close();
    }
    server = undefined;
  });

  it('gives up after maxAttempts with the last error', async () => {
    server = await sequence(500, 500, 500, 500);
    const {http} = recordingHttp();
    const err = await http
      .request({method: 'GET', url: `${server.url}/p`})
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    // The last answer and the attempts made are the feature.
    expect(err.message).toBe(
      'GET /p answered 500 Internal Server Error: status 500 (gave up after 3 attempts)'
    );
    expect(err.code).toBe('CONCUR_UNAVAILABLE');
    expect(err.failureType).toBe('transient_error');
    expect(server.requests).toHaveLength(3);
  });

  it('hands back statuses the caller expects', async () => {
    server = await sequence(409);
    const {http} = recordingHttp();
    const res = await http.request({
      method: 'POST',
      url: `${server.url}/p`,
      answerStatuses: [409],
    });
    expect(res.status).toBe(409);
  });
});

describe('backoff', () => {
  it('uses exponential full jitter capped at maxDelayMs', async () => {
    server = await sequence(500, 500, 500, 500, 500);
    const {http, delays} = recordingHttp(
      {maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 500},
      {random: () => 0.999999}
    );
    await http.request({method: 'GET', url: `${server.url}/p`});
    expect(delays).toEqual([100, 200, 400, 500, 500]);
  });

  it('draws each delay between 0 and the ceiling', async () => {
    server = await sequence(500, 500);
    const {http, delays} = recordingHttp(
      {baseDelayMs: 1000, maxDelayMs: 8000},
      {random: () => 0.25}
    );
    await http.request({method: 'GET', url: `${server.url}/p`});
    expect(delays).toEqual([250, 500]);
  });

  it('honours Retry-After in seconds, capped', async () => {
    let n = 0;
    server = await serve((_req, res) => {
      n++;
      if (n === 1) return send(res, 429, '', {'Retry-After': '0'});
      if (n === 2) return send(res, 503, '', {'Retry-After': '3600'});
      send(res, 200, '<ok/>');
    });
    const {http, delays} = recordingHttp({retryAfterCapMs: 42});
    await http.request({method: 'GET', url: `${server.url}/p`});
    expect(delays).toEqual([0, 42]);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Sun, 31 Dec 2023 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('honours an HTTP-date Retry-After', async () => {
    let n = 0;
    server = await serve((_req, res) => {
      if (n++ === 0) {
        return send(res, 503, '', {
          'Retry-After': new Date(Date.now() + 20_000).toUTCString(),
        });
      }
      send(res, 200, '<ok/>');
    });
    const {http, delays} = recordingHttp({retryAfterCapMs: 60_000});
    await http.request({method: 'GET', url: `${server.url}/p`});
    expect(delays[0]).toBeGreaterThanOrEqual(18_000);
    expect(delays[0]).toBeLessThanOrEqual(21_000);
  });
});

describe('requests that change data (POST)', () => {
  it('are not repeated after a 5xx', async () => {
    server = await sequence(500);
    const {http} = recordingHttp();
    const err = await http
      .request({method: 'POST', url: `${server.url}/job`})
      .catch((e) => e);
    expect(err.status).toBe(500);
    expect(server.requests).toHaveLength(1);
  });

  it('are not repeated after a reset (the server may have acted)', async () => {
    server = await sequence(0);
    const {http} = recordingHttp();
    const err = await http
      .request({method: 'POST', url: `${server.url}/job`})
      .catch((e) => e);
    expect(err.code).toBe('CONCUR_UNREACHABLE');
    expect(server.requests).toHaveLength(1);
  });

  it('are repeated after 429, or when the caller proves no effect', async () => {
    server = await sequence(429, 502);
    const {http} = recordingHttp();
    const checked: number[] = [];
    const res = await http.request({
      method: 'POST',
      url: `${server.url}/job`,
      confirmNotProcessed: async (err) => {
        checked.push(err.status!);
        return true;
      },
    });
    expect(res.body).toBe('<ok/>');
    expect(checked).toEqual([502]);
    expect(server.requests).toHaveLength(3);
  });

  it('are repeated when the connection was refused', async () => {
    const closed = await serve(() => undefined);
    const url = `${closed.url}/job`;
    await closed.close();
    const {http, delays} = recordingHttp();
    const err = await http.request({method: 'POST', url}).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.code).toBe('CONCUR_UNREACHABLE');
    expect(delays).toHaveLength(2);
  });
});

describe('failures without an answer', () => {
  it('an unknown host is a config error, not retried', async () => {
    const {http, delays} = recordingHttp();
    const err = await http
      .request({method: 'GET', url: 'https://no-such-host.invalid/api/x'})
      .catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe('CONCUR_HOST_UNKNOWN');
    expect(delays).toEqual([]);
  });

  it('never lets an axios error (with its config and headers) escape', async () => {
    server = await sequence(0, 0, 0);
    const {http} = recordingHttp();
    const err = await http
      .request({
        method: 'GET',
        url: `${server.url}/p`,
        headers: {Authorization: 'Bearer TOPSECRET'},
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.cause).toBeUndefined();
    expect(JSON.stringify(err)).not.toContain('TOPSECRET');
    expect(inspect(err, {depth: 10})).not.toContain('TOPSECRET');
  });
});
