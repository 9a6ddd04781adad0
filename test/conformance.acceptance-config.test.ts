/**
 * Keeps acceptance-test-config.yml and test_files/ true: the YAML has only
 * keys CAT's pydantic models accept (extra = forbid), every path it names
 * exists, the expected spec is `bin/main spec`'s, the configs pass `check`
 * against the demo simulator as the YAML says, the expected records come out
 * of a read with the configured catalog, and the future state yields nothing.
 *
 * UPDATE_TEST_FILES=1 npx jest test/conformance.acceptance-config
 * regenerates test_files/spec.json, expected_records.jsonl and state.json.
 */
import fs from 'fs';
import yaml from 'js-yaml';
import path from 'path';

import {ROOT} from './helpers/cli';
import {
  canonical,
  CLOCK_DEPENDENT_JOB,
  command,
  configFile,
  DEFINITION_IDS,
  DEMO_URL,
  latestStates,
  ofType,
  pkKey,
  read,
  readTestFile,
  recordsOf,
  rewriteStrings,
  Run,
  runConnector,
  startDemo,
  statesOf,
  TEST_FILES,
  withDiscoveredSchemas,
} from './helpers/conformance';
import {SimulatorHandle} from './helpers/sim';

const UPDATE = process.env.UPDATE_TEST_FILES === '1';
const YAML_PATH = path.join(ROOT, 'acceptance-test-config.yml');

/** The keys CAT's config.py models allow at each level (they forbid others). */
const ALLOWED: Record<string, string[]> = {
  root: [
    'connector_image',
    'acceptance_tests',
    'base_path',
    'test_strictness_level',
    'custom_environment_variables',
  ],
  acceptance_tests: [
    'spec',
    'connection',
    'discovery',
    'basic_read',
    'full_refresh',
    'incremental',
    'connector_attributes',
    'connector_documentation',
  ],
  group: ['bypass_reason', 'tests'],
  spec: [
    'spec_path',
    'config_path',
    'timeout_seconds',
    'deployment_mode',
    'backward_compatibility_tests_config',
    'auth_default_method',
  ],
  connection: ['config_path', 'status', 'timeout_seconds', 'deployment_mode'],
  discovery: [
    'config_path',
    'timeout_seconds',
    'deployment_mode',
    'backward_compatibility_tests_config',
    'validate_primary_keys_data_type',
  ],
  basic_read: [
    'config_path',
    'deployment_mode',
    'configured_catalog_path',
    'empty_streams',
    'expect_records',
    'validate_schema',
    'validate_stream_statuses',
    'validate_state_messages',
    'validate_primary_keys_data_type',
    'fail_on_extra_columns',
    'validate_data_points',
    'expect_trace_message_on_failure',
    'timeout_seconds',
    'file_types',
    'client_container_config',
  ],
  expect_records: ['bypass_reason', 'path', 'exact_order'],
  empty_stream: ['name', 'bypass_reason'],
  full_refresh: [
    'config_path',
    'configured_catalog_path',
    'timeout_seconds',
    'deployment_mode',
    'ignored_fields',
    'client_container_config',
  ],
  incremental: [
    'config_path',
    'configured_catalog_path',
    'future_state',
    'timeout_seconds',
    'deployment_mode',
    'skip_comprehensive_incremental_tests',
    'client_container_config',
  ],
  future_state: [
    'future_state_path',
    'missing_streams',
    'bypass_reason',
    'cursor_format',
  ],
};

function keyProblems(doc: any): string[] {
  const problems: string[] = [];
  const check = (obj: any, level: string, at: string) => {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
      problems.push(`${at}: not a mapping`);
      return;
    }
    for (const k of Object.keys(obj))
      if (!ALLOWED[level].includes(k)) problems.push(`${at}.${k}: not allowed`);
  };
  check(doc, 'root', '');
  check(doc?.acceptance_tests, 'acceptance_tests', 'acceptance_tests');
  for (const [group, body] of Object.entries<any>(
    doc?.acceptance_tests ?? {}
  )) {
    const at = `acceptance_tests.${group}`;
    check(body, 'group', at);
    if (!ALLOWED[group]) continue;
    (body?.tests ?? []).forEach((t: any, i: number) => {
      check(t, group, `${at}.tests[${i}]`);
      if (t?.expect_records)
        check(
          t.expect_records,
          'expect_records',
          `${at}.tests[${i}].expect_records`
        );
      for (const e of t?.empty_streams ?? [])
        check(e, 'empty_stream', `${at}.tests[${i}].empty_streams`);
      if (t?.future_state)
        check(t.future_state, 'future_state', `${at}.tests[${i}].future_state`);
    });
  }
  return problems;
}

/** Every value of a key ending in `path` (config_path, spec_path, …, expect_records.path). */
function namedPaths(value: unknown, key = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => namedPaths(v, key));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => namedPaths(v, k));
  return /(^|_)path$/.test(key) && typeof value === 'string' ? [value] : [];
}

const tests = (doc: any, group: string): any[] =>
  doc.acceptance_tests[group]?.tests ?? [];
const relative = (p: string) => path.relative(TEST_FILES, path.join(ROOT, p));

function readJsonl(p: string): any[] {
  return fs
    .readFileSync(path.join(ROOT, p), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/** What expected_records.jsonl keeps of a read: per file its first two lines and its last. */
function expectedSubset(run: Run, sim: SimulatorHandle): string {
  const rows = recordsOf(run).filter(
    (r) =>
      r.data.id !== CLOCK_DEPENDENT_JOB && r.data.job_id !== CLOCK_DEPENDENT_JOB
  );
  const lastLine = new Map<string, number>();
  for (const r of rows.filter((x) => x.stream === 'extract_file_rows')) {
    const f = `${r.data.job_id}/${r.data.file_name}`;
    lastLine.set(f, Math.max(lastLine.get(f) ?? 0, r.data.line_number));
  }
  return rows
    .filter(
      (r) =>
        r.stream !== 'extract_file_rows' ||
        r.data.line_number <= 2 ||
        r.data.line_number ===
          lastLine.get(`${r.data.job_id}/${r.data.file_name}`)
    )
    .map((r) =>
      JSON.stringify(
        rewriteStrings(
          {stream: r.stream, data: r.data, emitted_at: r.emitted_at},
          sim.url,
          DEMO_URL
        )
      )
    )
    .join('\n')
    .concat('\n');
}

describe('acceptance-test-config.yml', () => {
  let doc: any;
  let sim: SimulatorHandle;
  let discovered: any;

  beforeAll(async () => {
    // Like CAT against a simulator just started: the demo's Running job has not finished.
    sim = await startDemo(false);
    if (UPDATE) {
      const spec = await runConnector(['spec']);
      fs.writeFileSync(
        path.join(TEST_FILES, 'spec.json'),
        JSON.stringify(ofType(spec, 'SPEC')[0].spec, null, 2) + '\n'
      );
      const cfg = configFile('config.json', sim);
      const disc = await command('discover', cfg);
      const cat = withDiscoveredSchemas(
        readTestFile('full_configured_catalog.json'),
        ofType(disc, 'CATALOG')[0].catalog
      );
      const run = await read(cfg, cat);
      expect(run.code).toBe(0);
      fs.writeFileSync(
        path.join(TEST_FILES, 'expected_records.jsonl'),
        expectedSubset(run, sim)
      );
      const state = latestStates(run).filter(
        (s) => s.stream.stream_descriptor.name !== 'extract_definitions'
      );
      fs.writeFileSync(
        path.join(TEST_FILES, 'state.json'),
        JSON.stringify(rewriteStrings(state, sim.url, DEMO_URL), null, 2) + '\n'
      );
    }
    doc = yaml.load(fs.readFileSync(YAML_PATH, 'utf8'));
    const disc = await command('discover', configFile('config.json', sim));
    discovered = ofType(disc, 'CATALOG')[0].catalog;
  });
  afterAll(() => sim.close());

  test('uses only keys CAT’s current config models accept', () => {
    expect(keyProblems(doc)).toEqual([]);
    // Not vacuous: legacy keys are caught.
    expect(
      keyProblems({
        ...doc,
        acceptance_tests: {
          ...doc.acceptance_tests,
          incremental: {
            tests: [{config_path: 'x', cursor_paths: {extract_jobs: ['x']}}],
          },
        },
      })
    ).toEqual([
      'acceptance_tests.incremental.tests[0].cursor_paths: not allowed',
    ]);
    expect(doc.test_strictness_level).toMatch(/^(low|high)$/);
    expect(
      ['succeed', 'failed', 'exception'].includes(
        tests(doc, 'connection')[0].status
      )
    ).toBe(true);
  });

  test('names the image the Dockerfile builds and runs every test group', () => {
    const pkg = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')
    );
    expect(doc.connector_image).toBe(`airbyte/${pkg.name}:dev`);
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(new RegExp(`ARG VERSION=${pkg.version}\\b`));
    for (const group of [
      'spec',
      'connection',
      'discovery',
      'basic_read',
      'full_refresh',
      'incremental',
    ])
      expect([group, tests(doc, group).length > 0]).toEqual([group, true]);
  });

  test('every path it names exists', () => {
    const paths = namedPaths(doc.acceptance_tests);
    expect(paths.length).toBeGreaterThanOrEqual(12);
    expect(paths.filter((p) => !fs.existsSync(path.join(ROOT, p)))).toEqual([]);
  });

  test('the expected spec is exactly what `bin/main spec` prints', async () => {
    const run = await runConnector(['spec']);
    const actual = ofType(run, 'SPEC')[0].spec;
    for (const t of tests(doc, 'spec'))
      expect(readTestFile(relative(t.spec_path))).toEqual(actual);
  });

  test('each connection config checks as the YAML says, against the demo simulator', async () => {
    const statuses = tests(doc, 'connection').map((t) => t.status);
    expect(statuses).toContain('succeed');
    expect(statuses).toContain('failed');
    for (const t of tests(doc, 'connection')) {
      const run = await command(
        'check',
        configFile(relative(t.config_path), sim)
      );
      const cs = ofType(run, 'CONNECTION_STATUS');
      expect([
        t.config_path,
        cs.length,
        cs[0]?.connectionStatus.status,
      ]).toEqual([
        t.config_path,
        1,
        t.status === 'succeed' ? 'SUCCEEDED' : 'FAILED',
      ]);
    }
    // One config per credential type.
    const kinds = tests(doc, 'connection')
      .filter((t) => t.status === 'succeed')
      .map((t) => {
        const c = readTestFile(relative(t.config_path)).credentials;
        return `${c.auth_type}/${c.credtype ?? ''}`;
      });
    expect(kinds.sort()).toEqual([
      'access_token/',
      'oauth2_password/authtoken',
      'oauth2_password/password',
      'oauth2_refresh_token/',
    ]);
  });

  test('the configured catalogs match the discovered streams and their modes', () => {
    const byName = new Map<string, any>(
      discovered.streams.map((s: any) => [s.name, s])
    );
    const catalogs = [
      ...tests(doc, 'basic_read'),
      ...tests(doc, 'full_refresh'),
      ...tests(doc, 'incremental'),
    ].map((t) => t.configured_catalog_path);
    for (const p of new Set(catalogs)) {
      for (const c of readTestFile(relative(p)).streams) {
        const d = byName.get(c.stream.name);
        expect([p, c.stream.name, !!d]).toEqual([p, c.stream.name, true]);
        expect(d.supported_sync_modes).toContain(c.sync_mode);
        expect(c.primary_key).toEqual(d.source_defined_primary_key);
        if (c.sync_mode === 'incremental')
          expect(c.cursor_field).toEqual(d.default_cursor_field);
      }
    }
    for (const t of tests(doc, 'incremental')) {
      const names = readTestFile(
        relative(t.configured_catalog_path)
      ).streams.map((c: any) => c.sync_mode);
      expect(new Set(names)).toEqual(new Set(['incremental']));
    }
  });

  test('basic_read: the expected records are all produced by a read with the configured catalog', async () => {
    for (const t of tests(doc, 'basic_read')) {
      const catalog = withDiscoveredSchemas(
        readTestFile(relative(t.configured_catalog_path)),
        discovered
      );
      const run = await read(configFile(relative(t.config_path), sim), catalog);
      expect(run.code).toBe(0);
      const expected = rewriteStrings(
        readJsonl(t.expect_records.path),
        DEMO_URL,
        sim.url
      );
      // CAT's format; PK-stable records only (not the job the clock finishes).
      for (const e of expected) {
        expect(Object.keys(e).sort()).toEqual(['data', 'emitted_at', 'stream']);
        expect(Number.isInteger(e.emitted_at)).toBe(true);
        expect(JSON.stringify(e.data)).not.toContain(CLOCK_DEPENDENT_JOB);
      }
      const streams = new Set(expected.map((e: any) => e.stream));
      expect(streams).toEqual(
        new Set(catalog.streams.map((c: any) => c.stream.name))
      );
      // Current CAT compares primary keys; older CAT whole records: both hold.
      const actualPks = new Set(
        recordsOf(run).map((r) => pkKey(r.stream, r.data))
      );
      const actualRecords = new Set(
        recordsOf(run).map((r) => `${r.stream}|${canonical(r.data)}`)
      );
      expect(
        expected
          .filter((e: any) => !actualPks.has(pkKey(e.stream, e.data)))
          .map((e: any) => pkKey(e.stream, e.data))
      ).toEqual([]);
      expect(
        expected
          .filter(
            (e: any) => !actualRecords.has(`${e.stream}|${canonical(e.data)}`)
          )
          .map((e: any) => pkKey(e.stream, e.data))
      ).toEqual([]);
      // Every layout is represented.
      const layouts = new Set(
        expected
          .filter((e: any) => e.stream === 'extract_file_rows')
          .map((e: any) => e.data.layout)
      );
      expect(layouts).toEqual(new Set(['sae_v3', 'prae', null]));
      // Streams not declared empty have records.
      const empty = new Set((t.empty_streams ?? []).map((e: any) => e.name));
      for (const c of catalog.streams)
        if (!empty.has(c.stream.name))
          expect(recordsOf(run, c.stream.name).length).toBeGreaterThan(0);
    }
  });

  test('incremental: the future state is per-stream, covers every stream and definition, and yields no records', async () => {
    for (const t of tests(doc, 'incremental')) {
      const catalog = readTestFile(relative(t.configured_catalog_path));
      const future = readTestFile(relative(t.future_state.future_state_path));
      expect(Array.isArray(future)).toBe(true);
      expect(
        future.map((s: any) => s.stream.stream_descriptor.name).sort()
      ).toEqual(catalog.streams.map((c: any) => c.stream.name).sort());
      for (const s of future) {
        expect(s.type).toBe('STREAM');
        expect(Object.keys(s.stream.stream_state).sort()).toEqual(
          Object.values(DEFINITION_IDS).sort()
        );
        for (const c of Object.values<any>(s.stream.stream_state))
          expect(Date.parse(c.cursor)).toBeGreaterThan(
            Date.parse('2900-01-01T00:00:00Z')
          );
      }
      const run = await read(
        configFile(relative(t.config_path), sim),
        withDiscoveredSchemas(catalog, discovered),
        {},
        future
      );
      expect(run.code).toBe(0);
      expect(recordsOf(run)).toEqual([]);
      expect(statesOf(run).length).toBeGreaterThanOrEqual(1);
    }
  });

  test('state.json is an example per-stream state the connector resumes from', async () => {
    const state = readTestFile('state.json');
    expect(Array.isArray(state)).toBe(true);
    // One STREAM state per incremental stream of the incremental catalog.
    expect(state.map((s: any) => s.stream.stream_descriptor.name)).toEqual(
      readTestFile('incremental_configured_catalog.json').streams.map(
        (c: any) => c.stream.name
      )
    );
    expect(new Set(state.map((s: any) => s.type))).toEqual(new Set(['STREAM']));
    const run = await read(
      configFile('config.json', sim),
      withDiscoveredSchemas(
        readTestFile('incremental_configured_catalog.json'),
        discovered
      ),
      {},
      state
    );
    expect(run.code).toBe(0);
    // Only the job that the simulator's clock finishes can be new.
    const jobs = new Set(recordsOf(run).map((r) => r.data.job_id ?? r.data.id));
    expect([...jobs].filter((j) => j !== CLOCK_DEPENDENT_JOB)).toEqual([]);
  });
});
