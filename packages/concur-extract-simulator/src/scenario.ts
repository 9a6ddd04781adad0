/** Scenario file: defaults, loading and validation (its types: scenario-types.ts). */
import type {ErrorObject} from 'ajv';
import Ajv from 'ajv/dist/2019';
import * as fs from 'fs';
import * as path from 'path';

import type {
  FileSpec,
  Scenario,
  ScenarioJob,
  ZipEntrySpec,
} from './scenario-types';

export type * from './scenario-types';

export class ScenarioError extends Error {}

const FILE_KINDS = [
  'sae_v3',
  'prae',
  'text',
  'base64',
  'path',
  'sample',
  'zeros_mb',
  'zip',
  'raw_zip_base64',
  'corrupt_zip',
  'zip_bomb_mb',
] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** The single kind key of a FileSpec. */
export function fileKind(spec: FileSpec): FileKind {
  const kinds = FILE_KINDS.filter((k) => k in spec);
  if (kinds.length !== 1) {
    throw new ScenarioError(
      `file spec must have exactly one of ${FILE_KINDS.join(', ')}: ${JSON.stringify(spec).slice(0, 200)}`
    );
  }
  return kinds[0];
}

function fail(where: string, msg: string): never {
  throw new ScenarioError(`scenario ${where}: ${msg}`);
}

/** Parse an ISO-like time; zone-less values are UTC. Returns NaN when invalid. */
export function parseTime(value: string): number {
  const m =
    /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/.exec(
      value.trim()
    );
  if (!m) return NaN;
  const frac = m[2] ? m[2].slice(0, 4).padEnd(4, '0') : '.000';
  return Date.parse(`${m[1]}${frac}${m[3] ?? 'Z'}`);
}

/**
 * The scenario format is scenario.schema.json (shipped beside this package's
 * README): every shape, enum and bound is checked there; the code below adds
 * only what a schema cannot say (unique ids, valid regexes, real dates) and
 * resolves relative paths.
 */
const SCHEMA_FILE = path.join(__dirname, '..', 'scenario.schema.json');
let ajv: Ajv | undefined;

function schemaCheck(
  ref: '' | '/$defs/job',
  where: string,
  value: unknown
): void {
  if (!ajv) {
    ajv = new Ajv({
      allErrors: true,
      strict: true,
      strictRequired: false, // a file spec's oneOf names keys declared beside it
      allowUnionTypes: true,
    });
    ajv.addSchema(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')));
  }
  const validate = ajv.getSchema(`concur-extract-simulator/scenario#${ref}`)!;
  if (validate(value)) return;
  const errors = validate.errors ?? [];
  // Of a failed oneOf (a file spec's kind), say that rather than each branch's miss.
  const shown = errors.some((e) => e.keyword === 'oneOf')
    ? errors.filter(
        (e) => e.keyword !== 'required' || !e.schemaPath.includes('/oneOf/')
      )
    : errors;
  const text = shown
    .map((e) => {
      const at = `${where}${jsonPath(e.instancePath)}`.replace(/^\./, '');
      return `${at || 'root'} ${describe(e)}`;
    })
    .join('; ');
  throw new ScenarioError(`scenario ${text}`);
}

function describe(e: ErrorObject): string {
  if (e.keyword === 'oneOf') {
    return `must have exactly one of ${FILE_KINDS.join(', ')}`;
  }
  if (e.keyword === 'additionalProperties') {
    return `has an unknown property "${String(e.params.additionalProperty)}"`;
  }
  if (e.keyword === 'enum') {
    return `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return e.message ?? 'is invalid';
}

/** `/definitions/0/jobs/1` → `.definitions[0].jobs[1]`. */
function jsonPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) =>
      /^\d+$/.test(p)
        ? `[${p}]`
        : `.${p.replace(/~1/g, '/').replace(/~0/g, '~')}`
    )
    .join('');
}

/** Resolve a valid FileSpec's relative paths against baseDir (recursively). */
function resolveFileSpec(spec: FileSpec, baseDir: string): FileSpec {
  const s = spec as any;
  if (typeof s.path === 'string') {
    return {...spec, path: path.resolve(baseDir, s.path)} as FileSpec;
  }
  const key = Array.isArray(s.zip)
    ? 'zip'
    : Array.isArray(s.entries)
      ? 'entries'
      : undefined;
  if (!key) return spec;
  return {
    ...spec,
    [key]: (s[key] as ZipEntrySpec[]).map((e) => ({
      ...e,
      file: resolveFileSpec(e.file, baseDir),
    })),
  } as FileSpec;
}

function checkTimes(where: string, job: ScenarioJob): void {
  for (const k of ['start_time', 'stop_time'] as const) {
    const v = job[k];
    if (v !== undefined && Number.isNaN(parseTime(v))) {
      fail(`${where}.${k}`, `not a time: ${JSON.stringify(v)}`);
    }
  }
}

/** Validate one job (a scenario's, or one added at run time); relative paths resolved against baseDir. */
export function validateJob(
  where: string,
  job: ScenarioJob,
  baseDir: string
): ScenarioJob {
  schemaCheck('/$defs/job', where, job);
  checkTimes(where, job);
  return job.file ? {...job, file: resolveFileSpec(job.file, baseDir)} : job;
}

/** Validate a scenario object; relative file paths are resolved against baseDir. */
export function validateScenario(input: Scenario, baseDir: string): Scenario {
  schemaCheck('', '', input);
  const seen = new Set<string>();
  const definitions = input.definitions.map((d, i) => {
    const where = `definitions[${i}]`;
    if (seen.has(d.id)) fail(where, `duplicate id ${d.id}`);
    seen.add(d.id);
    const jobIds = new Set<string>();
    const jobs = (d.jobs ?? []).map((j, k) => {
      checkTimes(`${where}.jobs[${k}]`, j);
      if (j.id && jobIds.has(j.id))
        fail(`${where}.jobs[${k}]`, `duplicate job id ${j.id}`);
      if (j.id) jobIds.add(j.id);
      return j.file ? {...j, file: resolveFileSpec(j.file, baseDir)} : j;
    });
    const nj = d.new_jobs;
    const newJobs = nj?.file
      ? {...nj, file: resolveFileSpec(nj.file, baseDir)}
      : nj;
    return {...d, jobs, new_jobs: newJobs};
  });
  if (input.faults?.only_paths !== undefined) {
    try {
      new RegExp(input.faults.only_paths);
    } catch {
      fail('faults.only_paths', 'not a valid regex');
    }
  }
  const samplesDir = input.samples_dir
    ? path.resolve(baseDir, input.samples_dir)
    : undefined;
  return {...input, definitions, samples_dir: samplesDir};
}

/** Read and validate a scenario JSON file. */
export function loadScenarioFile(file: string): Scenario {
  const abs = path.resolve(file);
  let parsed: Scenario;
  try {
    parsed = JSON.parse(fs.readFileSync(abs, 'utf8'));
  } catch (e) {
    throw new ScenarioError(
      `cannot read scenario ${abs}: ${(e as Error).message}`
    );
  }
  return validateScenario(parsed, path.dirname(abs));
}

/** Default folder of `{"sample": …}` files: env CONCUR_SAMPLES_DIR, else the nearest `../shared/samples/concur` above this package. */
export function defaultSamplesDir(): string {
  if (process.env.CONCUR_SAMPLES_DIR) return process.env.CONCUR_SAMPLES_DIR;
  // The first ../shared/samples/concur above this package (a development checkout).
  let dir = __dirname;
  while (path.dirname(dir) !== dir) {
    const candidate = path.resolve(dir, '..', 'shared', 'samples', 'concur');
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return path.resolve(__dirname, '..', 'samples');
}
