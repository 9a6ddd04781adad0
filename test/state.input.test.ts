import {Data} from 'faros-airbyte-cdk';

import {parseInputState} from '../src/state';
import {expectThrowsCode} from './helpers/errors';
const cursor = {
  cursor: '2024-01-13T18:30:50.0000000Z',
  ids_at_cursor: ['a$1', 'b$2'],
};

describe('state: accepted input shapes', () => {
  test('the array of per-stream states Airbyte passes', () => {
    const input = [
      {
        type: 'STREAM',
        stream: {
          stream_descriptor: {name: 'extract_jobs'},
          stream_state: {def$1: cursor},
        },
      },
      {
        type: 'STREAM',
        stream: {
          stream_descriptor: {name: 'extract_file_rows'},
          stream_state: {},
        },
      },
    ];
    expect(parseInputState(input)).toEqual({
      extract_jobs: {def$1: cursor},
      extract_file_rows: {},
    });
  });

  test('full STATE messages and GLOBAL state', () => {
    const msg = {
      type: 'STATE',
      state: {
        type: 'STREAM',
        stream: {
          stream_descriptor: {name: 'extract_jobs'},
          stream_state: {d: cursor},
        },
      },
    };
    expect(parseInputState([msg])).toEqual({extract_jobs: {d: cursor}});
    const global = {
      type: 'GLOBAL',
      global: {
        stream_states: [
          {stream_descriptor: {name: 'x'}, stream_state: {d: cursor}},
        ],
      },
    };
    expect(parseInputState([global])).toEqual({x: {d: cursor}});
  });

  test('legacy plain object, legacy {data}, and the CDK gzip form', () => {
    const legacy = {extract_jobs: {d: cursor}};
    expect(parseInputState(legacy)).toEqual(legacy);
    expect(parseInputState({data: legacy})).toEqual(legacy);
    expect(parseInputState(Data.compress(legacy))).toEqual(legacy);
    expect(parseInputState({type: 'LEGACY', data: legacy})).toEqual(legacy);
  });

  test('ids_at_cursor is optional; entries without a cursor are ignored', () => {
    const t = '2024-01-01T00:00:00Z';
    expect(parseInputState({s: {d: {cursor: t}, junk: 1}})).toEqual({
      s: {d: {cursor: t, ids_at_cursor: []}},
    });
  });

  test('empty input is an empty state; nonsense is a config error', () => {
    expect(parseInputState(undefined)).toEqual({});
    expect(parseInputState([])).toEqual({});
    expectThrowsCode(() => parseInputState([{type: 'WHAT'}]), 'STATE_INVALID');
    expectThrowsCode(() => parseInputState({s: 'x'}), 'STATE_INVALID');
  });
});

describe('state: cursors', () => {
  const one = (cursor: string) =>
    parseInputState({s: {d: {cursor, ids_at_cursor: []}}}).s.d.cursor;

  test('zone-less cursors are UTC; offsets are moved to UTC', () => {
    expect(one('2024-01-13T18:30:50.000Z')).toBe('2024-01-13T18:30:50.000Z');
    expect(one('2024-01-13T18:30:50')).toBe('2024-01-13T18:30:50Z');
    expect(one('2024-01-13T20:30:50+02:00')).toBe('2024-01-13T18:30:50.000Z');
  });

  test('a cursor that is not a date-time is refused, naming stream and definition', () => {
    expectThrowsCode(
      () => one('not a date'),
      'STATE_INVALID',
      /stream s, definition d, has cursor "not a date"/
    );
    expectThrowsCode(() => one('2024-13-45T99:00:00Z'), 'STATE_INVALID');
  });
});
