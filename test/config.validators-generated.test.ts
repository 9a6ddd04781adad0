/**
 * src/config-validators.generated.ts must be exactly what Ajv compiles from
 * resources/spec.json today (scripts/validators/code.ts): the connector
 * validates configs with it and never loads Ajv at run time.
 */
import {execFileSync} from 'child_process';
import fs from 'fs';
import path from 'path';

import {JsonSchema, validatedSchemas} from '../src/config-spec';
import * as VALIDATORS from '../src/config-validators.generated';

const LIB = path.join(__dirname, '..', 'lib');
const GENERATED = path.join(
  __dirname,
  '..',
  'src',
  'config-validators.generated.ts'
);

describe('ahead-of-time config validators', () => {
  test('the generated file is up to date with resources/spec.json (npm run gen:validators)', () => {
    // In a plain node process (the build's scripts/validators/code.js): prettier's import does not run inside jest.
    const fresh = node(
      `require(${JSON.stringify(path.join(LIB, 'scripts', 'validators', 'code'))})` +
        '.validatorsSource().then((s) => process.stdout.write(s));'
    );
    expect(fs.readFileSync(GENERATED, 'utf8')).toBe(fresh);
  });

  test('one validator per validated schema: the config and each credential variant', () => {
    const names = Object.keys(validatedSchemas());
    expect(names).toEqual(
      expect.arrayContaining([
        'config',
        'credentials_access_token',
        'credentials_oauth2_password',
        'credentials_oauth2_refresh_token',
      ])
    );
    for (const name of names) {
      expect(typeof (VALIDATORS as Record<string, unknown>)[name]).toBe(
        'function'
      );
    }
  });

  test('two auth types that would share a validator name are refused, not merged', () => {
    const variants = new Map<string, JsonSchema>([
      ['oauth2-password', {type: 'object'}],
      ['oauth2_password', {type: 'object'}],
    ]);
    expect(() => validatedSchemas(variants)).toThrow(
      /auth_type "oauth2_password" has the validator name "credentials_oauth2_password"/
    );
  });

  test('validating a config loads neither Ajv nor its compiler, only the formats the validators use', () => {
    const out = node(`
      require(${JSON.stringify(path.join(LIB, 'src', 'config'))}).resolveConfig({
        credentials: {auth_type: 'access_token', access_token: 'x'},
      });
      const ajv = Object.keys(require.cache).filter((f) => /node_modules\\/ajv(-formats)?\\//.test(f));
      process.stdout.write(JSON.stringify(ajv.map((f) => f.split('node_modules/')[1])));
    `);
    expect(JSON.parse(out)).toEqual(['ajv-formats/dist/formats.js']);
  });
});

function node(script: string): string {
  return execFileSync(process.execPath, ['-e', script], {encoding: 'utf8'});
}
