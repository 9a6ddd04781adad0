import {checkBaseUrl, isLoopbackHost, resolveConfig} from '../src/config';
import {ConfigError} from '../src/errors';

const creds = {auth_type: 'access_token' as const, access_token: 'tok-1234'};

describe('config: validation', () => {
  test('defaults', () => {
    const c = resolveConfig({credentials: creds});
    expect(c.oauthBaseUrl).toBe('https://us.api.concursolutions.com');
    expect(c.apiBaseUrl).toBeUndefined();
    expect(c.definitions).toEqual([]);
    expect(c.startNewJobs).toBe(false);
    expect(c.jobWaitTimeoutMs).toBe(60 * 60_000);
  });

  test('plain http only for loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.9.9.9', 'localhost', '[::1]'])
      expect(isLoopbackHost(h)).toBe(true);
    expect(checkBaseUrl('x', 'http://127.0.0.1:8111/')).toBe(
      'http://127.0.0.1:8111'
    );
    expect(checkBaseUrl('x', 'http://[::1]:80')).toBe('http://[::1]');
    expect(() =>
      checkBaseUrl('api_base_url', 'http://www.concursolutions.com')
    ).toThrow(/api_base_url .*plain http:\/\/.*loopback/);
    expect(() => checkBaseUrl('x', 'http://128.0.0.1')).toThrow(ConfigError);
    expect(() => checkBaseUrl('x', 'ftp://a.b')).toThrow(ConfigError);
    expect(() => checkBaseUrl('x', 'not a url')).toThrow(/not a URL/);
  });

  test('credentials: each variant and what it misses', () => {
    expect(() =>
      resolveConfig({credentials: {auth_type: 'oauth2_refresh_token'} as any})
    ).toThrow(/missing: client_id, client_secret, refresh_token/);
    expect(() =>
      resolveConfig({credentials: {auth_type: 'magic'} as any})
    ).toThrow(/auth_type "magic"/);
    expect(() =>
      resolveConfig({credentials: {...creds, token_scheme: 'Basic'} as any})
    ).toThrow(/token_scheme/);
    expect(() => resolveConfig({} as any)).toThrow(/credentials are missing/);
  });

  test('start_date and timeouts', () => {
    expect(
      resolveConfig({
        credentials: creds,
        start_date: '2024-01-01T00:00:00Z',
      }).startDate?.toISOString()
    ).toBe('2024-01-01T00:00:00.000Z');
    expect(() =>
      resolveConfig({credentials: creds, start_date: 'yesterday'})
    ).toThrow(/start_date/);
    expect(() =>
      resolveConfig({credentials: creds, job_wait_timeout_minutes: 0})
    ).toThrow(/job_wait_timeout_minutes/);
  });
});
