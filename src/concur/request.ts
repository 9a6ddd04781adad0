/** The shape of one HTTP call, shared by the request and download paths. */
import {ConnectorError} from '../errors';
import {pathForLog} from './links';

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Absolute URL; only its path is ever logged or quoted. */
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /**
   * False for a request that changes Concur data (default: true for GET only).
   * Such a request is retried only when the failure proves it was not processed
   * (429, no connection), or when `confirmNotProcessed` proves it.
   */
  idempotent?: boolean;
  /** Asked after an ambiguous failure of a non-idempotent request; true = it had no effect. */
  confirmNotProcessed?: (err: ConnectorError) => Promise<boolean>;
  /** Non-2xx statuses handed back as answers instead of errors (409, token errors…). */
  answerStatuses?: number[];
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

/** "GET /api/expense/extract/v1.0/…": method and path, never host, query or credentials. */
export function describeRequest(
  req: Pick<HttpRequest, 'method' | 'url'>
): string {
  return `${req.method} ${pathForLog(req.url)}`;
}

export function flatHeaders(
  headers: Record<string, unknown>
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    out[k.toLowerCase()] = Array.isArray(v)
      ? v.join(', ')
      : v == null
        ? undefined
        : String(v);
  }
  return out;
}
