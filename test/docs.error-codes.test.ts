import fs from 'fs';
import path from 'path';

import {ERROR_CODES} from '../src/errors';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const {renderCodes, withCodes} = require('../scripts/codes-table');

const ROOT = path.join(__dirname, '..');
const PAGE = path.join(ROOT, 'docs', 'concur-extract.md');

describe('the error-code table', () => {
  test('the docs page shows exactly ERROR_CODES (npm run gen:codes rewrites it)', () => {
    const page = fs.readFileSync(PAGE, 'utf8');
    expect(page).toBe(withCodes(page, renderCodes(ERROR_CODES)));
  });

  test('every code raised in src/ (not the simulator) is in the table', () => {
    const raised = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, {withFileTypes: true})) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (e.name !== 'simulator') walk(p);
        } else if (p.endsWith('.ts')) {
          const text = fs.readFileSync(p, 'utf8');
          for (const m of text.matchAll(/code: '([A-Z0-9_]+)'/g))
            raised.add(m[1]);
        }
      }
    };
    walk(path.join(ROOT, 'src'));
    expect(raised.size).toBeGreaterThan(10);
    expect([...raised].filter((c) => !(c in ERROR_CODES))).toEqual([]);
  });

  test('each failure type follows the one rule', () => {
    const of = (t: string) =>
      Object.entries(ERROR_CODES)
        .filter(([, i]) => i.failureType === t)
        .map(([c]) => c);
    // Retrying later may help: the network, Concur's load, a job still running.
    expect(of('transient_error')).toEqual([
      'CONCUR_UNREACHABLE',
      'CONCUR_UNAVAILABLE',
      'CONCUR_RATE_LIMITED',
      'JOB_FAILED',
      'JOB_WAIT_TIMEOUT',
    ]);
    // Bugs (ours or Concur's answers) only.
    expect(of('system_error')).toEqual([
      'CONCUR_REQUEST_REJECTED',
      'CONCUR_ANSWER_INVALID',
      'JOB_NO_FILE',
      'WORK_DIR_FAILED',
      'INTERNAL_ERROR',
    ]);
  });
});
