import {
  CONNECTION_SPEC,
  credentialsSchemaName,
  credentialVariants,
  secretFields,
  validateAgainst,
  withDefaults,
} from './config-spec';
import {ConfigError, ErrorCode} from './errors';
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

/** A config that passed the spec, its defaults filled in. */
type SpecDefaulted = {
  oauth_base_url: string;
  api_base_url?: string;
  definitions?: string[];
  start_date?: string;
  start_new_jobs: boolean;
  job_wait_timeout_minutes: number;
  max_unzipped_mb: number;
  file_encoding: FileEncoding;
  invalid_file_handling: InvalidFileHandling;
  amounts_as: AmountsAs;
};

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

/** Used when neither api_base_url nor the token's geolocation names a host (docs/concur-extract-api.md#hosts-and-paths). */
export const DEFAULT_API_BASE_URL = 'https://www.concursolutions.com';
/** The spec's default for oauth_base_url (named in URL error messages). */
const DEFAULT_OAUTH_BASE_URL = String(
  CONNECTION_SPEC.properties?.oauth_base_url?.default
);

/**
 * The user's configuration, checked against resources/spec.json (types,
 * enums, bounds, patterns; defaults from there too) and then against the
 * rules the spec cannot express: one credential variant, plain http only for
 * loopback hosts.
 */
export function resolveConfig(config: ConcurConfig): ResolvedConfig {
  if (!config || typeof config !== 'object' || Array.isArray(config)) {
    throw new ConfigError('The configuration is empty or not an object.', {
      code: 'CONFIG_INVALID',
    });
  }
  const credentials = checkCredentials(config.credentials);
  const others = withDefaults(
    {...config, credentials: undefined},
    CONNECTION_SPEC
  );
  validateAgainst(others, 'config');
  // Valid against the spec, with its defaults: these are present and typed.
  const c = others as unknown as SpecDefaulted;
  return {
    credentials,
    oauthBaseUrl: checkBaseUrl('oauth_base_url', c.oauth_base_url),
    apiBaseUrl: c.api_base_url
      ? checkBaseUrl('api_base_url', c.api_base_url)
      : undefined,
    definitions: (c.definitions ?? [])
      .map((d) => d.trim())
      .filter((d) => d.length > 0),
    startDate: c.start_date ? new Date(c.start_date) : undefined,
    startNewJobs: c.start_new_jobs,
    jobWaitTimeoutMs: c.job_wait_timeout_minutes * 60_000,
    maxUnzippedBytes: Math.round(c.max_unzipped_mb * 1024 * 1024),
    fileEncoding: c.file_encoding,
    invalidFileHandling: c.invalid_file_handling,
    amountsAs: c.amounts_as,
  };
}

/** The credentials object: its variant chosen by auth_type, then checked against that variant's schema. */
function checkCredentials(c: unknown): Credentials {
  if (!c || typeof c !== 'object' || Array.isArray(c)) {
    throw new ConfigError(
      'credentials are missing: choose an authentication method.',
      {code: 'CONFIG_INVALID'}
    );
  }
  const cred = c as Record<string, unknown>;
  const fields = secretFields();
  for (const f of fields) registerSecret(cred[f]);
  const variants = credentialVariants();
  const variant = variants.get(String(cred.auth_type));
  if (!variant) {
    throw new ConfigError(
      `credentials.auth_type "${String(cred.auth_type)}" is not one of ${[...variants.keys()].join(', ')}.`,
      {code: 'CONFIG_INVALID'}
    );
  }
  // An empty string is as good as missing for a credential.
  const missing = (variant.required ?? []).filter(
    (f) => cred[f] === undefined || cred[f] === ''
  );
  if (missing.length) {
    throw new ConfigError(
      `credentials (${String(cred.auth_type)}) are missing: ${missing.join(', ')}.`,
      {code: 'CONFIG_INVALID'}
    );
  }
  const withDefault = withDefaults(cred, variant);
  validateAgainst(
    withDefault,
    credentialsSchemaName(String(cred.auth_type)),
    'credentials'
  );
  return withDefault as unknown as Credentials;
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

export function checkBaseUrl(
  name: string,
  value: string,
  code: ErrorCode = 'CONFIG_INVALID'
): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `${name} "${value}" is not a URL; expected e.g. ${DEFAULT_OAUTH_BASE_URL}.`,
      {code}
    );
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(
      `${name} "${value}" uses plain http://, which would send credentials unencrypted; use https:// (http is allowed only for loopback hosts).`,
      {code}
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} "${value}" must be an https:// URL.`, {
      code,
    });
  }
  if (url.username || url.password) {
    throw new ConfigError(`${name} must not contain a user name or password.`, {
      code,
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
