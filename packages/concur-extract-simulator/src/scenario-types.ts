/** The scenario file's shape (scenario.schema.json is its JSON schema; scenario.ts loads and checks it). */

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
