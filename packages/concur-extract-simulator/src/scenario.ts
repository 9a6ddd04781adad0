/** Scenario file: types, defaults, loading and validation. */
import type {ErrorObject} from 'ajv';
import Ajv from 'ajv/dist/2019';
import * as fs from 'fs';
import * as path from 'path';

export type JobStatus = 'Queued' | 'Running' | 'Completed' | 'Failed';

/** Options shared by the generated pipe-delimited files. */
export interface TextVariantSpec {
  /** Number of DETAIL lines (default 25). */
  details?: number;
  seed?: number;
  batch_id?: number;
  /** YYYY-MM-DD (default 2024-01-13). */
  batch_date?: string;
  line_ending?: 'lf' | 'crlf';
  bom?: boolean;
  final_newline?: boolean;
  /** Use non-ASCII names/places (Müller, São Paulo, …). */
  utf8?: boolean;
  /** Byte encoding of the body (default utf8; latin1 = ISO-8859-1). */
  encoding?: 'utf8' | 'latin1' | 'windows-1252';
  /** Header journal total off by 1.0000. */
  bad_header_total?: boolean;
  /** Header journal total off by this amount (e.g. 0.01: one cent); overrides bad_header_total. */
  header_total_off_by?: number;
  /** Header record count off by one. */
  bad_header_count?: boolean;
}

export interface SaeSpec extends TextVariantSpec {
  /** DETAIL width: 400 (SAE v3, default) or 256 (SAE v2: v3's columns 1–256). */
  fields?: 400 | 256;
  /** Header shape: `v3` `EXTRACT|date|count|total|batch id` (default), `v2` without batch id, `bare` `EXTRACT`. */
  header?: 'v3' | 'v2' | 'bare';
  /** The 1-based DETAIL line (counting DETAIL lines only) written at the other width (400 ↔ 256). */
  mixed_width_at?: number;
  /** Text for every DETAIL line's description (column 69), e.g. characters of a legacy encoding. */
  description?: string;
  quoted_pipes?: boolean;
  doubled_quotes?: boolean;
  stray_quotes?: boolean;
  /** TAB characters inside some descriptions. */
  tabs?: boolean;
  /** Cash-advance issuance/application rows (default true). */
  cash_advances?: boolean;
  /** Company card columns (130–142, masked card number) on company-paid lines (default false). */
  company_cards?: boolean;
}

export interface PraeSpec extends TextVariantSpec {
  /** `slash` = yyyy/mm/dd (workbook), `dash` = YYYY-MM-DD. Default slash. */
  date_format?: 'slash' | 'dash';
}

export interface ZipEntrySpec {
  /** Entry name; may contain folders, `..` or a leading `/` (written raw). */
  name: string;
  file: FileSpec;
  /** Deflate the entry (default true). */
  compress?: boolean;
}

interface FileSpecCommon {
  /** Override the Content-Type header of the download. */
  content_type?: string;
}

export type FileSpec = FileSpecCommon &
  (
    | {sae_v3: SaeSpec}
    | {prae: PraeSpec}
    | {text: string}
    | {base64: string}
    | {path: string}
    | {sample: string}
    | {zeros_mb: number}
    | {zip: ZipEntrySpec[]}
    | {raw_zip_base64: string}
    | {corrupt_zip: 'truncated' | 'bad_crc'; entries?: ZipEntrySpec[]}
    | {zip_bomb_mb: number; name?: string}
  );

export interface ScenarioJob {
  /** Generated when absent. */
  id?: string;
  /** Default Completed. `Complete` is accepted as Completed. */
  status?: JobStatus | 'Complete';
  /** ISO time; zone-less values are UTC. Default: now. */
  start_time?: string;
  /** Finished jobs only; default start_time + 48 s. */
  stop_time?: string;
  /** Unfinished jobs: ms (from load/add time) until Queued → Running. Absent = stays. */
  queued_ms?: number;
  /** Unfinished jobs: ms of Running before finishing. Absent = stays Running. */
  running_ms?: number;
  /** Unfinished jobs finish as Failed instead of Completed. */
  fail?: boolean;
  /** Body of …/file (Completed jobs). Default: a small SAE v3 file. */
  file?: FileSpec;
}

export interface NewJobSpec {
  queued_ms?: number;
  running_ms?: number;
  fail?: boolean;
  file?: FileSpec;
  /** Vary generated SAE/PRAE seed, batch id and batch date per POSTed job (default true). */
  vary_file?: boolean;
}

export interface ScenarioDefinition {
  id: string;
  name: string;
  new_jobs?: NewJobSpec;
  jobs?: ScenarioJob[];
}

export interface ScenarioUser {
  username: string;
  password: string;
  credtype?: 'password' | 'authtoken';
}

export interface ScenarioClient {
  client_id: string;
  client_secret: string;
  refresh_tokens?: string[];
  users?: ScenarioUser[];
}

export interface ScenarioCredentials {
  clients?: ScenarioClient[];
  /** Tokens accepted by the API that never expire. */
  static_tokens?: string[];
  access_token_ttl_seconds?: number;
  refresh_token_ttl_seconds?: number;
  rotate_refresh_tokens?: boolean;
  /** JSON type of `expires_in` in token answers (default number). */
  expires_in_type?: 'number' | 'string';
  /** Status for unknown/expired tokens (default 401). */
  expired_status?: 401 | 403;
  /** Include an `id_token` (default true). */
  id_token?: boolean;
}

export interface Faults {
  seed?: number;
  rate_429?: number;
  /** Retry-After seconds on 429; null = no header (default 1). */
  retry_after_seconds?: number | null;
  rate_500?: number;
  rate_502?: number;
  rate_503?: number;
  reset_mid_body?: number;
  /** Bytes sent before a reset (default: half the body, at most 1 MiB). */
  reset_after_bytes?: number;
  stall_rate?: number;
  stall_ms?: number;
  /** Every Nth API request answers as if the token expired. */
  expire_token_every?: number;
  forbidden_always?: boolean;
  malformed_xml?: number | boolean;
  xml_entity?: number | boolean;
  /** Regex; when set, only matching paths get faults. */
  only_paths?: string;
  max_faults?: number;
}

export interface Quirks {
  complete_spelling?: 'Completed' | 'Complete' | 'mixed';
  time_without_z?: boolean | 'mixed';
  /** Fraction digits of times, chosen per job and field from this list. */
  fraction_digits?: number[];
  whitespace_in_links?: boolean;
  /** Definition ids whose job-link lacks the `/job` suffix. */
  job_link_without_job_for?: string[];
  /** Prefix XML bodies with `<?xml version="1.0" encoding="utf-8"?>`. */
  xml_declaration?: boolean;
  /** Serve JSON when the Accept header asks for it (default true). */
  json_when_accepted?: boolean;
  /** Jobs outside the newest 100 answer 404 by URL too (default false). */
  older_jobs_gone?: boolean;
}

export interface Scenario {
  seed?: number;
  credentials?: ScenarioCredentials;
  /** null → the simulator's own URL; `PORT` is replaced by the port. */
  geolocation?: string | null;
  /** null → links use the simulator URL; `PORT` is replaced by the port. */
  link_base?: string | null;
  /** Folder for `{sample: …}` files (relative to the scenario file). */
  samples_dir?: string;
  definitions: ScenarioDefinition[];
  faults?: Faults;
  quirks?: Quirks;
}

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
