import VError from 'verror';

import {AirbyteSourceBase, AirbyteSpec, AirbyteStreamBase} from './cdk';
import {ConcurClient} from './concur/client';
import {
  AmountsAs,
  ConcurConfig,
  resolveConfig,
  ResolvedConfig,
  withRefreshToken,
} from './config';
import {describeError} from './errors';
import {connectorConfigControl} from './protocol/messages';
import {Output} from './protocol/output';
import {readResource} from './resources';
import {ConcurStream} from './streams/base';
import {selectDefinitions} from './streams/context';
import {ExtractDefinitions} from './streams/definitions';
import {ExtractFileRows} from './streams/file-rows';
import {ExtractFiles} from './streams/files';
import {ExtractJobs} from './streams/jobs';
import {LayoutRows} from './streams/layout-rows';

/** The streams, in the order a sync reads them; file streams' schemas follow `amounts_as`. */
function createStreams(amountsAs: AmountsAs = 'number'): ConcurStream[] {
  return [
    new ExtractDefinitions(),
    new ExtractJobs(),
    new ExtractFileRows(amountsAs),
    new LayoutRows('sae_rows', amountsAs),
    new LayoutRows('prae_rows', amountsAs),
    new ExtractFiles(amountsAs),
  ];
}

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
      const client = this.createClient(resolved, config, new Output());
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

  /**
   * The Concur client of a check or a sync. When Concur rotates the refresh
   * token (the old one then stops working), the platform is asked to store
   * the new one with an Airbyte CONTROL message.
   */
  createClient(
    resolved: ResolvedConfig,
    config: ConcurConfig,
    output: Output
  ): ConcurClient {
    return ConcurClient.create(resolved, {
      logger: this.logger,
      onRefreshTokenRotated: (token) => {
        this.logger.info(
          'Concur issued a new refresh token; asking the platform to store the updated configuration.'
        );
        output.control(connectorConfigControl(withRefreshToken(config, token)));
      },
    });
  }

  /** The CDK's discover calls asAirbyteStream() on these; reading goes through read.ts. */
  streams(config?: ConcurConfig): ConcurStream[] & AirbyteStreamBase[] {
    const amountsAs = config?.amounts_as === 'string' ? 'string' : 'number';
    return createStreams(amountsAs) as ConcurStream[] & AirbyteStreamBase[];
  }
}
