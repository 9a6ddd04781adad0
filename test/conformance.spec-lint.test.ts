/**
 * CAT's TestSpec rules on `bin/main spec`: secrets marked (with CAT's name
 * heuristics), oneOf with one const discriminator per variant, unique `order`
 * per level, no forbidden keywords or $ref, additionalProperties true when set,
 * date/date-time patterns the UI can fill; configs valid against the spec.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'fs';
import {cloneDeep} from 'lodash';

import {
  expectWellFormed,
  MODES,
  ofType,
  readTestFile,
  runConnector,
  schemaProblems,
  specProblems,
  TEST_FILES,
} from './helpers/conformance';

describe.each(MODES)('spec lint (%s mode)', (_mode, env) => {
  let spec: any;
  const warnings: string[] = [];

  beforeAll(async () => {
    const run = await runConnector(['spec'], env);
    expect(run.code).toBe(0);
    expectWellFormed(run);
    const specs = ofType(run, 'SPEC');
    expect(specs).toHaveLength(1);
    expect(run.messages).toHaveLength(1);
    spec = specs[0].spec;
  });

  test('the spec passes every CAT spec rule', () => {
    expect(specProblems(spec, warnings)).toEqual([]);
  });

  test('connectionSpecification is a valid draft-07 schema (the connector itself skips this meta-check at start-up)', () => {
    expect(schemaProblems(spec.connectionSpecification)).toEqual([]);
  });

  test('CAT warnings are limited to the start_date pattern (stricter than CAT’s, accepts the UI’s value)', () => {
    specProblems(spec, warnings);
    expect([...new Set(warnings)]).toEqual([
      expect.stringMatching(/^\/properties\/start_date: CAT warns/),
    ]);
  });

  test('every secret the spec holds is marked, including those CAT’s names do not catch', () => {
    const cs = spec.connectionSpecification;
    const variants = cs.properties.credentials.oneOf;
    const marked = variants.flatMap((v: any) =>
      Object.entries<any>(v.properties)
        .filter(([, p]) => p.airbyte_secret)
        .map(([n]) => n)
    );
    expect(new Set(marked)).toEqual(
      new Set(['client_secret', 'refresh_token', 'password', 'access_token'])
    );
    // Nothing outside credentials is secret, and no boolean/const is marked.
    for (const [name, p] of Object.entries<any>(cs.properties)) {
      if (name !== 'credentials')
        expect([name, p.airbyte_secret]).toEqual([name, undefined]);
    }
  });

  test('supportsIncremental and the destination sync modes match the catalog', () => {
    expect(spec.supportsIncremental).toBe(true);
    expect(spec.supported_destination_sync_modes).toEqual(
      expect.arrayContaining(['overwrite', 'append', 'append_dedup'])
    );
    // The docs live in the repository (docs/concur-extract.md), which has no
    // public address yet: no documentationUrl rather than a made-up one.
    expect(spec.documentationUrl).toBeUndefined();
  });

  test('every test_files config validates against connectionSpecification (CAT test_config_match_spec)', () => {
    const ajv = new Ajv({strict: false, allErrors: true});
    addFormats(ajv);
    const validate = ajv.compile(spec.connectionSpecification);
    const configs = fs
      .readdirSync(TEST_FILES)
      .filter((f) => /config.*\.json$/.test(f) && !/catalog/.test(f));
    expect(configs).toEqual(
      expect.arrayContaining([
        'config.json',
        'config_password.json',
        'config_company_token.json',
        'config_access_token.json',
        'invalid_config.json',
      ])
    );
    for (const f of configs) {
      const config = Object.fromEntries(
        Object.entries(readTestFile(f)).filter(([k]) => !k.startsWith('_'))
      );
      validate(config);
      expect([f, validate.errors ?? []]).toEqual([f, []]);
    }
  });
});

describe('spec lint catches what CAT rejects', () => {
  let spec: any;
  beforeAll(async () => {
    const run = await runConnector(['spec']);
    spec = ofType(run, 'SPEC')[0].spec;
  });

  const mutate = (fn: (cs: any) => void): string[] => {
    const copy = cloneDeep(spec);
    fn(copy.connectionSpecification);
    return specProblems(copy);
  };
  const variant = (cs: any, i: number) =>
    cs.properties.credentials.oneOf[i].properties;

  test.each<[string, (cs: any) => void, RegExp]>([
    [
      'unmarked client_secret',
      (cs) => delete variant(cs, 0).client_secret.airbyte_secret,
      /client_secret" must be marked/,
    ],
    [
      'a marked object named like a secret',
      (cs) => (cs.properties.credentials.airbyte_secret = true),
      /credentials" cannot hold a secret/,
    ],
    [
      'unmarked property named like a secret',
      (cs) => (cs.properties.token = {type: 'string', order: 99}),
      /"token" must be marked/,
    ],
    [
      'a variant without the const',
      (cs) => delete variant(cs, 2).auth_type.const,
      /0 common const/,
    ],
    [
      'a discriminator default',
      (cs) => (variant(cs, 0).auth_type.default = 'oauth2_refresh_token'),
      /default or enum/,
    ],
    [
      'duplicate order',
      (cs) => (cs.properties.api_base_url.order = 1),
      /order 1 used by/,
    ],
    ['anyOf', (cs) => (cs.properties.definitions.anyOf = [{}]), /anyOf/],
    [
      'patternProperties',
      (cs) => (cs.patternProperties = {x: {type: 'string'}}),
      /patternProperties/,
    ],
    [
      '$ref',
      (cs) => (cs.properties.start_date = {$ref: '#/definitions/x'}),
      /\$ref/,
    ],
    [
      'additionalProperties false',
      (cs) => (cs.additionalProperties = false),
      /additionalProperties/,
    ],
    [
      'date-time without a pattern',
      (cs) => delete cs.properties.start_date.pattern,
      /without a pattern/,
    ],
    [
      'a pattern the date picker cannot satisfy',
      (cs) => (cs.properties.start_date.pattern = '^\\d{4}$'),
      /rejects the date picker/,
    ],
    [
      'two non-null types',
      (cs) => (cs.properties.api_base_url.type = ['string', 'integer']),
      /type \[/,
    ],
    [
      'group below the top level',
      (cs) => (variant(cs, 0).client_id.group = 'auth'),
      /group below/,
    ],
  ])('%s', (_name, fn, expected) => {
    const problems = mutate(fn);
    expect(problems.join('\n')).toMatch(expected);
  });
});
