/**
 * CAT's TestBasicRead, TestFullRefresh and TestIncremental on `bin/main read`
 * against the demo simulator: records valid against the discovered schemas
 * (strict integers, date/date-time), every stream non-empty, primary keys
 * non-null scalars, state messages as CAT wants them, a TRACE error for an
 * unknown stream, idempotent full refreshes, disjoint incremental reads.
 */
import {
  configFile,
  DEFINITION_IDS,
  discoveredCatalog,
  fullRefreshOnly,
  latestStates,
  MODES,
  nonIntegerLiterals,
  only,
  pkValues,
  read,
  recordSet,
  recordsOf,
  Run,
  setDiff,
  startDemo,
  statesOf,
} from './helpers/conformance';
import {recordValidator} from './helpers/protocol';
import {SimulatorHandle} from './helpers/sim';

describe.each(MODES)('read (%s mode)', (_mode, env) => {
  let sim: SimulatorHandle;
  let config: object;
  let catalog: any;
  let basic: Run;

  beforeAll(async () => {
    sim = await startDemo();
    config = configFile('config.json', sim);
    catalog = await discoveredCatalog(config, env);
    basic = await read(config, catalog, env);
  });
  afterAll(() => sim.close());

  describe('basic_read', () => {
    test('exit 0, at least one record, every configured stream has records', () => {
      expect(basic.code).toBe(0);
      expect(basic.invalid).toEqual([]);
      const counts = Object.fromEntries(
        catalog.streams.map((c: any) => [
          c.stream.name,
          recordsOf(basic, c.stream.name).length,
        ])
      );
      expect(counts).toEqual({
        extract_definitions: 3,
        // 7 finished jobs; the demo's Running job has finished too (clock moved on).
        extract_jobs: 8,
        extract_file_rows: expect.any(Number),
        sae_rows: expect.any(Number),
        prae_rows: expect.any(Number),
        // One ledger record per file of the 8 Completed jobs (each a single file).
        extract_files: 8,
      });
      expect(counts.extract_file_rows).toBeGreaterThan(100);
      // The per-layout streams: exactly the DETAIL lines of their layouts.
      const raw = recordsOf(basic, 'extract_file_rows').map((r) => r.data);
      const details = (layout: RegExp): number =>
        raw.filter(
          (r) =>
            layout.test(r.layout ?? '') &&
            r.record_type.toUpperCase() === 'DETAIL'
        ).length;
      expect(counts.sae_rows).toBe(details(/^sae_/));
      expect(counts.prae_rows).toBe(details(/^prae$/));
      expect(counts.sae_rows).toBeGreaterThan(0);
      expect(counts.prae_rows).toBeGreaterThan(0);
    });

    test('records validate against the discovered schemas (strict integers, date and date-time formats)', () => {
      for (const c of catalog.streams) {
        const validate = recordValidator(c.stream.json_schema);
        const errors = recordsOf(basic, c.stream.name)
          .filter((r) => !validate(r.data))
          .map((r) => ({
            pk: pkValues(r.stream, r.data),
            errors: validate.errors,
          }));
        expect([c.stream.name, errors.slice(0, 3)]).toEqual([
          c.stream.name,
          [],
        ]);
        expect(
          nonIntegerLiterals(basic, c.stream.name, c.stream.json_schema)
        ).toEqual([]);
      }
    });

    test('records carry only declared columns and share fields with the schema (fail_on_extra_columns)', () => {
      for (const c of catalog.streams) {
        const declared = new Set(Object.keys(c.stream.json_schema.properties));
        const extra = new Set<string>();
        for (const r of recordsOf(basic, c.stream.name)) {
          const keys = Object.keys(r.data);
          expect(keys.some((k) => declared.has(k))).toBe(true);
          for (const k of keys) if (!declared.has(k)) extra.add(k);
        }
        expect([c.stream.name, [...extra]]).toEqual([c.stream.name, []]);
      }
    });

    test('primary keys are non-null scalars and unique', () => {
      for (const c of catalog.streams) {
        const seen = new Set<string>();
        for (const r of recordsOf(basic, c.stream.name)) {
          const pk = pkValues(r.stream, r.data);
          expect(pk.length).toBeGreaterThan(0);
          for (const v of pk) {
            expect(v).not.toBeNull();
            expect(v).not.toBeUndefined();
            expect(typeof v).not.toBe('object');
          }
          seen.add(JSON.stringify(pk));
        }
        expect(seen.size).toBe(recordsOf(basic, c.stream.name).length);
      }
    });

    test('validate_state_messages: #STATE ≥ #streams, each per-stream with sourceStats', () => {
      const states = statesOf(basic);
      expect(states.length).toBeGreaterThanOrEqual(catalog.streams.length);
      for (const s of states) {
        expect(s.type).toBe('STREAM');
        expect(s.stream.stream_descriptor.name).toEqual(expect.any(String));
        expect(typeof s.sourceStats.recordCount).toBe('number');
      }
      // Every configured stream checkpoints at least once.
      expect(
        new Set(states.map((s) => s.stream.stream_descriptor.name))
      ).toEqual(new Set(catalog.streams.map((c: any) => c.stream.name)));
    });
  });

  describe('full_refresh', () => {
    test('two sequential reads give the same records, the second with later emitted_at', async () => {
      const frCatalog = fullRefreshOnly(catalog);
      const r1 = await read(config, frCatalog, env);
      const r2 = await read(config, frCatalog, env);
      expect([r1.code, r2.code]).toEqual([0, 0]);
      const s1 = recordSet(r1);
      expect(s1.length).toBeGreaterThan(100);
      expect(setDiff(recordSet(r2), s1)).toEqual({missing: [], unexpected: []});
      // Full refresh lists every job, also unfinished ones: a superset of the incremental read.
      expect(recordsOf(r1, 'extract_jobs').length).toBeGreaterThanOrEqual(
        recordsOf(basic, 'extract_jobs').length
      );
      const max1 = Math.max(...recordsOf(r1).map((r) => r.emitted_at));
      const min2 = Math.min(...recordsOf(r2).map((r) => r.emitted_at));
      expect(max1).toBeLessThan(min2);
    });
  });

  describe('incremental', () => {
    const incCatalog = () => only(catalog, 'extract_jobs', 'extract_file_rows');

    test('read 2 from read 1’s state yields nothing new (and differs from read 1)', async () => {
      const r1 = await read(config, incCatalog(), env);
      expect(recordsOf(r1).length).toBeGreaterThan(0);
      expect(statesOf(r1).length).toBeGreaterThan(0);
      const r2 = await read(config, incCatalog(), env, latestStates(r1));
      expect(r2.code).toBe(0);
      expect(recordsOf(r2)).toEqual([]);
      expect(statesOf(r2).length).toBeGreaterThanOrEqual(2);
    });

    test('with jobs added between reads: disjoint reads whose union is the full set', async () => {
      const fresh = await startDemo();
      try {
        const cfg = configFile('config.json', fresh);
        const r1 = await read(cfg, incCatalog(), env);
        // A SAE job finishing after every job read so far (the demo's
        // clock-dependent job finished "now"), and a PRAE job finishing at
        // exactly the PRAE cursor.
        const later = Date.now() + 3_600_000;
        fresh.addJob(DEFINITION_IDS.sae, {
          id: 'conf$pNewSae1',
          status: 'Completed',
          start_time: new Date(later).toISOString(),
          stop_time: new Date(later + 42_000).toISOString(),
          file: {
            sae_v3: {
              details: 4,
              seed: 901,
              batch_id: 90,
              batch_date: '2024-02-01',
            },
          },
        });
        fresh.addJob(DEFINITION_IDS.prae, {
          id: 'conf$sTwinPrae',
          status: 'Completed',
          start_time: '2024-01-13T02:00:06Z',
          stop_time: '2024-01-13T02:00:41Z',
          file: {
            prae: {
              details: 3,
              seed: 902,
              batch_id: 91,
              batch_date: '2024-01-13',
            },
          },
        });
        const r2 = await read(cfg, incCatalog(), env, latestStates(r1));
        const all = await read(cfg, incCatalog(), env);
        for (const r of [r1, r2, all]) expect(r.code).toBe(0);

        const s1 = recordSet(r1);
        const s2 = recordSet(r2);
        expect(s2.length).toBeGreaterThan(0);
        expect(new Set(s2).size).toBe(s2.length);
        expect(setDiff(s1, s2).unexpected.length).toBe(s1.length); // disjoint
        expect(setDiff([...s1, ...s2], recordSet(all))).toEqual({
          missing: [],
          unexpected: [],
        });
        expect(
          recordsOf(r2, 'extract_jobs')
            .map((j) => j.data.id)
            .sort()
        ).toEqual(['conf$pNewSae1', 'conf$sTwinPrae']);
        expect(
          new Set(recordsOf(r2, 'extract_file_rows').map((r) => r.data.job_id))
        ).toEqual(new Set(['conf$pNewSae1', 'conf$sTwinPrae']));
        // 4 + 1 SAE lines, 3 + 1 PRAE lines.
        expect(recordsOf(r2, 'extract_file_rows')).toHaveLength(9);
      } finally {
        await fresh.close();
      }
    });
  });
});
