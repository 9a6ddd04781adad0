import {ConfigError} from './errors';
import {registerSecret} from './redact';

export type Credentials =
  | {
      auth_type: 'oauth2_refresh_token';
      client_id: string;
      client_secret: string;
      refresh_token: string;
    }
  | {
      auth_type: 'oauth2_password';
      client_id: string;
      client_secret: string;
      username: string;
      password: string;
      credtype?: 'password' | 'authtoken';
    }
  | {
      auth_type: 'access_token';
      access_token: string;
      token_scheme?: 'Bearer' | 'OAuth';
    };

/** The configuration as the user saved it (see resources/spec.json). */
export interface ConcurConfig {
  credentials: Credentials;
  oauth_base_url?: string;
  api_base_url?: string;
  definitions?: string[];
  start_date?: string;
  start_new_jobs?: boolean;
  job_wait_timeout_minutes?: number;
  file_encoding?: string;
  invalid_file_handling?: string;
  /** Hidden: upper bound on the expanded size of one ZIP body, in MB. */
  max_unzipped_mb?: number;
  amounts_as?: string;
  [key: string]: unknown;
}

/** The configuration with defaults applied and every value checked. */
export interface ResolvedConfig {
  credentials: Credentials;
  oauthBaseUrl: string;
  /** Undefined: use the token's geolocation, else DEFAULT_API_BASE_URL. */
  apiBaseUrl?: string;
  definitions: string[];
  startDate?: Date;
  startNewJobs: boolean;
  jobWaitTimeoutMs: number;
  /** How extract files are decoded. */
  fileEncoding: FileEncoding;
  /** What a file that fails its checks does to the sync. */
  invalidFileHandling: InvalidFileHandling;
  maxUnzippedBytes: number;
  amountsAs: AmountsAs;
}

export const FILE_ENCODINGS = ['utf-8', 'windows-1252', 'iso-8859-1'] as const;
export type FileEncoding = (typeof FILE_ENCODINGS)[number];
export const INVALID_FILE_HANDLINGS = ['fail', 'skip'] as const;
export type InvalidFileHandling = (typeof INVALID_FILE_HANDLINGS)[number];
/**
 * How decimal (amount) columns are written: JSON numbers, or the exact decimal
 * text of the file without a leading `+` (declared `string`), for warehouses
 * that would land JSON numbers as floats.
 */
export const AMOUNTS_AS = ['number', 'string'] as const;
export type AmountsAs = (typeof AMOUNTS_AS)[number];

/** Contract default for `oauth_base_url` (docs/concur-extract-api.md#hosts-and-paths). */
export const DEFAULT_OAUTH_BASE_URL = 'https://us.api.concursolutions.com';
/** Legacy host used by every Extract doc example (docs/concur-extract-api.md#hosts-and-paths). */
export const DEFAULT_API_BASE_URL = 'https://www.concursolutions.com';
export const DEFAULT_JOB_WAIT_TIMEOUT_MINUTES = 60;
/** A ZIP bomb guard: SAE files of a few hundred MB are large; 4 GB expanded is not an extract. */
export const DEFAULT_MAX_UNZIPPED_MB = 4096;

const SECRET_FIELDS = [
  'client_secret',
  'refresh_token',
  'password',
  'access_token',
];

export function resolveConfig(config: ConcurConfig): ResolvedConfig {
  if (!config || typeof config !== 'object') {
    throw new ConfigError('The configuration is empty or not an object.', {
      code: 'CONFIG_INVALID',
    });
  }
  const credentials = checkCredentials(config.credentials);
  const oauthBaseUrl = checkBaseUrl(
    'oauth_base_url',
    config.oauth_base_url ?? DEFAULT_OAUTH_BASE_URL
  );
  const apiBaseUrl = config.api_base_url
    ? checkBaseUrl('api_base_url', config.api_base_url)
    : undefined;
  const definitions = (config.definitions ?? [])
    .map((d) => String(d).trim())
    .filter((d) => d.length > 0);
  let startDate: Date | undefined;
  if (config.start_date) {
    startDate = new Date(config.start_date);
    if (Number.isNaN(startDate.getTime())) {
      throw new ConfigError(
        `start_date "${config.start_date}" is not a date-time; use ISO 8601, e.g. 2024-01-01T00:00:00Z.`,
        {code: 'CONFIG_INVALID'}
      );
    }
  }
  const minutes =
    config.job_wait_timeout_minutes ?? DEFAULT_JOB_WAIT_TIMEOUT_MINUTES;
  if (typeof minutes !== 'number' || !(minutes > 0)) {
    throw new ConfigError(
      `job_wait_timeout_minutes must be a positive number, got ${JSON.stringify(minutes)}.`,
      {code: 'CONFIG_INVALID'}
    );
  }
  const maxMb = config.max_unzipped_mb ?? DEFAULT_MAX_UNZIPPED_MB;
  if (typeof maxMb !== 'number' || !(maxMb > 0)) {
    throw new ConfigError(
      `max_unzipped_mb must be a positive number, got ${JSON.stringify(maxMb)}.`,
      {code: 'CONFIG_INVALID'}
    );
  }
  return {
    credentials,
    fileEncoding: oneOf(
      'file_encoding',
      config.file_encoding ?? 'utf-8',
      FILE_ENCODINGS
    ),
    invalidFileHandling: oneOf(
      'invalid_file_handling',
      config.invalid_file_handling ?? 'fail',
      INVALID_FILE_HANDLINGS
    ),
    oauthBaseUrl,
    apiBaseUrl,
    definitions,
    startDate,
    startNewJobs: config.start_new_jobs === true,
    jobWaitTimeoutMs: minutes * 60_000,
    maxUnzippedBytes: Math.round(maxMb * 1024 * 1024),
    amountsAs: oneOf('amounts_as', config.amounts_as ?? 'number', AMOUNTS_AS),
  };
}

function oneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[]
): T {
  if (allowed.includes(value as T)) return value as T;
  throw new ConfigError(
    `${name} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(value)}.`,
    {code: 'CONFIG_INVALID'}
  );
}

function checkCredentials(c: unknown): Credentials {
  if (!c || typeof c !== 'object') {
    throw new ConfigError(
      'credentials are missing: choose an authentication method.',
      {code: 'CONFIG_INVALID'}
    );
  }
  const cred = c as Record<string, unknown>;
  for (const f of SECRET_FIELDS) registerSecret(cred[f]);
  const need = (fields: string[]): void => {
    const missing = fields.filter(
      (f) => typeof cred[f] !== 'string' || (cred[f] as string).length === 0
    );
    if (missing.length) {
      throw new ConfigError(
        `credentials (${String(cred.auth_type)}) are missing: ${missing.join(', ')}.`,
        {code: 'CONFIG_INVALID'}
      );
    }
  };
  switch (cred.auth_type) {
    case 'oauth2_refresh_token':
      need(['client_id', 'client_secret', 'refresh_token']);
      break;
    case 'oauth2_password':
      need(['client_id', 'client_secret', 'username', 'password']);
      if (
        cred.credtype !== undefined &&
        cred.credtype !== 'password' &&
        cred.credtype !== 'authtoken'
      ) {
        throw new ConfigError(
          `credentials.credtype must be "password" or "authtoken", got "${String(cred.credtype)}".`,
          {code: 'CONFIG_INVALID'}
        );
      }
      break;
    case 'access_token':
      need(['access_token']);
      if (
        cred.token_scheme !== undefined &&
        cred.token_scheme !== 'Bearer' &&
        cred.token_scheme !== 'OAuth'
      ) {
        throw new ConfigError(
          `credentials.token_scheme must be "Bearer" or "OAuth", got "${String(cred.token_scheme)}".`,
          {code: 'CONFIG_INVALID'}
        );
      }
      break;
    default:
      throw new ConfigError(
        `credentials.auth_type "${String(cred.auth_type)}" is not one of oauth2_refresh_token, oauth2_password, access_token.`,
        {code: 'CONFIG_INVALID'}
      );
  }
  return cred as unknown as Credentials;
}

/** Loopback hosts may use plain http (the simulator, a local proxy); nothing else may. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    h === 'localhost' ||
    h === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
  );
}

export function checkBaseUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `${name} "${value}" is not a URL; expected e.g. ${DEFAULT_OAUTH_BASE_URL}.`,
      {code: 'CONFIG_INVALID'}
    );
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(
      `${name} "${value}" uses plain http://, which would send credentials unencrypted; use https:// (http is allowed only for loopback hosts).`,
      {code: 'CONFIG_INVALID'}
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} "${value}" must be an https:// URL.`, {
      code: 'CONFIG_INVALID',
    });
  }
  if (url.username || url.password) {
    throw new ConfigError(`${name} must not contain a user name or password.`, {
      code: 'CONFIG_INVALID',
    });
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** The user's configuration with a new refresh token (Concur rotated it). */
export function withRefreshToken(
  config: ConcurConfig,
  token: string
): ConcurConfig {
  return {
    ...config,
    credentials: {...config.credentials, refresh_token: token} as Credentials,
  };
}
