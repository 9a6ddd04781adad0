import {byType, runCli, tempFiles} from './helpers/cli';
import {expectValidRun} from './helpers/protocol';

describe('discover (bin/main discover)', () => {
  let streams: any[];
  beforeAll(async () => {
    // Discover needs no network: the catalog is static.
    const files = tempFiles({
      config: {
        credentials: {auth_type: 'access_token', access_token: 'x-token'},
      },
    });
    const res = await runCli(['discover', '--config', files.config]);
    expect(res.code).toBe(0);
    expectValidRun(res);
    const catalogs = byType(res.messages, 'CATALOG');
    expect(catalogs).toHaveLength(1);
    streams = catalogs[0].catalog.streams;
  });

  test('three streams with their keys, cursors and sync modes', () => {
    const summary = streams.map((s) => ({
      name: s.name,
      modes: s.supported_sync_modes,
      pk: s.source_defined_primary_key,
      cursor: s.default_cursor_field,
    }));
    expect(summary).toEqual([
      {
        name: 'extract_definitions',
        modes: ['full_refresh'],
        pk: [['id']],
        cursor: undefined,
      },
      {
        name: 'extract_jobs',
        modes: ['full_refresh', 'incremental'],
        pk: [['id']],
        cursor: ['stop_time'],
      },
      {
        name: 'extract_file_rows',
        modes: ['full_refresh', 'incremental'],
        pk: [['job_id'], ['file_name'], ['line_number']],
        cursor: ['job_stop_time'],
      },
    ]);
  });

  test('schemas carry only our fields (no CDK extras)', () => {
    for (const s of streams) {
      expect(
        Object.keys(s.json_schema.properties).filter((k) => k.startsWith('__'))
      ).toEqual([]);
    }
  });

  test('extract_file_rows declares the SAE columns users query', () => {
    const props = streams[2].json_schema.properties;
    expect(props.journal_amount.type).toContain('number');
    expect(props.batch_date.format).toBe('date');
    expect(props.sequence_number.type).toContain('integer');
    expect(props.report_key.type).toContain('string');
    expect(props.values.type).toContain('array');
  });
});
