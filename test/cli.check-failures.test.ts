import net from 'net';

import {byType, runCli, tempFiles} from './helpers/cli';
import {expectValidRun} from './helpers/protocol';
import {
  baseScenario,
  configFor,
  SAE_DEF,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';

/** Airbyte's UI gives up on a check after about 30 s: every failure must be answered before. */
const UI_LIMIT_MS = 30_000;

/** `bin/main check`: its one CONNECTION_STATUS and how long it took. */
async function timedCheck(
  config: object
): Promise<{status: any; ms: number; code: number | null}> {
  const files = tempFiles({config});
  const started = Date.now();
  const res = await runCli(['check', '--config', files.config], {
    timeoutMs: 60_000,
  });
  const ms = Date.now() - started;
  expectValidRun(res);
  const statuses = byType(res.messages, 'CONNECTION_STATUS');
  expect(statuses).toHaveLength(1);
  return {status: statuses[0].connectionStatus, ms, code: res.code};
}

/** A TCP server that accepts connections and never answers (nor closes them). */
async function silentServer(
  onData?: (socket: net.Socket) => void
): Promise<{port: number; close(): Promise<void>}> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    if (onData) s.once('data', () => onData(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

describe('check answers within 30 s in every failure case, naming the host and what to check', () => {
  let sim: SimulatorHandle;
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let plain: Awaited<ReturnType<typeof silentServer>>;
  let closedPort: number;
  beforeAll(async () => {
    sim = await startSimulator(
      baseScenario([{id: SAE_DEF, name: 'SAE', jobs: []}], {
        faults: {rate_503: 1},
      })
    );
    silent = await silentServer();
    // Answers a TLS ClientHello with plain HTTP: the handshake fails.
    plain = await silentServer((s) =>
      s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')
    );
    const probe = await silentServer();
    closedPort = probe.port;
    await probe.close();
  });
  afterAll(async () => {
    await sim.close();
    await silent.close();
    await plain.close();
  });

  // All cases at once: each takes up to ~25 s of waiting, not of CPU.
  test('refused, unresolvable, silent, TLS failure, 5xx', async () => {
    const cases: [string, string, RegExp][] = [
      ['refused', `http://127.0.0.1:${closedPort}`, /CONCUR_UNREACHABLE/],
      [
        'unresolvable',
        'https://concur-host.invalid',
        /CONCUR_(HOST_UNKNOWN|UNREACHABLE)/,
      ],
      ['silent', `http://127.0.0.1:${silent.port}`, /CONCUR_UNREACHABLE/],
      ['TLS failure', `https://127.0.0.1:${plain.port}`, /CONCUR_TLS_FAILED/],
      ['5xx', sim.url, /CONCUR_UNAVAILABLE/],
    ];
    const results = await Promise.all(
      cases.map(([, url]) =>
        timedCheck(configFor(sim, 'refresh', {oauth_base_url: url}))
      )
    );
    results.forEach(({status, ms, code}, i) => {
      const [name, url, codeRe] = cases[i];
      const host = new URL(url).host;
      expect({name, ms: ms < UI_LIMIT_MS}).toEqual({name, ms: true});
      expect(code).toBe(0);
      expect(status.status).toBe('FAILED');
      expect({name, message: status.message}).toEqual({
        name,
        message: expect.stringMatching(codeRe),
      });
      expect(status.message).toContain(host);
      expect(status.message).toMatch(/check|retries/);
    });
  }, 60_000);
});
