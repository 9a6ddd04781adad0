import VError from 'verror';

import {AirbyteSourceBase, AirbyteSpec, AirbyteStreamBase} from './cdk';
import {checkConnection} from './check';
import {ClientOptions, ConcurClient} from './concur/client';
import {
  AmountsAs,
  ConcurConfig,
  ResolvedConfig,
  withRefreshToken,
} from './config';
import {specDocument} from './config-spec';
import {connectorConfigControl} from './protocol/messages';
import {Output, stdout} from './protocol/output';
import {ConcurStream} from './streams/base';
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
    return new AirbyteSpec(specDocument());
  }

  /** Gets a token and lists definitions within CHECK_DEADLINE_MS (see check.ts). */
  async checkConnection(
    config: ConcurConfig
  ): Promise<[boolean, VError | undefined]> {
    const problem = await checkConnection(
      config,
      (resolved, opts) => this.createClient(resolved, config, stdout, opts),
      (m) => this.logger.info(m)
    );
    return problem === undefined
      ? [true, undefined]
      : [false, new VError(problem)];
  }

  /**
   * The Concur client of a check or a sync. When Concur rotates the refresh
   * token (the old one then stops working), the platform is asked to store
   * the new one with an Airbyte CONTROL message.
   */
  createClient(
    resolved: ResolvedConfig,
    config: ConcurConfig,
    output: Output,
    opts: Partial<ClientOptions> = {}
  ): ConcurClient {
    return ConcurClient.create(resolved, {
      ...opts,
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
