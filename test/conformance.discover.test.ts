/**
 * CAT's TestDiscovery on `bin/main discover`: one non-empty CATALOG with
 * unique names, Draft-07 schemas that compile, primary keys and cursors present
 * (and of scalar types), no $ref/allOf/not, sync modes, additionalProperties.
 */
import {
  command,
  configFile,
  expectWellFormed,
  MODES,
  ofType,
  PRIMARY_KEYS,
  schemaProblems,
  startDemo,
} from './helpers/conformance';
import {SimulatorHandle} from './helpers/sim';

/** Every value of `key` anywhere in a JSON value, where it is a schema keyword. */
function keywordValues(value: unknown, key: string, parent = ''): unknown[] {
  if (Array.isArray(value))
    return value.flatMap((v) => keywordValues(v, key, ''));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(k === key && parent !== 'properties' ? [v] : []),
    ...keywordValues(v, key, k),
  ]);
}

const typesOf = (prop: any): string[] =>
  Array.isArray(prop?.type) ? prop.type : prop?.type ? [prop.type] : [];

describe.each(MODES)('discover (%s mode)', (_mode, env) => {
  let sim: SimulatorHandle;
  let streams: any[];

  beforeAll(async () => {
    sim = await startDemo(false);
    const run = await command('discover', configFile('config.json', sim), env);
    expect(run.code).toBe(0);
    expectWellFormed(run);
    const catalogs = ofType(run, 'CATALOG');
    expect(catalogs).toHaveLength(1);
    streams = catalogs[0].catalog.streams;
  });
  afterAll(() => sim.close());

  test('one non-empty catalog with unique stream names: the contract’s six streams', () => {
    const names = streams.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([
      'extract_definitions',
      'extract_jobs',
      'extract_file_rows',
      'sae_rows',
      'prae_rows',
      'extract_files',
    ]);
  });

  test('every json_schema is a valid Draft-07 schema that compiles', () => {
    for (const s of streams) {
      expect([s.name, schemaProblems(s.json_schema)]).toEqual([s.name, []]);
      expect(s.json_schema.type).toBe('object');
      expect(Object.keys(s.json_schema.properties).length).toBeGreaterThan(0);
    }
  });

  test('no $ref, allOf or not; additionalProperties true wherever set', () => {
    for (const s of streams) {
      for (const k of ['$ref', 'allOf', 'not'])
        expect([s.name, k, keywordValues(s.json_schema, k)]).toEqual([
          s.name,
          k,
          [],
        ]);
      const ap = keywordValues(s.json_schema, 'additionalProperties');
      expect([s.name, ap.filter((v) => v !== true)]).toEqual([s.name, []]);
    }
  });

  test('sync modes, primary keys and cursors as the contract says', () => {
    const byName = Object.fromEntries(streams.map((s) => [s.name, s]));
    for (const s of streams) {
      expect(s.supported_sync_modes.length).toBeGreaterThan(0);
      expect(s.source_defined_primary_key).toEqual(PRIMARY_KEYS[s.name]);
    }
    expect(byName.extract_definitions.supported_sync_modes).toEqual([
      'full_refresh',
    ]);
    // Incremental streams resume from their last checkpoint; the full-refresh-only one does not claim to.
    expect(byName.extract_definitions.is_resumable).toBeUndefined();
    expect(byName.extract_jobs).toMatchObject({
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_cursor: true,
      default_cursor_field: ['stop_time'],
      is_resumable: true,
    });
    for (const name of [
      'extract_file_rows',
      'sae_rows',
      'prae_rows',
      'extract_files',
    ]) {
      expect(byName[name]).toMatchObject({
        supported_sync_modes: ['full_refresh', 'incremental'],
        source_defined_cursor: true,
        default_cursor_field: ['job_stop_time'],
        is_resumable: true,
      });
    }
  });

  test('each primary key exists in the schema, required, of a scalar type', () => {
    for (const s of streams) {
      for (const pk of s.source_defined_primary_key ?? []) {
        const prop = pk.reduce(
          (node: any, k: string) => node?.properties?.[k],
          s.json_schema
        );
        expect([s.name, pk, prop === undefined]).toEqual([s.name, pk, false]);
        const types = typesOf(prop);
        expect(types.length).toBeGreaterThan(0);
        expect(types.filter((t) => t === 'object' || t === 'array')).toEqual(
          []
        );
        expect(s.json_schema.required ?? []).toContain(pk[0]);
      }
    }
  });

  test('each cursor exists in the schema as a date-time string', () => {
    for (const s of streams.filter((x) => x.default_cursor_field)) {
      const prop = s.default_cursor_field.reduce(
        (node: any, k: string) => node?.properties?.[k],
        s.json_schema
      );
      expect([s.name, prop === undefined]).toEqual([s.name, false]);
      expect(typesOf(prop)).toContain('string');
      expect(prop.format).toBe('date-time');
    }
  });
});
