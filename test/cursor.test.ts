import {
  advance,
  compareTimes,
  isAfterCursor,
  jobsToEmit,
  timeKey,
} from '../src/streams/cursor';

const job = (id: string, stopTime: string | null) => ({id, stopTime});

describe('cursor: ordering of Concur times', () => {
  test('fraction precision does not change the order', () => {
    expect(timeKey('2024-01-13T18:30:50Z')).toBe('2024-01-13T18:30:50.0000000');
    expect(
      compareTimes('2024-01-13T18:30:50Z', '2024-01-13T18:30:50.0000000Z')
    ).toBe(0);
    expect(
      compareTimes('2024-01-13T18:30:50.5Z', '2024-01-13T18:30:50.4999999Z')
    ).toBe(1);
    expect(
      compareTimes('2024-01-13T18:30:50.58Z', '2024-01-13T18:30:50.537Z')
    ).toBe(1);
  });
});

describe('cursor: each finished job exactly once', () => {
  test('jobs sharing a stop time on either side of a sync are each emitted once', () => {
    const t = '2024-01-13T18:30:50.0000000Z';
    // Sync 1 sees only job a (b not listed yet).
    const first = jobsToEmit(
      [job('a', t), job('old', '2024-01-12T00:00:00Z')],
      undefined,
      undefined
    );
    expect(first.map((j) => j.id)).toEqual(['old', 'a']);
    const c1 = first.reduce(advance, undefined as any);
    expect(c1).toEqual({cursor: t, ids_at_cursor: ['a']});
    // Sync 2 sees a and b at the same time: only b is new.
    const second = jobsToEmit(
      [job('b', t), job('a', t), job('old', '2024-01-12T00:00:00Z')],
      c1,
      undefined
    );
    expect(second.map((j) => j.id)).toEqual(['b']);
    const c2 = second.reduce(advance, c1);
    expect(c2).toEqual({cursor: t, ids_at_cursor: ['a', 'b']});
    // Sync 3: nothing new; a later job moves the cursor and resets the ids.
    expect(jobsToEmit([job('b', t), job('a', t)], c2, undefined)).toEqual([]);
    expect(advance(c2, job('c', '2024-01-14T00:00:00Z'))).toEqual({
      cursor: '2024-01-14T00:00:00Z',
      ids_at_cursor: ['c'],
    });
  });

  test('unfinished jobs are not emitted until they finish', () => {
    expect(isAfterCursor(job('r', null), undefined)).toBe(false);
    expect(jobsToEmit([job('r', null)], undefined, undefined)).toEqual([]);
  });

  test('start_date bounds only the first sync', () => {
    const jobs = [
      job('a', '2023-12-31T23:59:59Z'),
      job('b', '2024-01-01T00:00:00Z'),
    ];
    const start = new Date('2024-01-01T00:00:00Z');
    expect(jobsToEmit(jobs, undefined, start).map((j) => j.id)).toEqual(['b']);
    const cursor = {cursor: '2023-01-01T00:00:00Z', ids_at_cursor: []};
    expect(jobsToEmit(jobs, cursor, start).map((j) => j.id)).toEqual([
      'a',
      'b',
    ]);
  });

  test('oldest first, ties by id', () => {
    const t = '2024-01-02T00:00:00Z';
    const out = jobsToEmit(
      [job('z', t), job('y', t), job('x', '2024-01-01T00:00:00Z')],
      undefined,
      undefined
    );
    expect(out.map((j) => j.id)).toEqual(['x', 'y', 'z']);
  });
});
