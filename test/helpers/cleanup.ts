/** Runs after every test file (jest.config.js setupFilesAfterEnv): nothing stays in $TMPDIR. */
import {removeTempDirs} from './temp';

afterAll(removeTempDirs);
