import {normaliseStatus, normaliseTime} from '../src/concur/normalise';
import {DataError} from '../src/errors';

describe('normaliseTime (docs/concur-extract-api.md#job-lifecycle-and-times)', () => {
  it.each([
    ['2010-01-13T18:30:02Z', '2010-01-13T18:30:02.000Z'],
    ['2010-01-12T18:31:01', '2010-01-12T18:31:01.000Z'],
    ['2011-08-25T14:25:22.58', '2011-08-25T14:25:22.580Z'],
    ['2011-08-25T14:25:23.537', '2011-08-25T14:25:23.537Z'],
    ['2011-08-25T14:25:23.5', '2011-08-25T14:25:23.500Z'],
    ['2011-08-25T14:25:23.1234567', '2011-08-25T14:25:23.123Z'],
    ['2011-08-25T14:25:23.9999999Z', '2011-08-25T14:25:23.999Z'],
    ['2011-08-25T14:25:23,5Z', '2011-08-25T14:25:23.500Z'],
    ['  2011-08-25T14:25:23z  ', '2011-08-25T14:25:23.000Z'],
    ['2011-08-25 14:25:23', '2011-08-25T14:25:23.000Z'],
    ['2011-08-25T14:25:23+02:00', '2011-08-25T12:25:23.000Z'],
    ['2011-08-25T00:25:23-0130', '2011-08-25T01:55:23.000Z'],
    ['2024-02-29T23:59:59.9999999', '2024-02-29T23:59:59.999Z'],
  ])('%s → %s', (raw, iso) => {
    expect(normaliseTime(raw)).toBe(iso);
  });

  it('gives null for absent or empty values', () => {
    expect(normaliseTime(undefined)).toBeNull();
    expect(normaliseTime('')).toBeNull();
    expect(normaliseTime('  ')).toBeNull();
  });

  it.each([
    '2010-13-01T00:00:00',
    '2023-02-29T00:00:00',
    '2010-01-01T24:00:00',
    '13/01/2010',
    'yesterday',
    '2010-01-01',
  ])('refuses %s', (raw) => {
    expect(() => normaliseTime(raw)).toThrow(DataError);
  });

  it('keeps string order equal to time order, whatever the fraction width', () => {
    const raw = [
      '2011-08-25T14:25:22',
      '2011-08-25T14:25:22.0000001',
      '2011-08-25T14:25:22.05',
      '2011-08-25T14:25:22.1',
      '2011-08-25T14:25:22.58Z',
      '2011-08-25T14:25:22.9999999',
      '2011-08-25T14:25:23.537',
      '2011-08-25T14:25:23.5370001Z',
      '2011-08-25T14:26:00',
      '2011-08-26T00:00:00',
    ];
    const iso = raw.map((r) => normaliseTime(r)!);
    expect(new Set(iso.map((s) => s.length))).toEqual(new Set([24]));
    const sorted = [...iso].sort();
    expect(sorted).toEqual(iso);
    // Same format as Date.prototype.toISOString, so it compares with JS instants.
    for (const s of iso) expect(new Date(s).toISOString()).toBe(s);
  });
});

describe('normaliseStatus (docs/concur-extract-api.md#job-status)', () => {
  it.each([
    ['Queued', 'Queued'],
    ['queued', 'Queued'],
    ['0', 'Queued'],
    ['Running', 'Running'],
    ['RUNNING', 'Running'],
    ['In Process', 'Running'],
    ['1', 'Running'],
    ['Complete', 'Completed'],
    ['Completed', 'Completed'],
    [' completed\n', 'Completed'],
    ['2', 'Completed'],
    ['Failed', 'Failed'],
    ['3', 'Failed'],
  ])('%j → %s', (raw, status) => {
    expect(normaliseStatus(raw)).toBe(status);
  });

  it.each([undefined, '', '4', 'Cancelled', 'Done'])('refuses %j', (raw) => {
    expect(() => normaliseStatus(raw)).toThrow(DataError);
  });
});
