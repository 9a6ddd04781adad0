import {DataError, ErrorContext} from '../errors';

/**
 * An extract file that fails a check: a config_error (only the Concur side can
 * fix the file; retrying the sync cannot help), scoped to its definition, with
 * a file-check code (SAE_TOTAL_MISMATCH, FILE_WIDTH_MISMATCH, ZIP_CRC_MISMATCH…).
 */
export function fileError(
  message: string,
  code: string,
  context?: ErrorContext,
  cause?: unknown
): DataError {
  return new DataError(message, {
    code,
    failureType: 'config_error',
    context,
    cause,
  });
}
