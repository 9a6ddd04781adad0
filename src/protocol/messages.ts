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

export function traceError(
  message: string,
  failureType: FailureType,
  internal?: string,
  stack?: string
): object {
  return {
    type: 'TRACE',
    trace: {
      type: 'ERROR',
      emitted_at: Date.now(),
      error: {
        message,
        failure_type: failureType,
        ...(internal ? {internal_message: internal} : {}),
        ...(stack ? {stack_trace: stack} : {}),
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
