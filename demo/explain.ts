/**
 * What the demo's read output means for the jobs and rows a newcomer asks
 * about: the scenario's Running and Failed jobs, and SAE rows whose report
 * fields are blank. Every sentence is derived from the records of the read,
 * not assumed from the scenario.
 */

type Say = (s?: string) => void;

/** A job of the scenario file that did not simply complete. */
export interface NotableJob {
  id: string;
  status: string;
  definition: string;
}

/** The scenario's jobs that start out Running or Failed, with their definition's name. */
export function notableJobs(scenario: any): NotableJob[] {
  const out: NotableJob[] = [];
  for (const def of scenario.definitions ?? []) {
    for (const job of def.jobs ?? []) {
      if (job.id && (job.status === 'Running' || job.status === 'Failed')) {
        out.push({id: job.id, status: job.status, definition: def.name});
      }
    }
  }
  return out;
}

/**
 * One line per notable job: what this read emitted for it, and why.
 * `synced` holds the ids earlier reads already emitted in extract_jobs; it is
 * updated with this read's.
 */
export function explainJobs(
  jobs: readonly NotableJob[],
  records: readonly any[],
  synced: Set<string>,
  say: Say
): void {
  if (jobs.length === 0) return;
  const emitted = new Map<string, any>();
  for (const r of records)
    if (r.stream === 'extract_jobs') emitted.set(r.data.id, r.data);
  const rowCount = (id: string): number =>
    records.filter(
      (r) => r.stream === 'extract_file_rows' && r.data.job_id === id
    ).length;
  say('   the scenario jobs that were not simply Completed:');
  for (const job of jobs) {
    const data = emitted.get(job.id);
    const rows = rowCount(job.id);
    const name = `${job.status} job ${job.id} (${job.definition})`;
    if (data?.status === 'Failed') {
      say(
        `     ${name}: emitted once in extract_jobs as Failed (stop_time ${data.stop_time}, file_link null) and ` +
          `${rows} extract_file_rows: Concur produced no file. It is finished, so the cursor moves past it.`
      );
    } else if (data?.status === 'Completed') {
      say(
        `     ${name}: has finished since; this read emitted it as Completed with its ${rows} extract_file_rows.`
      );
    } else if (synced.has(job.id)) {
      say(
        `     ${name}: already emitted by an earlier read, so an incremental read does not emit it again.`
      );
    } else {
      say(
        `     ${name}: still unfinished, so neither extract_jobs nor extract_file_rows emitted it ` +
          `(incremental syncs emit a job once it has finished; it has no file yet). ` +
          `The cursor cannot pass it: it will finish after the cursor, so a later read picks it up.`
      );
    }
  }
  for (const id of emitted.keys()) synced.add(id);
}

/** SAE DETAIL rows without a report: cash-advance issuance lines, explained. */
export function explainCashAdvances(records: readonly any[], say: Say): void {
  const rows = records
    .filter((r) => r.stream === 'extract_file_rows')
    .map((r) => r.data)
    .filter(
      (d) => d.layout === 'sae_v3' && d.record_type === 'DETAIL' && !d.report_id
    );
  if (rows.length === 0) return;
  const types = [...new Set(rows.map((d) => d.cash_advance_transaction_type))];
  say(
    `   ${rows.length} SAE DETAIL rows have blank report fields (report_id, report_key, report_name): they are ` +
      `cash-advance issuance lines (cash_advance_transaction_type ${types.join(', ')}; 1 = issued). An advance is ` +
      `paid to an employee before any expense report exists, so it belongs to no report; when a report later ` +
      `uses it, that report's lines include CR lines with type 2 (docs/concur-extract-api.md#sae-v3).`
  );
}
