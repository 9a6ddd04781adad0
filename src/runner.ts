import {Command} from 'commander';
import fs from 'fs';

import {
  addSourceCommonProperties,
  AirbyteMessage,
  AirbyteSpec,
  redactConfig,
} from './cdk';
import {ConcurConfig} from './config';
import {codeOf, ConfigError, describeError, failureTypeOf} from './errors';
import {ConnectorLogger} from './protocol/logger';
import {traceError} from './protocol/messages';
import {Output, stdout} from './protocol/output';
import {ConfiguredCatalog, runRead} from './read';
import {exitOnSignals} from './signals';
import {ConcurExtractSource} from './source';
import {connectorVersion} from './version';

/**
 * The connector's CLI: the four Airbyte commands with this connector's
 * options only (the CDK's runner adds commands and options it does not
 * have). Each command loads its files itself: a missing, unreadable or
 * non-JSON file is a config_error naming it, never a stack trace.
 */
export class ConcurSourceRunner {
  constructor(
    private readonly logger: ConnectorLogger,
    private readonly source: ConcurExtractSource
  ) {}

  mainCommand(): Command {
    exitOnSignals();
    return new Command()
      .name('main')
      .description('Airbyte source for the SAP Concur Extract Web Service')
      .version(
        connectorVersion(),
        '-v, --version',
        'print the connector version'
      )
      .addCommand(this.specCommand())
      .addCommand(this.checkCommand())
      .addCommand(this.discoverCommand())
      .addCommand(this.readCommand());
  }

  /** The CDK adds its own options (max_stream_failures, debug…); keep them out of the user's form. */
  specCommand(): Command {
    return new Command('spec')
      .description('print the connector specification')
      .action(() =>
        this.run(async () => {
          this.logger.write(await specWithHiddenCommonProperties(this.source));
          return 0;
        })
      );
  }

  checkCommand(): Command {
    return this.configCommand(
      'check',
      'check the credentials and the configured definitions',
      (config) => this.source.check(config)
    );
  }

  discoverCommand(): Command {
    return this.configCommand(
      'discover',
      'print the catalog of streams',
      (config) => this.source.discover(config)
    );
  }

  /** A command that takes only --config and prints the one message `answer` makes of it. */
  private configCommand(
    name: string,
    description: string,
    answer: (config: ConcurConfig) => Promise<AirbyteMessage>
  ): Command {
    return new Command(name)
      .description(description)
      .requiredOption('--config <path>', 'config JSON file')
      .action((opts: {config: string}) =>
        this.run(async () => {
          const config = loadJson<ConcurConfig>(opts.config, 'config');
          this.logger.write(await answer(config));
          return 0;
        })
      );
  }

  /**
   * Per-stream statuses, STATE with sourceStats, plain JSON state, and on
   * failure TRACE errors and a non-zero exit (see read.ts).
   */
  readCommand(): Command {
    return new Command('read')
      .description('read records')
      .requiredOption('--config <path>', 'config JSON file')
      .requiredOption('--catalog <path>', 'configured catalog JSON file')
      .option('--state <path>', 'state JSON file')
      .action((opts: {config: string; catalog: string; state?: string}) =>
        this.run(async (output) => {
          const config = loadJson<ConcurConfig>(opts.config, 'config');
          const catalog = loadJson<ConfiguredCatalog>(opts.catalog, 'catalog');
          const state = opts.state ? loadJson(opts.state, 'state') : undefined;
          const spec = await specWithHiddenCommonProperties(this.source);
          this.logger.info(`Source version: ${connectorVersion()}`);
          this.logger.info(
            `Config: ${JSON.stringify(redactConfig(config, spec))}`
          );
          return runRead(
            this.source,
            this.logger,
            config,
            catalog,
            state,
            output
          );
        })
      );
  }

  /** Runs a command; any failure outside read's own reporting is one TRACE error. Exits when stdout is flushed. */
  private async run(body: (output: Output) => Promise<number>): Promise<void> {
    const output = stdout;
    let code: number;
    try {
      code = await body(output);
    } catch (err) {
      await output.message(
        traceError({
          message: describeError(err),
          failureType: failureTypeOf(err),
          code: codeOf(err),
          detail: describeError(err),
        })
      );
      code = 1;
    }
    await output.flush();
    process.exit(code);
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
    const reason =
      (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError(`Cannot read the ${what} file ${file} (${reason}).`, {
      code: 'CONFIG_FILE_UNREADABLE',
    });
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    // Node quotes the text around the error: never print it (a config holds secrets).
    const at = /position \d+/.exec((err as Error).message)?.[0];
    throw new ConfigError(
      `The ${what} file ${file} is not valid JSON${at ? ` (at ${at})` : ''}.`,
      {code: 'CONFIG_FILE_UNREADABLE'}
    );
  }
}
