import {FailureType} from '../errors';

/** Builders for the Airbyte protocol messages the connector emits itself. */

export interface StreamStateMessage {
  type: 'STATE';
  state: {
    type: 'STREAM';
    stream: {stream_descriptor: {name: string}; stream_state: object};
    sourceStats: {recordCount: number};
  };
}

export function streamState(
  stream: string,
  state: object,
  recordCount: number
): StreamStateMessage {
  return {
    type: 'STATE',
    state: {
      type: 'STREAM',
      stream: {stream_descriptor: {name: stream}, stream_state: state},
      sourceStats: {recordCount},
    },
  };
}

/**
 * An Airbyte TRACE error: `message` for people, `internal_message` beginning
 * with the error's stable code, and the stream it belongs to (none for a
 * failure of the whole sync, such as credentials).
 */
export function traceError(error: {
  message: string;
  failureType: FailureType;
  code: string;
  detail?: string;
  stream?: string;
}): object {
  return {
    type: 'TRACE',
    trace: {
      type: 'ERROR',
      emitted_at: Date.now(),
      error: {
        message: error.message,
        failure_type: error.failureType,
        internal_message: error.detail
          ? `${error.code}: ${error.detail}`
          : error.code,
        ...(error.stream ? {stream_descriptor: {name: error.stream}} : {}),
      },
    },
  };
}

/** Asks the platform to store an updated configuration (e.g. a rotated refresh token). */
export function connectorConfigControl(config: object): object {
  return {
    type: 'CONTROL',
    control: {
      type: 'CONNECTOR_CONFIG',
      emitted_at: Date.now(),
      connectorConfig: {config},
    },
  };
}
