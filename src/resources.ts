import fs from 'fs';
import path from 'path';

/**
 * The repo's resources/ folder, found from wherever this file runs: src/ under
 * ts-jest, lib/src/ when built, /home/node/airbyte/lib/src in the image.
 */
function findResourcesDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'resources');
    if (fs.existsSync(path.join(candidate, 'spec.json'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`resources/spec.json not found above ${__dirname}`);
}

export const RESOURCES_DIR = findResourcesDir();

export function readResource<T = any>(relative: string): T {
  return JSON.parse(
    fs.readFileSync(path.join(RESOURCES_DIR, relative), 'utf8')
  ) as T;
}
