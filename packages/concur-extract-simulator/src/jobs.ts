/** Definitions and jobs: state, lifecycle (Queued → Running → Completed/Failed) and listing. */
import {concurId, hashSeed, Rng} from './rng';
import {
  FileSpec,
  JobStatus,
  NewJobSpec,
  parseTime,
  ScenarioDefinition,
  ScenarioJob,
} from './scenario';

export const MAX_LISTED_JOBS = 100;
const DEFAULT_RUN_MS = 48_000;

/** Wall-clock time plus an offset that tests can advance. */
export class Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

export interface SimJob {
  id: string;
  defId: string;
  /** Insertion order, breaks ties between equal start times. */
  seq: number;
  startMs: number;
  startRaw?: string;
  /** Jobs created finished. */
  fixed?: {status: 'Completed' | 'Failed'; stopMs: number; stopRaw?: string};
  /** Lifecycle of unfinished jobs (ms on the simulator clock; Infinity = never). */
  queuedUntil: number;
  runningUntil: number;
  finalStatus: 'Completed' | 'Failed';
  file: FileSpec;
}

export interface JobState {
  status: JobStatus;
  stopMs?: number;
  stopRaw?: string;
}

export function jobState(job: SimJob, now: number): JobState {
  if (job.fixed)
    return {
      status: job.fixed.status,
      stopMs: job.fixed.stopMs,
      stopRaw: job.fixed.stopRaw,
    };
  if (now < job.queuedUntil) return {status: 'Queued'};
  if (now < job.runningUntil) return {status: 'Running'};
  return {status: job.finalStatus, stopMs: job.runningUntil};
}

export interface SimDefinition {
  id: string;
  name: string;
  newJobs: NewJobSpec;
  jobs: SimJob[];
  posted: number;
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Give each POSTed job its own generated file: seed, batch id and batch date vary. */
function varyFile(spec: FileSpec, n: number, ms: number): FileSpec {
  const s = spec as any;
  for (const kind of ['sae_v3', 'prae']) {
    if (s[kind]) {
      const inner = s[kind];
      return {
        ...spec,
        [kind]: {
          ...inner,
          seed: (inner.seed ?? 1) + n,
          batch_id: (inner.batch_id ?? 1) + n,
          batch_date: isoDate(ms),
        },
      } as FileSpec;
    }
  }
  if (Array.isArray(s.zip)) {
    return {
      ...spec,
      zip: s.zip.map((e: any) => ({...e, file: varyFile(e.file, n, ms)})),
    } as FileSpec;
  }
  return spec;
}

export class JobStore {
  private readonly defs = new Map<string, SimDefinition>();
  private seq = 0;

  constructor(
    definitions: ScenarioDefinition[],
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly olderJobsGone = false
  ) {
    for (const d of definitions) {
      this.defs.set(d.id, {
        id: d.id,
        name: d.name,
        newJobs: d.new_jobs ?? {},
        jobs: [],
        posted: 0,
      });
      for (const j of d.jobs ?? []) this.add(d.id, j);
    }
  }

  definitions(): SimDefinition[] {
    return [...this.defs.values()];
  }

  definition(id: string): SimDefinition | undefined {
    return this.defs.get(id);
  }

  /** Add a scenario/test job. Unfinished jobs run their lifecycle from now. */
  add(defId: string, j: ScenarioJob): SimJob {
    const def = this.defs.get(defId);
    if (!def) throw new Error(`unknown definition ${defId}`);
    const now = this.clock.now();
    const id = j.id ?? this.newJobId(def);
    if (def.jobs.some((x) => x.id === id))
      throw new Error(`duplicate job id ${id}`);
    const startMs = j.start_time ? parseTime(j.start_time) : now;
    const status =
      j.status === 'Complete' ? 'Completed' : (j.status ?? 'Completed');
    const job: SimJob = {
      id,
      defId,
      seq: this.seq++,
      startMs,
      startRaw: j.start_time,
      queuedUntil: -Infinity,
      runningUntil: -Infinity,
      finalStatus: j.fail ? 'Failed' : 'Completed',
      file: j.file ?? {
        sae_v3: {details: 10, seed: hashSeed(id), batch_date: isoDate(startMs)},
      },
    };
    if (status === 'Completed' || status === 'Failed') {
      const stopMs = j.stop_time
        ? parseTime(j.stop_time)
        : startMs + DEFAULT_RUN_MS;
      job.fixed = {status, stopMs, stopRaw: j.stop_time};
    } else if (status === 'Queued') {
      job.queuedUntil = now + (j.queued_ms ?? Infinity);
      job.runningUntil = job.queuedUntil + (j.running_ms ?? Infinity);
    } else {
      job.queuedUntil = now;
      job.runningUntil = now + (j.running_ms ?? Infinity);
    }
    def.jobs.push(job);
    return job;
  }

  /** All jobs newest first by start time (ties: the later added first). */
  private sorted(def: SimDefinition): SimJob[] {
    return [...def.jobs].sort((a, b) => b.startMs - a.startMs || b.seq - a.seq);
  }

  /** The listing: newest 100 jobs. */
  list(defId: string): SimJob[] {
    const def = this.defs.get(defId);
    return def ? this.sorted(def).slice(0, MAX_LISTED_JOBS) : [];
  }

  get(defId: string, jobId: string): SimJob | undefined {
    const def = this.defs.get(defId);
    if (!def) return undefined;
    const pool = this.olderJobsGone ? this.list(defId) : def.jobs;
    return pool.find((j) => j.id === jobId);
  }

  /** POST …/job: a new Queued job, or `conflict` while one is Queued/Running. */
  post(defId: string): {job: SimJob} | {conflict: SimJob} {
    const def = this.defs.get(defId);
    if (!def) throw new Error(`unknown definition ${defId}`);
    const now = this.clock.now();
    const busy = def.jobs.find((j) =>
      ['Queued', 'Running'].includes(jobState(j, now).status)
    );
    if (busy) return {conflict: busy};
    const n = def.posted++;
    const nj = def.newJobs;
    const queued = nj.queued_ms ?? 200;
    const running = nj.running_ms ?? 500;
    const id = this.newJobId(def);
    const spec = nj.file ?? {sae_v3: {details: 25, seed: 1000}};
    const job: SimJob = {
      id,
      defId,
      seq: this.seq++,
      startMs: now,
      queuedUntil: now + queued,
      runningUntil: now + queued + running,
      finalStatus: nj.fail ? 'Failed' : 'Completed',
      file: nj.vary_file === false ? spec : varyFile(spec, n, now),
    };
    def.jobs.push(job);
    return {job};
  }

  private newJobId(def: SimDefinition): string {
    for (;;) {
      const id = concurId(this.rng);
      if (!def.jobs.some((j) => j.id === id)) return id;
    }
  }
}
