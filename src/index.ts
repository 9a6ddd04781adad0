import {Command} from 'commander';

import {ConnectorLogger} from './protocol/logger';
import {ConcurSourceRunner} from './runner';
import {ConcurExtractSource} from './source';

export {ConcurExtractSource} from './source';

/** The CLI: `bin/main spec | check | discover | read` (Airbyte protocol on stdout). */
export function mainCommand(): Command {
  const logger = new ConnectorLogger();
  const source = new ConcurExtractSource(logger);
  return new ConcurSourceRunner(logger, source).mainCommand();
}
