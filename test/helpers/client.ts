/**
 * Throwaway HTTP servers on 127.0.0.1 for the Concur client tests (no mocks):
 * each test scripts its answers with a handler and inspects the requests.
 */
import http, {IncomingMessage, ServerResponse} from 'http';
import {AddressInfo} from 'net';

import {Logger} from '../../src/concur/types';
import {resolveConfig, ResolvedConfig} from '../../src/config';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Handler = (
  req: SeenRequest,
  res: ServerResponse,
  raw: IncomingMessage
) => void;

export interface LocalServer {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export async function serve(handler: Handler): Promise<LocalServer> {
  const requests: SeenRequest[] = [];
  const server = http.createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const seen = {
        method: raw.method ?? '',
        url: raw.url ?? '',
        headers: raw.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(seen);
      handler(seen, res, raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function send(
  res: ServerResponse,
  status: number,
  body = '',
  headers: Record<string, string> = {}
): void {
  res.writeHead(status, {'Content-Type': 'application/xml', ...headers});
  res.end(body);
}

/** A logger that keeps every line. */
export function memoryLogger(): Logger & {lines: string[]} {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`INFO ${m}`),
    warn: (m) => lines.push(`WARN ${m}`),
    debug: (m) => lines.push(`DEBUG ${m}`),
  };
}

/** Fast retries for tests. */
export const FAST_RETRY = {
  maxAttempts: 3,
  baseDelayMs: 5,
  maxDelayMs: 20,
  retryAfterCapMs: 30,
};

export const SECRETS = {
  clientSecret: 'cs-Sup3rS3cret-client',
  refreshToken: 'rt-0123456789-refresh$P',
  password: 'pw-hunter2-company-request-token',
  accessToken: 'at-eyJhbGciOi-static-access',
};

export function refreshConfig(
  oauthBaseUrl: string,
  apiBaseUrl?: string
): ResolvedConfig {
  return resolveConfig({
    credentials: {
      auth_type: 'oauth2_refresh_token',
      client_id: 'client-id-1',
      client_secret: SECRETS.clientSecret,
      refresh_token: SECRETS.refreshToken,
    },
    oauth_base_url: oauthBaseUrl,
    api_base_url: apiBaseUrl,
  });
}

export function staticConfig(
  apiBaseUrl: string,
  scheme?: 'Bearer' | 'OAuth'
): ResolvedConfig {
  return resolveConfig({
    credentials: {
      auth_type: 'access_token',
      access_token: SECRETS.accessToken,
      token_scheme: scheme,
    },
    api_base_url: apiBaseUrl,
  });
}

export const NS = 'http://www.concursolutions.com/api/expense/extract/2010/02';
export const EXTRACT = '/api/expense/extract/v1.0';

/** A token answer as Concur documents it (docs/concur-extract-api.md#token-endpoint-and-grants). */
export function tokenAnswer(
  accessToken: string,
  extra: Record<string, unknown> = {}
): string {
  return JSON.stringify({
    expires_in: '3600',
    scope: 'EXTRCT',
    token_type: 'Bearer',
    access_token: accessToken,
    refresh_token: SECRETS.refreshToken,
    ...extra,
  });
}
