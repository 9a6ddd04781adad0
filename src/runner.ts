import {Command} from 'commander';
import fs from 'fs';

import {
  addSourceCommonProperties,
  AirbyteSourceRunner,
  AirbyteSpec,
  redactConfig,
} from './cdk';
import {ConcurConfig} from './config';
import {ConfigError, describeError} from './errors';
import {ConnectorLogger} from './protocol/logger';
import {traceError} from './protocol/messages';
import {Output} from './protocol/output';
import {ConfiguredCatalog, runRead} from './read';
import {ConcurExtractSource} from './source';

/** The CDK's runner with the two commands where it behaves unlike a stock Airbyte source replaced. */
export class ConcurSourceRunner extends AirbyteSourceRunner<ConcurConfig> {
  constructor(
    private readonly connectorLogger: ConnectorLogger,
    private readonly concurSource: ConcurExtractSource
  ) {
    super(connectorLogger as any, concurSource);
  }

  /** The CDK adds its own options (max_stream_failures, debug…); keep them out of the user's form. */
  override specCommand(): Command {
    return new Command()
      .command('spec')
      .description('print the connector specification')
      .action(async () =>
        this.connectorLogger.write(
          await specWithHiddenCommonProperties(this.concurSource)
        )
      );
  }

  /**
   * Per-stream STATE with sourceStats, plain JSON state, and on failure an
   * Airbyte TRACE error and a non-zero exit (the CDK prints neither).
   */
  override readCommand(): Command {
    return new Command()
      .command('read')
      .description('read records')
      .requiredOption('--config <path to json>', 'config json')
      .requiredOption('--catalog <path to json>', 'configured catalog json')
      .option('--state <path to json>', 'state json')
      .action(
        async (opts: {config: string; catalog: string; state?: string}) => {
          const output = new Output();
          let code: number;
          try {
            const config = loadJson<ConcurConfig>(opts.config, 'config');
            const catalog = loadJson<ConfiguredCatalog>(
              opts.catalog,
              'catalog'
            );
            const state = opts.state
              ? loadJson(opts.state, 'state')
              : undefined;
            const spec = await specWithHiddenCommonProperties(
              this.concurSource
            );
            this.connectorLogger.info(
              `Source version: ${process.env.CONNECTOR_VERSION ?? 'dev'}`
            );
            this.connectorLogger.info(
              `Config: ${JSON.stringify(redactConfig(config, spec))}`
            );
            code = await runRead(
              this.concurSource,
              this.connectorLogger,
              config,
              catalog,
              state,
              output
            );
          } catch (err) {
            await output.message(
              traceError(describeError(err), 'config_error')
            );
            code = 1;
          }
          await new Promise<void>((resolve) =>
            process.stdout.write('', () => resolve())
          );
          process.exit(code);
        }
      );
  }
}

export async function specWithHiddenCommonProperties(
  source: ConcurExtractSource
): Promise<AirbyteSpec> {
  const ours = await source.spec();
  const ownNames = new Set(
    Object.keys(ours.spec.connectionSpecification.properties ?? {})
  );
  const spec = addSourceCommonProperties(ours);
  for (const [name, prop] of Object.entries<any>(
    spec.spec.connectionSpecification.properties
  )) {
    if (!ownNames.has(name)) prop.airbyte_hidden = true;
  }
  return spec;
}

function loadJson<T = unknown>(file: string, what: string): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `Cannot read the ${what} file ${file}: ${(err as Error).message}`
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new ConfigError(
      `The ${what} file ${file} is not valid JSON: ${(err as Error).message}`
    );
  }
}
