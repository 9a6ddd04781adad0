/**
 * The parts of faros-airbyte-cdk@0.11.26 the connector uses, imported from
 * their own modules: the package index also loads the destination runner, the
 * testing tools and, through the stream base class, faros-js-client with
 * graphql — some 600 modules and ~0.2 s on every command. The version is
 * pinned exactly, so these paths are stable.
 */
export {AirbyteLogger, shouldWriteLog} from 'faros-airbyte-cdk/lib/logger';
export type {
  AirbyteMessage,
  AirbyteStream,
} from 'faros-airbyte-cdk/lib/protocol';
export {AirbyteSpec, SyncMode} from 'faros-airbyte-cdk/lib/protocol';
export {AirbyteSourceBase} from 'faros-airbyte-cdk/lib/sources/source-base';
export {AirbyteSourceRunner} from 'faros-airbyte-cdk/lib/sources/source-runner';
export type {AirbyteStreamBase} from 'faros-airbyte-cdk/lib/sources/streams/stream-base';
export {
  addSourceCommonProperties,
  Data,
  redactConfig,
} from 'faros-airbyte-cdk/lib/utils';
