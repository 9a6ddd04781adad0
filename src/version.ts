import fs from 'fs';
import path from 'path';

import {RESOURCES_DIR} from './resources';

/** The connector's version: package.json's, next to resources/ in the repo and in the image. */
export function connectorVersion(): string {
  const pkg = JSON.parse(
    fs.readFileSync(
      path.join(path.dirname(RESOURCES_DIR), 'package.json'),
      'utf8'
    )
  ) as {version?: unknown};
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
