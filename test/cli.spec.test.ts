import {byType, runCli} from './helpers/cli';
import {expectValidRun} from './helpers/protocol';

describe('spec (bin/main spec)', () => {
  let spec: any;
  let messages: any[];
  let nonJson: string[];

  beforeAll(async () => {
    const res = await runCli(['spec']);
    expect(res.code).toBe(0);
    messages = res.messages;
    nonJson = res.nonJson;
    spec = byType(messages, 'SPEC')[0].spec;
  });

  test('exactly one valid SPEC message', () => {
    expect(messages).toHaveLength(1);
    expectValidRun({nonJson, messages});
  });

  test('the contract properties, in order, with defaults', () => {
    const props = spec.connectionSpecification.properties;
    const visible = Object.entries<any>(props)
      .filter(([, p]) => !p.airbyte_hidden)
      .sort(([, a], [, b]) => a.order - b.order)
      .map(([name]) => name);
    expect(visible).toEqual([
      'credentials',
      'oauth_base_url',
      'api_base_url',
      'definitions',
      'start_date',
      'start_new_jobs',
      'job_wait_timeout_minutes',
      'file_encoding',
      'invalid_file_handling',
    ]);
    expect(props.file_encoding.default).toBe('utf-8');
    expect(props.invalid_file_handling.default).toBe('fail');
    expect(props.oauth_base_url.default).toBe(
      'https://us.api.concursolutions.com'
    );
    expect(props.start_new_jobs.default).toBe(false);
    expect(props.job_wait_timeout_minutes.default).toBe(60);
    expect(props.definitions.items).toEqual({type: 'string'});
    expect(spec.connectionSpecification.required).toEqual(['credentials']);
  });

  test('the CDK options are hidden from the form', () => {
    const props = spec.connectionSpecification.properties;
    for (const name of [
      'max_stream_failures',
      'max_slice_failures',
      'debug',
      'faros_source_id',
    ]) {
      expect(props[name]?.airbyte_hidden).toBe(true);
    }
  });

  test('credentials: oneOf on a const auth_type, secrets marked', () => {
    const variants = spec.connectionSpecification.properties.credentials.oneOf;
    expect(variants.map((v: any) => v.properties.auth_type.const)).toEqual([
      'oauth2_refresh_token',
      'oauth2_password',
      'access_token',
    ]);
    const secrets = variants.flatMap((v: any) =>
      Object.entries<any>(v.properties)
        .filter(([, p]) => p.airbyte_secret)
        .map(([n]) => `${v.properties.auth_type.const}.${n}`)
    );
    expect(secrets).toEqual([
      'oauth2_refresh_token.client_secret',
      'oauth2_refresh_token.refresh_token',
      'oauth2_password.client_secret',
      'oauth2_password.password',
      'access_token.access_token',
    ]);
    const pw = variants[1].properties;
    expect(pw.credtype.enum).toEqual(['password', 'authtoken']);
    expect(variants[2].properties.token_scheme.enum).toEqual([
      'Bearer',
      'OAuth',
    ]);
  });

  test('the start_new_jobs description says what starting a job does to Concur data', () => {
    const d =
      spec.connectionSpecification.properties.start_new_jobs.description;
    expect(d).toMatch(/changes Concur data/);
    expect(d).toMatch(/cannot be repeated/);
  });
});
