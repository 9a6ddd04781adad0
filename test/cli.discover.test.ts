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

  test('six streams with their keys, cursors and sync modes', () => {
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
      ...['extract_file_rows', 'sae_rows', 'prae_rows'].map((name) => ({
        name,
        modes: ['full_refresh', 'incremental'],
        pk: [['job_id'], ['file_name'], ['line_number']],
        cursor: ['job_stop_time'],
      })),
      {
        name: 'extract_files',
        modes: ['full_refresh', 'incremental'],
        pk: [['job_id'], ['file_name']],
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

  test('amounts_as: string declares every decimal column of the typed streams a string', async () => {
    const files = tempFiles({
      config: {
        credentials: {auth_type: 'access_token', access_token: 'x-token'},
        amounts_as: 'string',
      },
    });
    const res = await runCli(['discover', '--config', files.config]);
    expect(res.code).toBe(0);
    const byName = new Map<string, any>(
      byType(res.messages, 'CATALOG')[0].catalog.streams.map((s: any) => [
        s.name,
        s.json_schema.properties,
      ])
    );
    for (const name of ['extract_file_rows', 'sae_rows', 'prae_rows']) {
      expect(byName.get(name).journal_amount.type).toEqual(['null', 'string']);
    }
    // Integers and dates keep their types.
    expect(byName.get('sae_rows').batch_date.format).toBe('date');
    expect(byName.get('sae_rows').sequence_number.type).toEqual([
      'null',
      'integer',
    ]);
    expect(
      byName.get('extract_files').detail_journal_amount_total.type
    ).toEqual(['null', 'string']);
    const all = [...byName.values()].flatMap((p) => Object.values(p) as any[]);
    expect(
      all.filter((p) => ([] as string[]).concat(p.type).includes('number'))
    ).toEqual([]);
  });

  test('sae_rows and prae_rows declare only their layout columns, without values', () => {
    const props = (name: string) =>
      streams.find((s) => s.name === name).json_schema.properties;
    expect(props('sae_rows').values).toBeUndefined();
    expect(props('sae_rows').journal_account_code).toBeDefined();
    expect(props('sae_rows').request_key).toBeUndefined(); // a PRAE column
    expect(props('prae_rows').request_key).toBeDefined();
    expect(props('prae_rows').cash_advance_key).toBeUndefined(); // an SAE column
    // Same names and types as in extract_file_rows.
    const raw = props('extract_file_rows');
    for (const name of ['sae_rows', 'prae_rows']) {
      for (const [col, p] of Object.entries<any>(props(name))) {
        if (col === 'layout') continue;
        expect({col, type: p.type, format: p.format}).toEqual({
          col,
          type: raw[col].type,
          format: raw[col].format,
        });
      }
    }
  });
});
