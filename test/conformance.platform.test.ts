/**
 * Platform mode (WORKER_JOB_ID set, as on Airbyte's workers) must be as clean
 * as plain mode: records with only the schema's fields (no `__faros_*`), no
 * heartbeat records, logs as LOG messages (not batched into STATE), and the
 * same records, states and catalog as plain mode.
 */
import {
  canonical,
  command,
  configFile,
  MODES,
  ofType,
  pkValues,
  read,
  readTestFile,
  recordSet,
  recordsOf,
  Run,
  setDiff,
  startDemo,
  statesOf,
  withDiscoveredSchemas,
} from './helpers/conformance';
import {SimulatorHandle} from './helpers/sim';

const [[, PLAIN], [, PLATFORM]] = MODES;

describe('platform mode (WORKER_JOB_ID=123)', () => {
  let sim: SimulatorHandle;
  let catalog: any;
  const discover: Record<string, Run> = {};
  const reads: Record<string, Run> = {};

  beforeAll(async () => {
    expect(PLATFORM).toEqual({WORKER_JOB_ID: '123'});
    sim = await startDemo();
    const config = configFile('config.json', sim);
    discover.plain = await command('discover', config, PLAIN);
    discover.platform = await command('discover', config, PLATFORM);
    catalog = withDiscoveredSchemas(
      readTestFile('full_configured_catalog.json'),
      ofType(discover.platform, 'CATALOG')[0].catalog
    );
    reads.plain = await read(config, catalog, PLAIN);
    reads.platform = await read(config, catalog, PLATFORM);
  });
  afterAll(() => sim.close());

  test('no __faros_ field or value anywhere on stdout', () => {
    expect(reads.platform.code).toBe(0);
    expect(recordsOf(reads.platform).length).toBeGreaterThan(100);
    expect(reads.platform.stdout).not.toMatch(/__faros/);
    expect(discover.platform.stdout).not.toMatch(/__faros/);
  });

  test('records carry only the discovered schema’s fields', () => {
    for (const c of catalog.streams) {
      const declared = new Set(Object.keys(c.stream.json_schema.properties));
      const extra = new Set(
        recordsOf(reads.platform, c.stream.name).flatMap((r) =>
          Object.keys(r.data).filter((k) => !declared.has(k))
        )
      );
      expect([c.stream.name, [...extra]]).toEqual([c.stream.name, []]);
    }
  });

  test('no heartbeat records: every record is a row of a configured stream with its primary key', () => {
    const names = new Set(catalog.streams.map((c: any) => c.stream.name));
    for (const r of recordsOf(reads.platform)) {
      expect(names.has(r.stream)).toBe(true);
      expect(Object.keys(r.data).length).toBeGreaterThan(0);
      expect(pkValues(r.stream, r.data).every((v) => v != null)).toBe(true);
    }
    expect(recordsOf(reads.platform)).toHaveLength(
      recordsOf(reads.plain).length
    );
  });

  test('logs stay LOG messages; STATE messages are per-stream checkpoints only', () => {
    const logs = ofType(reads.platform, 'LOG');
    expect(logs.length).toBeGreaterThan(3);
    expect(logs.map((m) => m.log.message)).toEqual(
      ofType(reads.plain, 'LOG').map((m) => m.log.message)
    );
    for (const s of statesOf(reads.platform)) {
      expect(s.type).toBe('STREAM');
      expect(Object.keys(s).sort()).toEqual(['sourceStats', 'stream', 'type']);
    }
  });

  test('the same records and states as plain mode', () => {
    expect(setDiff(recordSet(reads.platform), recordSet(reads.plain))).toEqual({
      missing: [],
      unexpected: [],
    });
    expect(statesOf(reads.platform).map(canonical)).toEqual(
      statesOf(reads.plain).map(canonical)
    );
  });

  test('the same catalog as plain mode', () => {
    expect(ofType(discover.platform, 'CATALOG')).toEqual(
      ofType(discover.plain, 'CATALOG')
    );
  });
});
