/**
 * The table of error codes: what each failure is called, its Airbyte failure
 * type and what the user should do. src/errors.ts builds the taxonomy on it.
 */

export type FailureType = 'config_error' | 'system_error' | 'transient_error';

export interface CodeInfo {
  failureType: FailureType;
  /** Whether the HTTP layer retries it; absent: decided where it is raised. */
  retriable?: boolean;
  /** One line for the user: what to do. Rendered into docs/concur-extract.md. */
  action: string;
  /** A config_error of one definition's data only: the other definitions go on. */
  definitionScoped?: boolean;
}

/**
 * Every error code, the one rule for its failure type: config_error when only
 * the user or the Concur administrator can fix it, transient_error when
 * retrying the sync later may succeed, system_error for a bug (ours or
 * Concur's). `npm run gen:codes` renders this table into the docs page.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: {
    failureType: 'config_error',
    action: 'Fix the configuration setting the message names.',
  },
  CONFIG_FILE_UNREADABLE: {
    failureType: 'config_error',
    action:
      'The config, catalog or state file is missing, unreadable or not JSON: pass the right path.',
  },
  CATALOG_INVALID: {
    failureType: 'config_error',
    action:
      'Choose a sync mode the stream supports (refresh the source schema in Airbyte).',
  },
  STATE_INVALID: {
    failureType: 'config_error',
    action:
      'The stored state is not one this connector wrote: reset the stream state (this re-reads every job Concur still lists).',
  },
  STREAM_UNKNOWN: {
    failureType: 'config_error',
    action:
      'The catalog names a stream this source does not have: refresh the source schema in Airbyte and save the connection.',
  },
  CONCUR_GEOLOCATION_INVALID: {
    failureType: 'config_error',
    action:
      "Concur named a geolocation host that is not an https:// URL: set oauth_base_url and api_base_url to the tenant's Concur host.",
  },
  DEFINITION_NOT_FOUND: {
    failureType: 'config_error',
    action:
      'Correct the definitions setting: use names or ids from the list in the message.',
  },
  AUTH_INVALID_CLIENT: {
    failureType: 'config_error',
    action: 'Check credentials.client_id and credentials.client_secret.',
  },
  AUTH_INVALID_GRANT: {
    failureType: 'config_error',
    action:
      'Obtain a new refresh token, company request token or password and update the credentials.',
  },
  AUTH_TOKEN_REFUSED: {
    failureType: 'config_error',
    action:
      'Provide a new access token, or use the oauth2_refresh_token credentials.',
  },
  AUTH_FORBIDDEN: {
    failureType: 'config_error',
    action:
      'Give the Concur user the Company Administrator or Web Services Administrator role and the app the EXTRCT scope.',
  },
  AUTH_ENDPOINT_INVALID: {
    failureType: 'config_error',
    action:
      'Check oauth_base_url: it must be the host of the Concur token endpoint (e.g. https://us.api.concursolutions.com).',
  },
  CONCUR_HOST_UNKNOWN: {
    failureType: 'config_error',
    action:
      'The host name does not resolve: check api_base_url / oauth_base_url and the DNS of the Airbyte cluster.',
  },
  CONCUR_TLS_FAILED: {
    failureType: 'config_error',
    retriable: false,
    action:
      'The TLS handshake failed: check the base URL is a Concur host and no proxy replaces its certificate.',
  },
  CONCUR_UNREACHABLE: {
    failureType: 'transient_error',
    action:
      'No answer from Concur (refused, reset or timed out): check the network path from Airbyte to the host; the next sync retries.',
  },
  CONCUR_UNAVAILABLE: {
    failureType: 'transient_error',
    retriable: true,
    action:
      'Concur answered 5xx after every retry (often maintenance): the next sync retries.',
  },
  CONCUR_RATE_LIMITED: {
    failureType: 'transient_error',
    retriable: true,
    action:
      'Concur answered 429 after every retry: run fewer syncs against the tenant at once; the next sync retries.',
  },
  CONCUR_REQUEST_REJECTED: {
    failureType: 'system_error',
    retriable: false,
    action:
      'Concur refused a request (4xx) the connector should not send: report it with the log.',
  },
  CONCUR_ANSWER_INVALID: {
    failureType: 'system_error',
    retriable: false,
    action:
      'Concur answered something that is not a valid Extract document: report it with the log.',
  },
  JOB_FAILED: {
    failureType: 'transient_error',
    retriable: false,
    action:
      'The Concur job ended Failed: check the definition in Concur; the next sync starts a new job.',
  },
  JOB_WAIT_TIMEOUT: {
    failureType: 'transient_error',
    retriable: false,
    action:
      'The job was still running when the wait ended: raise job_wait_timeout_minutes or let the next sync pick it up.',
  },
  JOB_NO_FILE: {
    failureType: 'system_error',
    retriable: false,
    action: 'A Completed job without a file link: report it with the log.',
  },
  WORK_DIR_FAILED: {
    failureType: 'system_error',
    retriable: false,
    action:
      'The connector could not write its work folder: check free disk space in the pod (TMPDIR).',
  },
  SAE_HEADER_INVALID: fileCheck('The EXTRACT header line'),
  SAE_COUNT_MISMATCH: fileCheck('The header record count'),
  SAE_TOTAL_MISMATCH: fileCheck('The header journal amount total'),
  SAE_DETAIL_BEFORE_HEADER: fileCheck('A DETAIL line before the header'),
  SAE_AMOUNT_INVALID: fileCheck('A journal amount'),
  FILE_WIDTH_MISMATCH: fileCheck('The field count of a line'),
  FILE_QUOTE_INVALID: fileCheck('The quoting of a line'),
  FILE_ENCODING_INVALID: fileCheck(
    'The bytes are not valid in file_encoding; set file_encoding to match the file, or'
  ),
  FILE_LINE_TOO_LONG: fileCheck('A line past the length limit'),
  FILE_VALUE_INVALID: fileCheck(
    'A typed column (amount, date, integer) whose text is not of its type'
  ),
  FILE_BODY_TRUNCATED: fileCheck('The download was shorter than announced'),
  ZIP_INVALID: fileCheck('The ZIP archive is unreadable'),
  ZIP_CRC_MISMATCH: fileCheck('A ZIP entry fails its checksum'),
  ZIP_ENTRY_ESCAPES: fileCheck('A ZIP entry name escapes its folder'),
  ZIP_TOO_LARGE: fileCheck(
    'The ZIP expands past max_unzipped_mb; raise that limit, or'
  ),
  INTERNAL_ERROR: {
    failureType: 'system_error',
    retriable: false,
    action: 'A bug in the connector: report it with the log.',
  },
} satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The file checks (raised by the extract-file reader): only Concur's file can be fixed. */
function fileCheck(what: string): CodeInfo {
  return {
    failureType: 'config_error',
    retriable: false,
    definitionScoped: true,
    action: `${what}: the file Concur produced fails its checks; no row of it is emitted. Check the definition in Concur (or ask SAP support).`,
  };
}

export function codeInfo(code: string): CodeInfo {
  return (
    (ERROR_CODES as Record<string, CodeInfo>)[code] ??
    ERROR_CODES.INTERNAL_ERROR
  );
}
