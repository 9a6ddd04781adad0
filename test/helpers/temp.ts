/**
 * Temp folders of one test file. Each is removed after the file's last test by
 * the afterAll hook of test/helpers/cleanup.ts (jest.config.js
 * setupFilesAfterEnv), so a test that forgets, throws or times out leaves
 * nothing in $TMPDIR.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';

const made = new Set<string>();

/** A fresh folder `$TMPDIR/<prefix>XXXXXX`, removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes every folder tempDir made in this test file. */
export function removeTempDirs(): void {
  for (const dir of made) fs.rmSync(dir, {recursive: true, force: true});
  made.clear();
}
