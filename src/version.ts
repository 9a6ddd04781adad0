import fs from 'fs';
import path from 'path';

import {RESOURCES_DIR} from './resources';

let version: string | undefined;

/** The connector's version: package.json's, next to resources/ in the repo and in the image (read once). */
export function connectorVersion(): string {
  if (version === undefined) {
    const pkg = JSON.parse(
      fs.readFileSync(
        path.join(path.dirname(RESOURCES_DIR), 'package.json'),
        'utf8'
      )
    ) as {version?: unknown};
    version = typeof pkg.version === 'string' ? pkg.version : 'unknown';
  }
  return version;
}
