/**
 * Input state naming a stream the source does not have, or a definition id
 * Concur does not list, is ignored (so what it meant re-syncs from the
 * start): the read logs a WARN naming it, through bin/main.
 */
import {catalog, logs, records} from './helpers/cli';
import {
  baseScenario,
  readSim,
  SAE_DEF,
  SimulatorHandle,
  startSimulator,
} from './helpers/sim';

const CURSOR = {cursor: '2024-01-01T00:00:00Z', ids_at_cursor: []};

const warnings = (messages: any[]): string[] => logs(messages, 'WARN');

describe('state: unknown streams and definitions are warned about', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator(
      baseScenario([
        {
          id: SAE_DEF,
          name: 'Standard Accounting Extract',
          jobs: [
            {
              id: 'j1$p',
              status: 'Completed',
              start_time: '2024-01-12T18:30:00Z',
              stop_time: '2024-01-12T18:31:01Z',
            },
          ],
        },
      ])
    );
  });
  afterAll(() => sim.close());

  test('a legacy state with a misspelt stream and an unknown definition', async () => {
    const res = await readSim(sim, catalog({extract_jobs: 'incremental'}), {
      state: {
        extract_job: {[SAE_DEF]: CURSOR},
        extract_jobs: {[SAE_DEF]: CURSOR, nYoPK$typo: CURSOR},
      },
    });
    expect(res.code).toBe(0);
    const warned = warnings(res.messages);
    expect(warned).toEqual(
      expect.arrayContaining([
        expect.stringContaining('stream "extract_job"'),
        expect.stringContaining(
          'stream extract_jobs names definition "nYoPK$typo"'
        ),
      ])
    );
    // The known definition is neither warned about nor re-read from the start.
    expect(warned.join('\n')).not.toContain(`"${SAE_DEF}"`);
    expect(records(res.messages, 'extract_jobs').map((j) => j.id)).toEqual([
      'j1$p',
    ]);
  });

  test('per-stream state naming a stream not in the source', async () => {
    const res = await readSim(sim, catalog({extract_jobs: 'incremental'}), {
      state: [
        {
          type: 'STREAM',
          stream: {
            stream_descriptor: {name: 'sae_row'},
            stream_state: {[SAE_DEF]: CURSOR},
          },
        },
      ],
    });
    expect(res.code).toBe(0);
    expect(warnings(res.messages)).toEqual([
      expect.stringContaining('stream "sae_row"'),
    ]);
  });

  test('state naming only known streams and definitions: no warning', async () => {
    const res = await readSim(sim, catalog({extract_jobs: 'incremental'}), {
      state: {extract_jobs: {[SAE_DEF]: CURSOR}},
    });
    expect(res.code).toBe(0);
    expect(warnings(res.messages)).toEqual([]);
  });
});
