import {ClientOptions, ConcurClient} from './concur/client';
import {hostOf} from './concur/http';
import {ConcurConfig, resolveConfig, ResolvedConfig} from './config';
import {ApiError, codeInfo, ConnectorError, describeError} from './errors';
import {selectDefinitions} from './streams/context';

/**
 * `check` must answer before Airbyte's UI gives up on it (about 30 s): one
 * deadline over the token request and the definitions listing.
 */
export const CHECK_DEADLINE_MS = 25_000;
/** A call idle this long in `check` is lost (read waits 60 s: docs/concur-extract-api.md#errors-and-retries). */
const CHECK_REQUEST_TIMEOUT_MS = 10_000;
/** `check` tries each call twice, a second apart; read keeps its patient budget. */
const CHECK_RETRY = {
  maxAttempts: 2,
  baseDelayMs: 1_000,
  maxDelayMs: 1_000,
  retryAfterCapMs: 2_000,
};

/** Codes whose check message names the host and what to check. */
const NETWORK_CODES = new Set([
  'CONCUR_HOST_UNKNOWN',
  'CONCUR_TLS_FAILED',
  'CONCUR_UNREACHABLE',
  'CONCUR_UNAVAILABLE',
  'CONCUR_RATE_LIMITED',
]);

/**
 * Gets a token and lists definitions; checks every configured definition
 * exists. Resolves to undefined when connected, else the message for the
 * user (naming the host and what to check for network failures).
 */
export async function checkConnection(
  config: ConcurConfig,
  createClient: (
    resolved: ResolvedConfig,
    opts: Partial<ClientOptions>
  ) => ConcurClient,
  log: (message: string) => void
): Promise<string | undefined> {
  let resolved: ResolvedConfig;
  try {
    resolved = resolveConfig(config);
  } catch (err) {
    return describeError(err);
  }
  const client = createClient(resolved, {
    retry: CHECK_RETRY,
    timeoutMs: CHECK_REQUEST_TIMEOUT_MS,
  });
  let step = {
    what: 'the Concur token endpoint',
    host: hostOf(resolved.oauthBaseUrl) ?? resolved.oauthBaseUrl,
  };
  const work = (async (): Promise<number> => {
    await client.authenticate();
    step = {
      what: 'the Concur Extract API',
      host: resolved.apiBaseUrl
        ? (hostOf(resolved.apiBaseUrl) ?? resolved.apiBaseUrl)
        : "the token's geolocation",
    };
    const all = await client.listDefinitions();
    return selectDefinitions(all, resolved.definitions).length;
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ApiError(
            `${step.what} at ${step.host} did not answer within ${CHECK_DEADLINE_MS / 1000} s`,
            {code: 'CONCUR_UNREACHABLE', host: step.host}
          )
        ),
      CHECK_DEADLINE_MS
    );
  });
  try {
    const selected = await Promise.race([work, deadline]);
    log(`Connected to Concur: ${selected} extract definition(s) selected.`);
    return undefined;
  } catch (err) {
    return checkMessage(err, step.host);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}

function checkMessage(err: unknown, host: string): string {
  if (!(err instanceof ConnectorError) || !NETWORK_CODES.has(err.code))
    return describeError(err);
  const what = err.describe().replace(/\.$/, '');
  return `${err.code}: cannot reach Concur at ${err.host ?? host}: ${what}. ${codeInfo(err.code).action}`;
}
