/**
 * Shared pieces of the protocol conformance suites (test/conformance.*.test.ts):
 * they emulate Airbyte's connector acceptance tests (CAT) on the CLI, against
 * the simulator running its scenarios/demo.json, in plain mode and in
 * platform mode (WORKER_JOB_ID set, as Airbyte's workers do).
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'fs';
import path from 'path';

import {byType, CliResult, nextState, ROOT, runCli, tempFiles} from './cli';
import {protocolProblems} from './protocol';
import {SimulatorHandle, startSimulator} from './sim';
import {streamStatusProblems} from './stream-status';

export const TEST_FILES = path.join(ROOT, 'test_files');
export const DEMO_SCENARIO = path.join(
  TEST_FILES,
  '..',
  'packages',
  'concur-extract-simulator',
  'scenarios',
  'demo.json'
);
/** Where test_files/config*.json point: the simulator started by hand on port 8111. */
export const DEMO_URL = 'http://127.0.0.1:8111';

export const DEFINITION_IDS = {
  sae: 'nYoPK$pZmcowMRUqcl5bnDAwwsMydyt$xd',
  prae: 'gWikjBezeKtwKBxM3tK7FajSPu0ATF0sqTg',
  amex: 'Umj$swS19lpd7Sk$phUYl67wE1ss4Q$shu',
};
/** demo.json's job that is Running when the simulator starts and completes 20 s later. */
export const CLOCK_DEPENDENT_JOB = 'uIo87jk3SHudi$sdlYle8$peot$pD21jyd';

export const MODES: [string, Record<string, string>][] = [
  ['plain', {}],
  ['platform', {WORKER_JOB_ID: '123'}],
];

/** Every secret the test_files configs hold, for leak scans. */
export const DEMO_SECRETS = [
  'sim-client-secret',
  'sim-refresh-token-1',
  'Sim-Passw0rd!',
  'sim-company-request-token',
  'sim-static-token',
];

export const PRIMARY_KEYS: Record<string, string[][]> = {
  extract_definitions: [['id']],
  extract_jobs: [['id']],
  extract_file_rows: [['job_id'], ['file_name'], ['line_number']],
  sae_rows: [['job_id'], ['file_name'], ['line_number']],
  prae_rows: [['job_id'], ['file_name'], ['line_number']],
  extract_files: [['job_id'], ['file_name']],
};

export interface Run extends CliResult {
  /** Raw stdout lines (non-empty). */
  lines: string[];
  /** Messages that do not validate as AirbyteMessage, with the problems. */
  invalid: {index: number; type: string; problems: string[]}[];
  /** Stream statuses out of order, or a configured stream (of a read) without its final status. */
  statusProblems: string[];
}

/** Runs bin/main like Airbyte does (env: plain or platform mode) and checks every stdout line. */
export async function runConnector(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000
): Promise<Run> {
  const res = await runCli(args, {env, timeoutMs});
  const lines = res.stdout.split('\n').filter((l) => l.trim() !== '');
  const invalid = res.messages
    .map((m, index) => ({
      index,
      type: String(m?.type),
      problems: protocolProblems(m),
    }))
    .filter((x) => x.problems.length);
  const statusProblems = streamStatusProblems(
    res.messages,
    args[0] === 'read' ? configuredStreams(args) : undefined
  );
  return {...res, lines, invalid, statusProblems};
}

/** The stream names of a read's --catalog file. */
function configuredStreams(args: string[]): string[] | undefined {
  try {
    const file = args[args.indexOf('--catalog') + 1];
    const cat = JSON.parse(fs.readFileSync(file, 'utf8'));
    return cat.streams.map((s: any) => s.stream.name);
  } catch {
    return undefined; // a test of a bad catalog file: nothing was configured
  }
}

/** The message checks CAT applies to every command's output (its runner parses each line). */
export function expectWellFormed(run: Run): void {
  expect(run.nonJson).toEqual([]);
  expect(run.invalid).toEqual([]);
  expect(run.statusProblems).toEqual([]);
  expect(run.lines.length).toBeGreaterThan(0);
}

export const ofType = (run: Run, type: string): any[] =>
  byType(run.messages, type);
export const recordsOf = (run: Run, stream?: string): any[] =>
  ofType(run, 'RECORD')
    .map((m) => m.record)
    .filter((r) => !stream || r.stream === stream);
export const statesOf = (run: Run, stream?: string): any[] =>
  ofType(run, 'STATE')
    .map((m) => m.state)
    .filter((s) => !stream || s.stream?.stream_descriptor?.name === stream);

/** The state Airbyte passes to the next sync: the latest STATE per stream, as an array. */
export function latestStates(run: Run): any[] {
  return nextState(run.messages);
}

export function readTestFile(name: string): any {
  return JSON.parse(fs.readFileSync(path.join(TEST_FILES, name), 'utf8'));
}

/** Replaces every occurrence of `from` in every string inside `value`. */
export function rewriteStrings<T>(value: T, from: string, to: string): T {
  if (typeof value === 'string') return value.split(from).join(to) as T;
  if (Array.isArray(value))
    return value.map((v) => rewriteStrings(v, from, to)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, rewriteStrings(v, from, to)])
    ) as T;
  }
  return value;
}

/** A test_files config pointed at this test's simulator instead of port 8111. */
export function configFile(name: string, sim: SimulatorHandle): any {
  return rewriteStrings(readTestFile(name), DEMO_URL, sim.url);
}

/**
 * The demo simulator with its clock moved past the one Running job, so every
 * read in a test file sees the same data (no job completes in between).
 */
export async function startDemo(settled = true): Promise<SimulatorHandle> {
  const sim = await startSimulator(DEMO_SCENARIO);
  if (settled) sim.advanceClock(10 * 60_000);
  return sim;
}

/** Writes the inputs and runs `read`; `state` is written as given (array or legacy object). */
export async function read(
  config: object,
  catalog: object,
  env: Record<string, string> = {},
  state?: unknown
): Promise<Run> {
  const files = tempFiles({config, catalog, ...(state ? {state} : {})});
  const args = ['read', '--config', files.config, '--catalog', files.catalog];
  if (state) args.push('--state', files.state);
  try {
    return await runConnector(args, env);
  } finally {
    fs.rmSync(files.dir, {recursive: true, force: true});
  }
}

export async function command(
  cmd: 'check' | 'discover',
  config: object,
  env: Record<string, string> = {}
): Promise<Run> {
  const files = tempFiles({config});
  try {
    return await runConnector([cmd, '--config', files.config], env);
  } finally {
    fs.rmSync(files.dir, {recursive: true, force: true});
  }
}

/** CAT's build_configured_catalog_from_custom_catalog: the custom catalog with discovered schemas. */
/** A test_files catalog with each stream's schema replaced by the discovered one, as CAT does. */
export async function discoveredCatalog(
  config: object,
  env: Record<string, string> = {},
  name = 'full_configured_catalog.json'
): Promise<any> {
  const discovered = await command('discover', config, env);
  return withDiscoveredSchemas(
    readTestFile(name),
    ofType(discovered, 'CATALOG')[0].catalog
  );
}

export function withDiscoveredSchemas(configured: any, discovered: any): any {
  const byName = new Map<string, any>(
    discovered.streams.map((s: any) => [s.name, s])
  );
  return {
    ...configured,
    streams: configured.streams.map((c: any) => {
      const d = byName.get(c.stream.name);
      if (!d) throw new Error(`stream ${c.stream.name} was not discovered`);
      return {...c, stream: {...c.stream, json_schema: d.json_schema}};
    }),
  };
}

/** CAT's full_refresh_only_catalog. */
export function fullRefreshOnly(configured: any): any {
  return {
    ...configured,
    streams: configured.streams.map((c: any) => {
      const rest = {...c};
      delete rest.cursor_field;
      return {
        ...rest,
        sync_mode: 'full_refresh',
        destination_sync_mode: 'overwrite',
      };
    }),
  };
}

/** The configured catalog with only these streams. */
export function only(configured: any, ...names: string[]): any {
  return {
    ...configured,
    streams: configured.streams.filter((c: any) =>
      names.includes(c.stream.name)
    ),
  };
}

export function pkValues(stream: string, data: any): unknown[] {
  return (PRIMARY_KEYS[stream] ?? []).map((p) =>
    p.reduce(
      (o: any, k) => (o && typeof o === 'object' ? o[k] : undefined),
      data
    )
  );
}

export const pkKey = (stream: string, data: any): string =>
  `${stream}|${JSON.stringify(pkValues(stream, data))}`;

/** A record without emitted_at, as one canonical string (key order independent). */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map(
        (k) =>
          `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`
      )
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
export const recordKey = (r: {stream: string; data: unknown}): string =>
  `${r.stream}|${canonical(r.data)}`;

/** Sorted canonical strings of a run's records (stream + data, no emitted_at). */
export function recordSet(run: Run, stream?: string): string[] {
  return recordsOf(run, stream).map(recordKey).sort();
}

/**
 * How two record sets differ, named by stream and primary key (whole-record
 * diffs of 400-column rows are unreadable): records of `expected` missing from
 * `actual` and records of `actual` not in `expected`, compared on full content.
 */
export function setDiff(
  actual: string[],
  expected: string[]
): {missing: string[]; unexpected: string[]} {
  const name = (k: string): string => {
    const bar = k.indexOf('|');
    const stream = k.slice(0, bar);
    return pkKey(stream, JSON.parse(k.slice(bar + 1)));
  };
  const a = new Set(actual);
  const e = new Set(expected);
  return {
    missing: expected.filter((k) => !a.has(k)).map(name),
    unexpected: actual.filter((k) => !e.has(k)).map(name),
  };
}

/**
 * Integer-typed fields must be written as JSON integers: Python (CAT) reads
 * `1.0` or `1e3` as a float and rejects it, where JSON.parse cannot tell.
 * Checks the raw RECORD lines of one stream against the schema's integer fields.
 */
export function nonIntegerLiterals(
  run: Run,
  stream: string,
  schema: any
): string[] {
  const integerFields = new Set(
    Object.entries<any>(schema.properties ?? {})
      .filter(([, p]) => {
        const t = Array.isArray(p.type) ? p.type : [p.type];
        return t.includes('integer') && !t.includes('number');
      })
      .map(([k]) => k)
  );
  const problems: string[] = [];
  const token = /"([^"\\]+)":(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?=[,}])/g;
  for (const line of run.lines) {
    if (!line.includes('"type":"RECORD"')) continue;
    if (!line.includes(`"stream":${JSON.stringify(stream)}`)) continue;
    for (const m of line.matchAll(token)) {
      if (integerFields.has(m[1]) && !/^-?\d+$/.test(m[2]))
        problems.push(`${m[1]}=${m[2]}`);
    }
  }
  return problems;
}

/**
 * STATE checkpoints of one stream in a read, each with the records of that
 * stream emitted after it (what a re-read from it must give).
 */
export function checkpoints(
  run: Run,
  stream: string
): {state: any; after: string[]; index: number}[] {
  const out: {state: any; after: string[]; index: number}[] = [];
  run.messages.forEach((m, index) => {
    if (
      m.type === 'STATE' &&
      m.state.stream?.stream_descriptor?.name === stream
    )
      out.push({state: m.state, after: [], index});
  });
  for (const cp of out) {
    cp.after = run.messages
      .slice(cp.index + 1)
      .filter((m) => m.type === 'RECORD' && m.record.stream === stream)
      .map((m) => recordKey(m.record))
      .sort();
  }
  return out;
}

/**
 * Problems with the per-stream checkpoints: every STATE is a STREAM state with
 * sourceStats.recordCount = records of that stream since its previous STATE.
 */
export function stateProblems(run: Run): string[] {
  const problems: string[] = [];
  const since = new Map<string, number>();
  for (const m of run.messages) {
    if (m.type === 'RECORD') {
      since.set(m.record.stream, (since.get(m.record.stream) ?? 0) + 1);
    } else if (m.type === 'STATE') {
      const s = m.state;
      const name = s?.stream?.stream_descriptor?.name;
      if (s?.type !== 'STREAM') problems.push(`state type ${s?.type}`);
      if (typeof name !== 'string') {
        problems.push('STATE without stream_descriptor.name');
        continue;
      }
      if (!s.stream.stream_state || typeof s.stream.stream_state !== 'object')
        problems.push(`${name}: stream_state is not an object`);
      const expected = since.get(name) ?? 0;
      if (s.sourceStats?.recordCount !== expected)
        problems.push(
          `${name}: sourceStats.recordCount ${s.sourceStats?.recordCount}, ${expected} record(s) since its previous STATE`
        );
      since.set(name, 0);
    }
  }
  for (const [name, n] of since)
    if (n) problems.push(`${name}: ${n} record(s) after its last STATE`);
  return problems;
}

/* ------------------------------------------------------------------ spec lint */

/** CAT's secret_property_names (test_core.py). */
export const CAT_SECRET_NAMES = [
  'client_token',
  'access_token',
  'api_token',
  'token',
  'secret',
  'client_secret',
  'password',
  'key',
  'service_account_info',
  'service_account',
  'tenant_id',
  'certificate',
  'jwt',
  'credentials',
  'app_id',
  'appid',
  'refresh_token',
];
export const CAT_DATE_PATTERN = '^[0-9]{2}-[0-9]{2}-[0-9]{4}$';
export const CAT_DATETIME_PATTERN =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2})?$';
const FORBIDDEN_KEYWORDS = [
  'not',
  'anyOf',
  'allOf',
  'if',
  'then',
  'else',
  'patternProperties',
  'prefixItems',
  'dependentSchemas',
  'dependentRequired',
];
const SCHEMA_KEYWORDS = new Set([
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'properties',
  'items',
  'type',
  'prefixItems',
]);

/** Every node of a JSON value with its path (keys), depth first. */
function* walk(
  value: unknown,
  at: (string | number)[] = []
): Generator<{path: (string | number)[]; value: any}> {
  yield {path: at, value};
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* walk(value[i], [...at, i]);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* walk(v, [...at, k]);
  }
}

/** A key at `path` is a schema keyword, not a property that happens to be named like one. */
const isKeyword = (path: (string | number)[]): boolean =>
  path.length < 2 || path[path.length - 2] !== 'properties';

/**
 * The spec rules CAT's TestSpec enforces (and the UI relies on), applied to a
 * ConnectorSpecification. Returns one line per problem; `warnings` collects
 * what CAT only warns about.
 */
export function specProblems(spec: any, warnings: string[] = []): string[] {
  const problems: string[] = [];
  const root = spec?.connectionSpecification;
  if (!root || typeof root !== 'object')
    return ['no connectionSpecification object'];
  if (root.type !== 'object') problems.push('root type is not object');
  const nodes = [...walk(root)];

  for (const {path: p, value} of nodes) {
    const key = p[p.length - 1];
    const where = '/' + p.join('/');
    // Forbidden keywords and $ref anywhere (a property may carry such a name).
    if (
      typeof key === 'string' &&
      FORBIDDEN_KEYWORDS.includes(key) &&
      isKeyword(p)
    )
      problems.push(`${where}: forbidden keyword ${key}`);
    if (key === '$ref' && isKeyword(p)) problems.push(`${where}: $ref`);
    if (key === 'additionalProperties' && isKeyword(p) && value !== true)
      problems.push(`${where}: additionalProperties must be true when set`);
    if (key === 'enum' && isKeyword(p) && Array.isArray(value)) {
      if (new Set(value.map((v) => JSON.stringify(v))).size !== value.length)
        problems.push(`${where}: duplicate enum values`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    // Secrets, found the way test_secret_is_properly_marked does: every node
    // with a `type` under properties, named by its nearest non-keyword key.
    if (
      p[0] === 'properties' &&
      (typeof value.type === 'string' || Array.isArray(value.type))
    ) {
      const name = [...p]
        .reverse()
        .find((s) => typeof s === 'string' && !SCHEMA_KEYWORDS.has(s));
      if (
        typeof name === 'string' &&
        CAT_SECRET_NAMES.includes(name.toLowerCase())
      ) {
        const types: string[] = Array.isArray(value.type)
          ? value.type
          : [value.type];
        const canHold =
          types.some((t) => ['string', 'integer', 'number'].includes(t)) &&
          !value.const;
        if (canHold && !value.airbyte_secret)
          problems.push(`${where}: "${name}" must be marked airbyte_secret`);
        if (!canHold && value.airbyte_secret)
          problems.push(
            `${where}: "${name}" cannot hold a secret but is marked airbyte_secret`
          );
      }
    }

    // Property types: one type, or [type, "null"].
    if (p[p.length - 2] === 'properties' && Array.isArray(value.type)) {
      if (
        value.type.length > 2 ||
        (value.type.length === 2 && value.type[1] !== 'null')
      )
        problems.push(`${where}: type ${JSON.stringify(value.type)}`);
    }
    // Objects are not empty (unless oneOf); arrays have one simple item type.
    if (value.type === 'object' && p.length > 0) {
      if (
        !value.oneOf &&
        (!value.properties || !Object.keys(value.properties).length)
      )
        problems.push(`${where}: empty object`);
    }
    if (value.type === 'array' && value.items !== undefined) {
      if (
        Array.isArray(value.items) ||
        (!['object', 'string', 'number', 'integer'].includes(
          value.items.type
        ) &&
          !value.items.enum)
      )
        problems.push(
          `${where}: array items must be one object/string/number/integer or an enum`
        );
    }
    // oneOf: parent object, variants with properties, exactly one common const discriminator.
    if (Array.isArray(value.oneOf)) {
      if (value.type !== 'object')
        problems.push(`${where}: a oneOf parent must be type object`);
      const variants: any[] = value.oneOf;
      if (variants.some((v) => !v?.properties))
        problems.push(`${where}: every oneOf variant needs properties`);
      else {
        const common = Object.keys(variants[0].properties).filter((k) =>
          variants.every((v) => k in v.properties)
        );
        const consts = common.filter((k) =>
          variants.every((v) => 'const' in v.properties[k])
        );
        if (consts.length !== 1)
          problems.push(
            `${where}: ${consts.length} common const properties, need exactly 1`
          );
        for (const k of consts) {
          const values = variants.map((v) => v.properties[k].const);
          if (new Set(values).size !== values.length)
            problems.push(`${where}: discriminator ${k} repeats a value`);
          if (
            variants.some(
              (v) => 'default' in v.properties[k] || 'enum' in v.properties[k]
            )
          )
            problems.push(`${where}: discriminator ${k} has default or enum`);
        }
      }
    }
    if ('display_type' in value && !Array.isArray(value.oneOf))
      problems.push(`${where}: display_type only on oneOf fields`);

    // order unique per group at each properties level; group only at the top.
    if (p[p.length - 1] === 'properties' && isKeyword(p)) {
      const seen = new Map<string, string>();
      for (const [name, prop] of Object.entries<any>(value)) {
        if (prop && 'order' in prop) {
          if (!Number.isInteger(prop.order))
            problems.push(`${where}/${name}: order is not an integer`);
          const slot = `${prop.group ?? ''}#${prop.order}`;
          if (seen.has(slot))
            problems.push(
              `${where}: order ${prop.order} used by ${seen.get(slot)} and ${name}`
            );
          seen.set(slot, name);
        }
        if (prop && 'group' in prop && p.length !== 1)
          problems.push(`${where}/${name}: group below the top level`);
      }
    }

    // date / date-time: a pattern that accepts what the UI's date picker writes.
    if (value.format === 'date' || value.format === 'date-time') {
      const sample =
        value.format === 'date' ? '2024-01-31' : '2024-01-31T00:00:00Z';
      const catPattern =
        value.format === 'date' ? CAT_DATE_PATTERN : CAT_DATETIME_PATTERN;
      if (typeof value.pattern !== 'string')
        problems.push(`${where}: format ${value.format} without a pattern`);
      else {
        const re = new RegExp(value.pattern);
        if (!re.test(sample))
          problems.push(
            `${where}: pattern rejects the date picker's ${sample}`
          );
        for (const ex of value.examples ?? [])
          if (!re.test(ex))
            problems.push(`${where}: example ${ex} fails the pattern`);
        if (value.pattern !== catPattern)
          warnings.push(`${where}: CAT warns: pattern is not ${catPattern}`);
      }
    }
  }
  return problems;
}

/** Draft-07 meta-validation and compilation of a stream schema. */
export function schemaProblems(schema: object): string[] {
  const ajv = new Ajv({strict: false, allErrors: true});
  addFormats(ajv);
  if (!ajv.validateSchema(schema))
    return (ajv.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  try {
    ajv.compile(schema);
  } catch (err) {
    return [(err as Error).message];
  }
  return [];
}
