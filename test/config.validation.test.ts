import {
  AMOUNTS_AS,
  checkBaseUrl,
  FILE_ENCODINGS,
  INVALID_FILE_HANDLINGS,
  isLoopbackHost,
  resolveConfig,
} from '../src/config';
import {secretFields} from '../src/config-spec';
import {ConfigError} from '../src/errors';
import {redact} from '../src/redact';
import {readResource} from '../src/resources';
import {expectThrowsCode} from './helpers/errors';

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
    // The message names the setting (CONFIG_INVALID: "fix the setting the message names").
    expectThrowsCode(
      () => checkBaseUrl('api_base_url', 'http://www.concursolutions.com'),
      'CONFIG_INVALID',
      /^api_base_url /
    );
    expectThrowsCode(
      () => checkBaseUrl('x', 'http://128.0.0.1'),
      'CONFIG_INVALID'
    );
    expectThrowsCode(() => checkBaseUrl('x', 'ftp://a.b'), 'CONFIG_INVALID');
    expectThrowsCode(() => checkBaseUrl('x', 'not a url'), 'CONFIG_INVALID');
  });

  test('credentials: each variant and what it misses', () => {
    // What each variant misses is the feature: the message lists the fields.
    expectThrowsCode(
      () =>
        resolveConfig({
          credentials: {auth_type: 'oauth2_refresh_token'} as any,
        }),
      'CONFIG_INVALID',
      'client_id, client_secret, refresh_token'
    );
    expectThrowsCode(
      () => resolveConfig({credentials: {auth_type: 'magic'} as any}),
      'CONFIG_INVALID',
      'auth_type'
    );
    expectThrowsCode(
      () =>
        resolveConfig({credentials: {...creds, token_scheme: 'Basic'} as any}),
      'CONFIG_INVALID',
      'token_scheme'
    );
    expectThrowsCode(
      () => resolveConfig({} as any),
      'CONFIG_INVALID',
      'credentials'
    );
  });

  test('start_date and timeouts', () => {
    expect(
      resolveConfig({
        credentials: creds,
        start_date: '2024-01-01T00:00:00Z',
      }).startDate?.toISOString()
    ).toBe('2024-01-01T00:00:00.000Z');
    expectThrowsCode(
      () => resolveConfig({credentials: creds, start_date: 'yesterday'}),
      'CONFIG_INVALID',
      'start_date'
    );
    expectThrowsCode(
      () => resolveConfig({credentials: creds, job_wait_timeout_minutes: 0}),
      'CONFIG_INVALID',
      'job_wait_timeout_minutes'
    );
  });
});

describe('config: resources/spec.json is the source of truth', () => {
  const spec = readResource('spec.json').connectionSpecification;

  test('defaults are the spec defaults', () => {
    const c = resolveConfig({credentials: creds});
    expect(c.oauthBaseUrl).toBe(spec.properties.oauth_base_url.default);
    expect(c.jobWaitTimeoutMs).toBe(
      spec.properties.job_wait_timeout_minutes.default * 60_000
    );
    expect(c.maxUnzippedBytes).toBe(
      spec.properties.max_unzipped_mb.default * 1024 * 1024
    );
    expect(c.startNewJobs).toBe(spec.properties.start_new_jobs.default);
    expect(c.credentials).toMatchObject({token_scheme: 'Bearer'});
  });

  test('bounds, patterns and types are the spec rules', () => {
    const refused = (extra: object): ConfigError => {
      try {
        resolveConfig({credentials: creds, ...extra});
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).code).toBe('CONFIG_INVALID');
        return err as ConfigError;
      }
      throw new Error(`accepted ${JSON.stringify(extra)}`);
    };
    // Dates that Date() parses but the spec's pattern does not allow; the
    // message names the setting, the expected form and the value (the feature).
    expect(refused({start_date: '01/02/2024'}).message).toMatch(
      /start_date .*2024-01-01T00:00:00Z.*"01\/02\/2024"/
    );
    refused({start_date: '2024-01-01'});
    refused({start_date: '2024-01-01T00:00:00+01:00'});
    expect(
      refused({
        job_wait_timeout_minutes:
          spec.properties.job_wait_timeout_minutes.maximum + 1,
      }).message
    ).toMatch(/job_wait_timeout_minutes must be <= 1440, got 1441/);
    refused({job_wait_timeout_minutes: 1.5});
    refused({max_unzipped_mb: 0});
    refused({definitions: 'Standard Accounting Extract'});
    refused({start_new_jobs: 'yes'});
    refused({oauth_base_url: 'not a url'});
    expect(
      resolveConfig({credentials: creds, job_wait_timeout_minutes: 1440})
        .jobWaitTimeoutMs
    ).toBe(1440 * 60_000);
  });

  test("the code's enum types list exactly the spec's enums", () => {
    expect([...FILE_ENCODINGS]).toEqual(spec.properties.file_encoding.enum);
    expect([...INVALID_FILE_HANDLINGS]).toEqual(
      spec.properties.invalid_file_handling.enum
    );
    expect([...AMOUNTS_AS]).toEqual(spec.properties.amounts_as.enum);
    const c = resolveConfig({credentials: creds});
    expect([c.fileEncoding, c.invalidFileHandling, c.amountsAs]).toEqual([
      spec.properties.file_encoding.default,
      spec.properties.invalid_file_handling.default,
      spec.properties.amounts_as.default,
    ]);
  });

  test('a secret of the wrong type is named, never shown', () => {
    // The whole message: it names the field and shows no value.
    expectThrowsCode(
      () =>
        resolveConfig({
          credentials: {
            auth_type: 'oauth2_password',
            client_id: 'id',
            client_secret: 987654321,
            username: 'u',
            password: 'p-secret',
          } as any,
        }),
      'CONFIG_INVALID',
      /^credentials\.client_secret must be string\.$/
    );
  });

  test('the secrets to redact are the spec fields marked airbyte_secret', () => {
    expect(secretFields().sort()).toEqual(
      ['access_token', 'client_secret', 'password', 'refresh_token'].sort()
    );
    resolveConfig({
      credentials: {
        auth_type: 'oauth2_refresh_token',
        client_id: 'visible-client',
        client_secret: 'hidden-secret-1',
        refresh_token: 'hidden-refresh-2',
      },
    });
    expect(redact('visible-client hidden-secret-1 hidden-refresh-2')).toBe(
      'visible-client **REDACTED** **REDACTED**'
    );
  });
});
