import {Data} from 'faros-airbyte-cdk';

import {parseInputState} from '../src/state';

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
    expect(parseInputState({s: {d: {cursor: 'x'}, junk: 1}})).toEqual({
      s: {d: {cursor: 'x', ids_at_cursor: []}},
    });
  });

  test('empty input is an empty state; nonsense is a config error', () => {
    expect(parseInputState(undefined)).toEqual({});
    expect(parseInputState([])).toEqual({});
    expect(() => parseInputState([{type: 'WHAT'}])).toThrow(
      /Unknown state type/
    );
    expect(() => parseInputState({s: 'x'})).toThrow(/not an object/);
  });
});
