import {AirbyteSourceBase, AirbyteSpec} from 'faros-airbyte-cdk';
import VError from 'verror';

import {ConcurClient} from './concur/client';
import {ConcurConfig, resolveConfig} from './config';
import {describeError} from './errors';
import {readResource} from './resources';
import {ConcurStream} from './streams/base';
import {selectDefinitions} from './streams/context';
import {ExtractDefinitions} from './streams/definitions';
import {ExtractFileRows} from './streams/file-rows';
import {ExtractJobs} from './streams/jobs';

/** The SAP Concur Extract source: spec, check and the stream list (reading: see read.ts). */
export class ConcurExtractSource extends AirbyteSourceBase<ConcurConfig> {
  get type(): string {
    return 'concur-extract';
  }

  async spec(): Promise<AirbyteSpec> {
    return new AirbyteSpec(readResource('spec.json'));
  }

  /** Gets a token and lists definitions; checks every configured definition exists. */
  async checkConnection(
    config: ConcurConfig
  ): Promise<[boolean, VError | undefined]> {
    try {
      const resolved = resolveConfig(config);
      const client = ConcurClient.create(resolved, {logger: this.logger});
      await client.authenticate();
      const selected = selectDefinitions(
        await client.listDefinitions(),
        resolved.definitions
      );
      this.logger.info(
        `Connected to Concur: ${selected.length} extract definition(s) selected.`
      );
      return [true, undefined];
    } catch (err) {
      return [false, new VError(describeError(err))];
    }
  }

  streams(): ConcurStream[] {
    return [
      new ExtractDefinitions(this.logger),
      new ExtractJobs(this.logger),
      new ExtractFileRows(this.logger),
    ];
  }
}
