/**
 * `npm run demo`: a full sync against the embedded Concur Extract simulator,
 * through bin/main exactly as Airbyte runs it: spec, check, discover, a first
 * incremental read and a second one from the first one's state.
 *
 *   npm run demo                    read what Concur's schedule produced
 *   npm run demo -- --start-jobs    also start a job per definition and wait for it
 */
import {spawn} from 'child_process';
import {startSimulator} from 'concur-extract-simulator';
import fs from 'fs';
import path from 'path';

import {explainCashAdvances, explainJobs, notableJobs} from './explain';

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'bin', 'main');
const SCENARIO = path.join(
  ROOT,
  'packages',
  'concur-extract-simulator',
  'scenarios',
  'demo.json'
);
const OUT = path.join(ROOT, 'demo', 'out');
const STREAMS = [
  'extract_definitions',
  'extract_jobs',
  'extract_file_rows',
  'sae_rows',
  'prae_rows',
  'extract_files',
];

const bold = (s: string): string =>
  process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s;
const say = (s = ''): void => void process.stdout.write(s + '\n');

interface Run {
  code: number | null;
  messages: any[];
  file: string;
}

/**
 * Runs bin/main (asynchronously: the simulator lives in this process and must
 * keep answering), keeping its raw stdout in demo/out/<name>.jsonl.
 */
function main(name: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = {...process.env};
    delete env.WORKER_JOB_ID;
    const child = spawn(process.execPath, [MAIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(chunks).toString('utf8');
      const file = path.join(OUT, `${name}.jsonl`);
      fs.writeFileSync(file, stdout);
      const messages = stdout
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l));
      resolve({code, messages, file});
    });
  });
}

const write = (name: string, value: unknown): string => {
  const file = path.join(OUT, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(value, null, 2));
  return file;
};

function catalog(): object {
  return {
    streams: [
      {
        stream: {
          name: 'extract_definitions',
          json_schema: {},
          supported_sync_modes: ['full_refresh'],
        },
        sync_mode: 'full_refresh',
        destination_sync_mode: 'overwrite',
      },
      ...STREAMS.slice(1).map((name) => ({
        stream: {
          name,
          json_schema: {},
          supported_sync_modes: ['full_refresh', 'incremental'],
        },
        sync_mode: 'incremental',
        destination_sync_mode: 'append_dedup',
      })),
    ],
  };
}

function latestStates(messages: any[]): any[] {
  const latest = new Map<string, any>();
  for (const m of messages)
    if (m.type === 'STATE')
      latest.set(m.state.stream.stream_descriptor.name, m.state);
  return [...latest.values()];
}

const recordsOf = (run: Run): any[] =>
  run.messages.filter((m) => m.type === 'RECORD').map((m) => m.record);

/** The longest running_ms of the scenario's Running jobs. */
const runningMs = (scenario: any): number =>
  Math.max(
    0,
    ...scenario.definitions.flatMap((d: any) =>
      (d.jobs ?? [])
        .filter((j: any) => j.status === 'Running')
        .map((j: any) => j.running_ms ?? 0)
    )
  );

function showRead(run: Run): void {
  const recs = run.messages
    .filter((m) => m.type === 'RECORD')
    .map((m) => m.record);
  say(
    `   exit code ${run.code}; raw messages: ${path.relative(ROOT, run.file)}`
  );
  for (const s of STREAMS) {
    say(
      `   ${s.padEnd(20)} ${String(recs.filter((r) => r.stream === s).length).padStart(5)} records`
    );
  }
  const rows = recs
    .filter((r) => r.stream === 'extract_file_rows')
    .map((r) => r.data);
  const perJob = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.definition_name} | job ${r.job_id} | ${r.file_name}`;
    perJob.set(key, (perJob.get(key) ?? 0) + 1);
  }
  if (perJob.size) {
    say('   rows per job and file:');
    for (const [k, n] of perJob) say(`     ${String(n).padStart(4)}  ${k}`);
  }
  const sae = recs
    .filter((r) => r.stream === 'sae_rows')
    .map((r) => r.data)
    .slice(0, 4);
  if (sae.length) {
    say(
      '   a few sae_rows records (one per SAE DETAIL line: named, typed columns, no values array):'
    );
    const cols = [
      'line_number',
      'employee_id',
      'report_id',
      'report_entry_transaction_date',
      'journal_account_code',
    ];
    say(`     ${[...cols, 'dr/cr', 'journal_amount'].join(' | ')}`);
    for (const r of sae) {
      const cells = [
        ...cols.map((c) => r[c] ?? ''),
        r.journal_debit_or_credit ?? '',
        JSON.stringify(r.journal_amount),
      ];
      say(`     ${cells.join(' | ')}`);
    }
  }
  const ledger = recs
    .filter((r) => r.stream === 'extract_files')
    .map((r) => r.data);
  if (ledger.length) {
    say(
      `   extract_files (the reconciliation ledger, one record per file), first ${Math.min(2, ledger.length)} of ${ledger.length}:`
    );
    for (const f of ledger.slice(0, 2)) {
      say(
        `     ${f.job_id} ${f.file_name}: ${f.size_bytes} bytes, sha256 ${f.sha256.slice(0, 12)}…, ${f.line_count} lines, ` +
          `header ${f.header_record_count ?? '-'} records / ${f.header_journal_amount_total ?? '-'}, ` +
          `lines ${f.detail_line_count} / ${f.detail_journal_amount_total ?? '-'} → ${f.verification}, rows_emitted ${f.rows_emitted}`
      );
    }
  }
  for (const t of run.messages.filter(
    (m) => m.type === 'TRACE' && m.trace.type === 'ERROR'
  )) {
    say(`   TRACE ${t.trace.error.failure_type}: ${t.trace.error.message}`);
  }
  for (const l of run.messages.filter(
    (m) =>
      m.type === 'LOG' && /started job|already|waiting|GAP/.test(m.log.message)
  )) {
    say(`   log: ${l.log.message}`);
  }
  say('   state after this read (per stream, per definition):');
  for (const s of latestStates(run.messages)) {
    say(
      `     ${s.stream.stream_descriptor.name}: ${JSON.stringify(s.stream.stream_state)}`
    );
  }
}

async function run(): Promise<void> {
  const startJobs = process.argv.includes('--start-jobs');
  fs.mkdirSync(OUT, {recursive: true});
  const scenario = JSON.parse(fs.readFileSync(SCENARIO, 'utf8'));
  const sim = await startSimulator(SCENARIO);
  try {
    const client = scenario.credentials.clients[0];
    const config = {
      credentials: {
        auth_type: 'oauth2_refresh_token',
        client_id: client.client_id,
        client_secret: client.client_secret,
        refresh_token: client.refresh_tokens[0],
      },
      oauth_base_url: sim.url,
      start_new_jobs: startJobs,
      job_wait_timeout_minutes: 2,
    };
    const configFile = write('config', config);
    const catalogFile = write('configured_catalog', catalog());
    say(
      bold(
        'SAP Concur Extract → Airbyte: demo sync against the embedded Concur Extract simulator'
      )
    );
    say(
      `Simulator ${sim.url} (scenario ${path.relative(ROOT, SCENARIO)}); files in ${path.relative(ROOT, OUT)}/`
    );
    say();

    const spec = (await main('spec', ['spec'])).messages.find(
      (m) => m.type === 'SPEC'
    ).spec.connectionSpecification;
    const visible = Object.entries<any>(spec.properties).filter(
      ([, p]) => !p.airbyte_hidden
    );
    say(bold(`1. spec → ${visible.length} settings`));
    for (const [name, p] of visible.sort(([, a], [, b]) => a.order - b.order)) {
      const variants = p.oneOf
        ? ` (${p.oneOf.map((v: any) => v.title).join(' | ')})`
        : '';
      say(`   ${name}: ${p.title}${variants}`);
    }

    const check = await main('check', ['check', '--config', configFile]);
    const status = check.messages.find(
      (m) => m.type === 'CONNECTION_STATUS'
    ).connectionStatus;
    say(
      bold(
        `2. check → ${status.status}${status.message ? `: ${status.message}` : ''}`
      )
    );

    const cat = (
      await main('discover', ['discover', '--config', configFile])
    ).messages.find((m) => m.type === 'CATALOG');
    say(bold(`3. discover → ${cat.catalog.streams.length} streams`));
    for (const s of cat.catalog.streams) {
      const fields = Object.keys(s.json_schema.properties).length;
      say(
        `   ${s.name.padEnd(20)} ${s.supported_sync_modes.join('+').padEnd(25)} pk ${JSON.stringify(s.source_defined_primary_key)}` +
          `${s.default_cursor_field ? ` cursor ${s.default_cursor_field}` : ''}, ${fields} fields`
      );
    }

    say(
      bold(
        `4. read #1 (incremental${startJobs ? ', start_new_jobs: a job per definition is started and awaited' : ''})`
      )
    );
    const r1 = await main('read1', [
      'read',
      '--config',
      configFile,
      '--catalog',
      catalogFile,
    ]);
    showRead(r1);
    const notable = notableJobs(scenario);
    const synced = new Set<string>();
    explainJobs(notable, recordsOf(r1), synced, say);
    explainCashAdvances(recordsOf(r1), say);
    const stateFile = write('state_after_read1', latestStates(r1.messages));

    // Meanwhile, Concur's overnight schedule finishes one more SAE job.
    const defId = scenario.definitions[0].id;
    sim.addJob(defId, {
      id: 'nightly$pNew$sJob01',
      status: 'Completed',
      start_time: new Date(Date.now() - 60_000).toISOString(),
      stop_time: new Date().toISOString(),
      file: {sae_v3: {details: 8, seed: 77, batch_id: 42}},
    });
    // ... and the scenario's Running job runs to its end (its running_ms on the simulator's clock).
    sim.advanceClock(runningMs(scenario));
    say();
    say(
      bold(
        '5. read #2 (incremental, from read #1 state; meanwhile Concur finished one more SAE job, and the Running job ran to its end)'
      )
    );
    const r2 = await main('read2', [
      'read',
      '--config',
      configFile,
      '--catalog',
      catalogFile,
      '--state',
      stateFile,
    ]);
    showRead(r2);
    explainJobs(notable, recordsOf(r2), synced, say);
    explainCashAdvances(recordsOf(r2), say);
    write('state_after_read2', latestStates(r2.messages));
    say();
    say(
      `Raw Airbyte messages of every command: ${path.relative(ROOT, OUT)}/*.jsonl`
    );
    if (r1.code !== 0 || r2.code !== 0) process.exitCode = 1;
  } finally {
    await sim.close();
  }
}

run().catch((e) => {
  console.error(e);
  process.exit(1);
});
