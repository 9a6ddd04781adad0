import {ConnectorError, DataError, ErrorCode, ErrorContext} from '../errors';

/**
 * Errors across a worker thread boundary (emit-worker.ts, check-worker.ts):
 * sent as plain data, rebuilt as the class the reading thread would have
 * thrown, with its code, message and {file, line} context.
 */
export interface ErrorData {
  name: string;
  message: string;
  code?: ErrorCode;
  context?: ErrorContext;
}

export function errorData(err: unknown): ErrorData {
  if (err instanceof ConnectorError) {
    return {
      name: err.name,
      message: err.message,
      code: err.code,
      context: err.context,
    };
  }
  return {
    name: 'Error',
    message: err instanceof Error ? err.message : String(err),
  };
}

export function fromErrorData(e: ErrorData): Error {
  if (!e.code) return new Error(e.message);
  const opts = {code: e.code, context: e.context};
  return e.name === 'DataError'
    ? new DataError(e.message, opts)
    : new ConnectorError(e.message, opts);
}
