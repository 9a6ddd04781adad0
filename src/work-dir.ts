import {promises as fs, rmSync} from 'fs';
import os from 'os';
import path from 'path';

import {onSignalExit} from './signals';

const WORK_DIR_PREFIX = 'concur-extract-';
/** A work folder untouched this long belongs to a sync that was killed (each job touches it). */
const STALE_WORK_DIR_MS = 24 * 3_600_000;

export interface WorkDir {
  dir: string;
  remove(): Promise<void>;
}

/**
 * The sync's private folder for downloaded bodies. Folders of killed syncs
 * (SIGKILL leaves no chance to clean up) are removed first; SIGTERM/SIGINT
 * (Airbyte cancelling a sync) remove this one before exiting.
 */
export async function createWorkDir(): Promise<WorkDir> {
  const tmp = os.tmpdir();
  for (const name of await fs.readdir(tmp).catch(() => [] as string[])) {
    if (!name.startsWith(WORK_DIR_PREFIX)) continue;
    const dir = path.join(tmp, name);
    const stat = await fs.stat(dir).catch(() => undefined);
    if (stat?.isDirectory() && Date.now() - stat.mtimeMs > STALE_WORK_DIR_MS) {
      await fs.rm(dir, {recursive: true, force: true}).catch(() => undefined);
    }
  }
  const dir = await fs.mkdtemp(path.join(tmp, WORK_DIR_PREFIX));
  const unregister = onSignalExit(() =>
    rmSync(dir, {recursive: true, force: true})
  );
  return {
    dir,
    remove: async () => {
      unregister();
      await fs.rm(dir, {recursive: true, force: true});
    },
  };
}
